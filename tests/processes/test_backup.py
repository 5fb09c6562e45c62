"""`make backup` and `make restore` for real: two copies, a verified restore, damage refused.

The first test runs the site (`scripts/ctl.py start` in temporary var/etc on free ports,
over ZEO and over RelStorage on PostgreSQL), adds records and files over REST, backs up
while it runs, destroys the data, restores from the second copy and finds every record and
every file byte-identical. The others build a small FileStorage with blobs directly and
check the backup sets themselves: incremental backups, restore points, damage.
"""

from helpers import RECORD_TYPES
from helpers import ROOT
from pathlib import Path
from processes import free_port

import base64
import hashlib
import json
import os
import pytest
import requests
import shutil
import subprocess
import sys
import tempfile
import transaction


ADMIN = ("admin", "secret-admin")
JSON = {"Accept": "application/json"}
FILE_TYPES = {"ArchivalDocument", "PhotoRecord", "AudioVisualRecord"}
PROCESSING_DOCUMENT = "000.00.00.H56.2024.02.KH.0000001"


def missing_programs(storage):
    if storage != "relstorage":
        return []
    problems = []
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
        problems.append("PostgreSQL is not installed (make system)")
    for module in ("relstorage", "psycopg2"):
        found = subprocess.run([sys.executable, "-c", f"import {module}"], check=False)
        if found.returncode != 0:
            problems.append(f"the Python package {module} is missing (make install)")
    return problems


class Site:
    """A vnarchive started by ctl.py in a temporary directory, with its backup targets."""

    def __init__(self, storage, base):
        self.storage, self.base = storage, base
        self.var = base / "var"
        self.env = dict(
            os.environ,
            VNARCHIVE_VAR=str(self.var),
            VNARCHIVE_ETC=str(base / "etc"),
            VNARCHIVE_STORAGE=storage,
            VNARCHIVE_ZEO=f"127.0.0.1:{free_port()}",
            VNARCHIVE_PG_PORT=str(free_port()),
            VNARCHIVE_PORT=str(free_port()),
            VNARCHIVE_ADMIN_PASSWORD=ADMIN[1],
            VNARCHIVE_BACKUP_1=str(base / "backups-1"),
            VNARCHIVE_BACKUP_2=str(base / "backups-2"),
            # Idle workers run beside the client; no demo batch writing files while the
            # test compares, and no Solr (a backup is the database and its files).
            VNARCHIVE_DEMO_BATCH="0",
            VNARCHIVE_SOLR="0",
            VNARCHIVE_SOLR_PORT=str(free_port()),
        )
        for name in ("VNARCHIVE_CLIENTS", "VNARCHIVE_LB", "VNARCHIVE_PG_DSN"):
            self.env.pop(name, None)
        self.url = f"http://127.0.0.1:{self.env['VNARCHIVE_PORT']}/vnarchive"

    def run(self, script, *args):
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / script), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def ctl(self, action):
        done = self.run("ctl.py", action)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def backup(self, *args):
        return self.run("backup.py", *args)

    def get(self, path, **params):
        url = path if path.startswith("http") else f"{self.url}{path}"
        answer = requests.get(url, params=params, headers=JSON, auth=ADMIN, timeout=60)
        assert answer.status_code == 200, answer.text[:500]
        return answer

    def post(self, url, json):
        answer = requests.post(url, json=json, headers=JSON, auth=ADMIN, timeout=120)
        assert answer.status_code == 201, answer.text[:500]
        return answer.json()

    def upload(self, record, name, data, content_type="image/tiff"):
        info = self.post(
            f"{record}/@record-files",
            {
                "filename": name,
                "content-type": content_type,
                "data": base64.b64encode(data).decode(),
            },
        )
        assert info["sha256"] == hashlib.sha256(data).hexdigest()

    def holdings(self):
        """Every record (as admin) and the bytes of every file, as the site serves them."""
        found = self.get(
            "/@search", portal_type=RECORD_TYPES, b_size=500, sort_on="path"
        ).json()
        records = {item["@id"]: item["@type"] for item in found["items"]}
        assert len(records) == found["items_total"]
        files = {}
        for record, kind in records.items():
            if kind not in FILE_TYPES:
                continue
            for item in self.get(f"{record}/@record-files").json()["items"]:
                download = self.get(f"{record}/@@record-file/{item['name']}")
                files[f"{record}/{item['name']}"] = download.content
        return records, files


@pytest.fixture(params=["zeo", "relstorage"])
def site(request):
    problems = missing_programs(request.param)
    if problems:
        pytest.fail("; ".join(problems), pytrace=False)
    # Not under pytest's temporary directory, closed to other users: as root, PostgreSQL
    # runs as `postgres` and must reach its data directory in var.
    base = Path(tempfile.mkdtemp(prefix=f"vnarchive-backup-{request.param}-"))
    base.chmod(0o711)
    running = Site(request.param, base)
    try:
        yield running
    finally:
        running.run("ctl.py", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_backup_destroy_restore_from_the_second_copy(site):
    site.ctl("start")
    # New holdings over REST: a dossier, a document in it, files on it and on a demo one.
    [fonds] = site.get("/@search", portal_type="Fonds").json()["items"]
    dossier = site.post(
        fonds["@id"],
        {
            "@type": "Dossier",
            "title": "Hồ sơ sao lưu",
            "fileYear": 2023,
            "fileNumber": "11.SL",
        },
    )["@id"]
    document = site.post(
        dossier,
        {
            "@type": "ArchivalDocument",
            "typeName": "02",
            "codeNumber": "45",
            "codeNotation": "QĐ-UBND",
            "issuedDate": "15/05/2023",
            "organName": "Ủy ban nhân dân tỉnh Quảng Trị",
            "subjectText": "Quyết định về lưu trữ",
            "languageCode": ["01"],
            "numberOfPage": 2,
            "maintenance": "01",
            "mode": "01",
        },
    )["@id"]
    scan = os.urandom(300_000)
    site.upload(document, "trang-1.tif", scan)
    site.upload(
        document, "ghi-chú.txt", "Văn bản gốc, bản chụp.\n".encode(), "text/plain"
    )
    [demo] = site.get("/@search", archival_code=PROCESSING_DOCUMENT).json()["items"]
    site.upload(demo["@id"], "phụ-lục.tif", os.urandom(50_000))

    # Backed up while the site runs; then one more file and a second (incremental) backup.
    first = site.backup("backup")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Two backup sets written" in first.stdout
    site.upload(document, "trang-2.tif", os.urandom(120_000))
    second = site.backup("backup")
    assert second.returncode == 0, second.stdout + second.stderr
    sets = [Path(site.env["VNARCHIVE_BACKUP_1"]), Path(site.env["VNARCHIVE_BACKUP_2"])]
    for path in sets:
        assert (path / "MANIFEST.sha256").exists()
        assert (path / "backup.json").exists()
        # Self-describing: the standard tool checks a set without the project.
        checked = subprocess.run(
            ["sha256sum", "--check", "--quiet", "MANIFEST.sha256"], cwd=path
        )
        assert checked.returncode == 0
    if site.storage == "zeo":
        assert list((sets[1] / "filestorage").glob("*.deltafs"))
        assert list((sets[1] / "blobstorage").rglob("*.blob"))
    else:
        assert len(list((sets[1] / "relstorage").glob("*.dump"))) == 2

    records, files = site.holdings()
    assert document in records
    assert dossier in records
    assert files[f"{document}/trang-1.tif"] == scan
    assert len(files) >= 5  # ours and the demo's master scan

    refused = site.backup("restore", "--from", "2")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "make stop" in refused.stdout

    site.ctl("stop")
    if site.storage == "zeo":
        shutil.rmtree(site.var / "filestorage")
        shutil.rmtree(site.var / "blobstorage")
    else:
        shutil.rmtree(site.var / "postgresql")  # the whole cluster

    restored = site.backup("restore", "--from", "2")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "all match MANIFEST.sha256" in restored.stdout
    assert "restored data verified after" in restored.stdout

    started = site.ctl("start")
    assert "exists; its data is kept" in started.stdout
    again_records, again_files = site.holdings()
    assert again_records == records
    assert again_files.keys() == files.keys()
    for name, data in files.items():
        assert again_files[name] == data, name


# ---- the backup sets themselves, on a small FileStorage with blobs ----------------------


def commit_blobs(var, **blobs):
    """Store blobs under root[name] in var/filestorage/Data.fs, one transaction each."""
    from ZODB import DB
    from ZODB.blob import Blob
    from ZODB.FileStorage import FileStorage

    (var / "filestorage").mkdir(parents=True, exist_ok=True)
    storage = FileStorage(
        str(var / "filestorage" / "Data.fs"), blob_dir=str(var / "blobstorage")
    )
    manager = transaction.TransactionManager()
    db = DB(storage)
    connection = db.open(transaction_manager=manager)
    for name, data in blobs.items():
        blob = Blob()
        with blob.open("w") as out:
            out.write(data)
        connection.root()[name] = blob
        manager.commit()
    connection.close()
    db.close()


def stored_blobs(var):
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    storage = FileStorage(
        str(var / "filestorage" / "Data.fs"),
        blob_dir=str(var / "blobstorage"),
        read_only=True,
    )
    db = DB(storage)
    connection = db.open(transaction_manager=transaction.TransactionManager())
    try:
        return {name: blob.open("r").read() for name, blob in connection.root().items()}
    finally:
        connection.close()
        db.close()


@pytest.fixture
def offline(tmp_path):
    """Paths and a runner for backup.py over a FileStorage no server uses."""
    env = dict(
        os.environ,
        VNARCHIVE_VAR=str(tmp_path / "var"),
        VNARCHIVE_ETC=str(tmp_path / "etc"),
        VNARCHIVE_STORAGE="zeo",
        VNARCHIVE_BACKUP_1=str(tmp_path / "set-1"),
        VNARCHIVE_BACKUP_2=str(tmp_path / "set-2"),
    )

    def backup(*args):
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "backup.py"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    var = tmp_path / "var"
    var.mkdir()
    return var, tmp_path / "set-1", tmp_path / "set-2", backup


def test_a_damaged_set_is_refused_and_nothing_is_touched(offline):
    var, set_1, set_2, backup = offline
    commit_blobs(var, scan=b"the archived scan " * 1000)
    done = backup("backup")
    assert done.returncode == 0, done.stdout + done.stderr
    datafs = var / "filestorage" / "Data.fs"
    before = hashlib.sha256(datafs.read_bytes()).hexdigest()

    [copy] = (set_1 / "blobstorage").rglob("*.blob")
    copy.chmod(0o644)
    with open(copy, "r+b") as damaged:
        damaged.seek(100)
        damaged.write(b"X")
    [full] = (set_2 / "filestorage").glob("*.fs")
    full.unlink()

    for number, problem in ((1, "changed"), (2, "missing")):
        refused = backup("restore", "--from", str(number))
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert f"BACKUP SET {number} IS DAMAGED" in refused.stdout
        assert problem in refused.stdout
        assert f"FROM={3 - number}" in refused.stdout
    assert "changed   blobstorage/" in backup("verify", "--from", "1").stdout
    # Nothing was moved nor restored.
    assert hashlib.sha256(datafs.read_bytes()).hexdigest() == before
    assert not list(var.glob("before-restore-*"))


def test_restore_at_an_earlier_point_keeps_the_current_data_aside(offline):
    var, _set_1, set_2, backup = offline
    commit_blobs(var, first=b"first scan")
    assert backup("backup").returncode == 0
    commit_blobs(var, second=b"second scan")
    later = backup("backup")
    assert later.returncode == 0, later.stdout + later.stderr
    # The second backup of each set is incremental, and only new blobs were copied.
    assert len(list((set_2 / "filestorage").glob("*.deltafs"))) == 1
    assert "1 new copied" in later.stdout
    first_point = json.loads((set_2 / "backup.json").read_text())["points"][0]["point"]
    assert first_point in backup("list").stdout

    running = var / "zeoserver.pid"
    running.write_text(str(os.getpid()))  # a live pid: "the server runs"
    refused = backup("restore", "--from", "2")
    assert refused.returncode == 3
    assert "zeoserver" in refused.stdout
    running.unlink()

    restored = backup("restore", "--from", "2", "--at", first_point)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert stored_blobs(var) == {"first": b"first scan"}
    [aside] = var.glob("before-restore-*")
    assert (aside / "filestorage" / "Data.fs").exists()
    assert (aside / "blobstorage").is_dir()

    latest = backup("restore", "--from", "2")
    assert latest.returncode == 0, latest.stdout + latest.stderr
    assert stored_blobs(var) == {"first": b"first scan", "second": b"second scan"}


def test_a_set_that_lost_a_file_is_not_extended(offline):
    var, set_1, set_2, backup = offline
    commit_blobs(var, scan=b"scan")
    assert backup("backup").returncode == 0
    [copy] = (set_1 / "blobstorage").rglob("*.blob")
    copy.unlink()
    commit_blobs(var, more=b"more")
    again = backup("backup")
    assert again.returncode == 1
    assert "lost 1 files" in again.stdout
    assert "blobstorage/" in again.stdout
    # Set 1 is left as it was (and still refused); set 2 got the new restore point.
    assert not list((set_1 / "filestorage").glob("*.deltafs"))
    assert backup("verify", "--from", "1").returncode == 2
    assert list((set_2 / "filestorage").glob("*.deltafs"))
    assert backup("verify", "--from", "2").returncode == 0


def test_make_restore_says_which_set(offline):
    done = subprocess.run(
        ["make", "-s", "restore"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "FROM=1|2" in done.stdout
