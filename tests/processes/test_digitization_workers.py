"""Digitization with real processes: ZEO, a Zope client, worker processes, Tesseract, Redis.

`scripts/ctl.py start` runs the instance with two workers (VNARCHIVE_WORKERS=2) in a
temporary var/etc on free ports, with short leases so that a killed worker's page comes
back quickly. Batches are made by tests/batches.py (small pages, every format).
"""

from batches import document
from batches import document_fields
from batches import make_batch
from batches import own_holdings
from batches import scan
from batches import STANDARD_PAGES
from pathlib import Path
from processes import ADMIN_PASSWORD
from processes import free_port
from processes import instance_env
from processes import ROOT
from processes import run_script

import json
import os
import pytest
import re
import requests
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile


ADMIN = ("admin", ADMIN_PASSWORD)
READER = ("docgia", "vnarchive-demo")
JSON = {"Accept": "application/json"}
FINISHED = ("done", "done_with_problems", "failed", "invalid", "validated")
LEASE = 5  # seconds: a killed worker's page is taken again after this


class Instance:
    def __init__(self, base):
        self.base = base
        self.root = base / "import"
        self.root.mkdir()
        self.env = instance_env(
            base,
            VNARCHIVE_WORKERS="2",
            VNARCHIVE_IMPORT_ROOT=str(self.root),
            VNARCHIVE_LEASE_SECONDS=str(LEASE),
            VNARCHIVE_SWEEP_SECONDS="1",
            VNARCHIVE_SOLR="0",  # search through the catalog: these tests are about workers
        )
        self.env.pop("VNARCHIVE_REDIS_URL", None)
        self.site = f"http://127.0.0.1:{self.env['VNARCHIVE_PORT']}/vnarchive"
        self.var = Path(self.env["VNARCHIVE_VAR"])
        self.conf = Path(self.env["VNARCHIVE_ETC"]) / "zope-client1.conf"
        self.started = None
        self.processes = []

    def ctl(self, action):
        return run_script(self.env, "ctl.py", action)

    def rest(self, method, path, auth=ADMIN, **options):
        return requests.request(
            method,
            f"{self.site}/{path}",
            headers=JSON,
            auth=auth,
            timeout=120,
            **options,
        )

    def start_batch(self, folder, **data):
        posted = self.rest("POST", "@batches", json={"folder": folder, **data})
        assert posted.status_code == 201, posted.text
        return posted.json()

    def wait(self, batch_id, until=None, seconds=180):
        deadline = time.monotonic() + seconds
        while True:
            answer = self.rest("GET", f"@batches/{batch_id}")
            assert answer.status_code == 200, answer.text
            batch = answer.json()
            if until(batch) if until else batch["state"] in FINISHED:
                return batch
            if time.monotonic() > deadline:
                raise AssertionError(f"batch not finished in {seconds} s: {batch}")
            time.sleep(0.5)

    def worker_pid(self, name):
        return int((self.var / f"{name}.pid").read_text())

    def zope_script(self, source):
        """Run a script in the database (zconsole) and return what it prints as JSON."""
        script = self.base / "check.py"
        script.write_text(source)
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "zconsole"),
                "run",
                str(self.conf),
                str(script),
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def instance():
    base = Path(tempfile.mkdtemp(prefix="vnarchive-workers-"))
    running = Instance(base)
    try:
        running.started = running.ctl("start")
        assert running.started.returncode == 0, (
            running.started.stdout + running.started.stderr
        )
        yield running
    finally:
        for process in running.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        running.ctl("stop")
        shutil.rmtree(base, ignore_errors=True)


RECORDS = """
import json, sys
from zope.component.hooks import setSite
from vnarchive.content.files import IRecordFiles
from vnarchive.content.journal import entries_for
site = app["vnarchive"]
setSite(site)
out = {}
for brain in site.portal_catalog.unrestrictedSearchResults(portal_type=[
        "ArchivalDocument", "PhotoRecord"]):
    obj = brain._unrestrictedGetObject()
    files = IRecordFiles(obj)
    out[brain.UID] = {
        "pages": [[p.number, p.source, len(p.history)] for p in files.pages()],
        "masters": len(files.masters()),
        "digitized": [e["action"] for e in entries_for(site, brain.UID)].count("digitized"),
        "pdfa": [f.name for f in files.derivatives() if f.kind == "pdfa"],
        "docId": getattr(obj, "docId", None),
    }
print(json.dumps(out))
"""


def test_start_runs_the_workers_and_health_sees_them(instance):
    assert "2 digitization workers run" in instance.started.stdout
    status = instance.ctl("status").stdout
    assert "worker1: running" in status
    assert "worker2: running" in status

    def workers_ok():
        answer = requests.get(
            f"{instance.site}/@@health", auth=ADMIN, timeout=30
        ).json()
        workers = answer["checks"]["workers"]
        return workers["status"] == "ok" and workers["alive"] == 2 and answer

    deadline = time.monotonic() + 30
    while not (health := workers_ok()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert health, "no heartbeat of both workers within 30 s"
    assert health["checks"]["queue"]["status"] == "ok"
    assert health["checks"]["workers"]["alive"] == 2


def test_a_batch_over_rest_becomes_searchable_pdfa(instance):
    source = make_batch(instance.root / "lo-chuan")  # TIFF, JPEG, PNG, PDF, a photo
    started = instance.start_batch("lo-chuan")
    assert started["state"] == "validating"
    batch = instance.wait(started["id"])

    assert batch["state"] == "done", batch
    assert batch["problems"] == []
    assert (batch["pages_total"], batch["pages_done"]) == (
        STANDARD_PAGES,
        STANDARD_PAGES,
    )
    assert (batch["pages_failed"], batch["pages_remaining"]) == (0, 0)
    assert batch["eta_seconds"] == 0
    assert batch["documents_built"] == len(source.documents) == 4
    records = instance.zope_script(RECORDS)
    by_uid = {item["uid"]: item for item in batch["documents"]}
    for uid, record in records.items():
        if uid not in by_uid:
            continue
        assert record["pdfa"] == [f"{record['docId']}.pdf"]  # the national name
        assert all(
            source == "ocr" and history == 0 for _n, source, history in record["pages"]
        )
        assert record["digitized"] == 1
    assert set(by_uid) <= set(records)

    # The OCR text is searchable through the catalog (REST @search).
    found = instance.rest(
        "GET",
        "@search",
        params={"SearchableText": "bc-102-phu-luc", "metadata_fields": "UID"},
    ).json()
    uids = {item["UID"] for item in found["items"]}
    report = next(item for item in batch["documents"] if "102" in item["label"])
    assert report["uid"] in uids

    files = instance.rest(
        "GET", report["path"].split("/vnarchive", 1)[1].lstrip("/") + "/@record-files"
    ).json()
    kinds = sorted(item["kind"] or "" for item in files["items"])
    assert kinds.count("clean-page") == 3
    assert kinds.count("pdfa") == 1


def test_killing_a_worker_in_the_middle_loses_nothing(instance):
    make_batch(
        instance.root / "lo-giet",
        documents=[
            document(
                scan(f"cv-giet-{number}.tif", pages=3), **document_fields(30 + number)
            )
            for number in range(1, 4)
        ],
    )
    started = instance.start_batch("lo-giet")
    victim = instance.worker_pid("worker1")
    from vnarchive.digitization import queue

    os.environ["VNARCHIVE_QUEUE_DB"] = str(instance.var / "queue" / "huey.db")
    queue.reset()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            busy = [
                info
                for info in queue.heartbeats().values()
                if info.get("pid") == victim
                and (info.get("job") or "").startswith("page")
            ]
            progress = instance.rest("GET", f"@batches/{started['id']}").json()
            if busy and progress["pages_done"] >= 1:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("worker1 never took a page")
        time.sleep(0.3)  # past the claim, into the clean-up and OCR
        os.kill(victim, signal.SIGKILL)  # in the middle of a page
        killed_at = progress["pages_done"]
    finally:
        os.environ.pop("VNARCHIVE_QUEUE_DB", None)
        queue.reset()
    assert killed_at < 9

    batch = instance.wait(started["id"])
    assert batch["state"] == "done", batch
    assert (batch["pages_done"], batch["pages_failed"]) == (9, 0)
    assert batch["pages_taken_again"] >= 1  # the page the dead worker held
    records = instance.zope_script(RECORDS)
    for item in batch["documents"]:
        record = records[item["uid"]]
        # Every page once in the record: OCR text set once, no history.
        assert record["pages"] == [[number, "ocr", 0] for number in range(1, 4)]
        assert record["digitized"] == 1
        assert len(record["pdfa"]) == 1


def test_the_same_batch_again_creates_nothing(instance):
    before = instance.zope_script(RECORDS)
    started = instance.start_batch("lo-chuan")
    batch = instance.wait(started["id"])
    assert batch["state"] == "done", batch
    assert batch["pages_reused"] == batch["pages_total"] == STANDARD_PAGES
    assert not any(item["created"] for item in batch["documents"])
    assert instance.zope_script(RECORDS) == before


def test_a_zip_upload_is_only_stored_then_validated_by_a_worker(instance, tmp_path):
    source = make_batch(
        tmp_path / "lo-zip",
        documents=[document(scan("cv-zip.jpg"), **document_fields(71))],
        bad=["low_dpi"],
    )
    archive = tmp_path / "lo-zip.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in source.folder.rglob("*"):
            if path.is_file():
                out.write(path, f"lo-zip/{path.relative_to(source.folder)}")
    # A multipart POST is what a page of another site can send too: it carries
    # plone.protect's token, as a page form would (see tests/test_csrf.py).
    form = requests.get(f"{instance.site}/@@import-batch", auth=ADMIN, timeout=60)
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text)
    with open(archive, "rb") as stream:
        posted = requests.post(
            f"{instance.site}/@batches",
            files={"file": ("lo-zip.zip", stream, "application/zip")},
            data={"validate_only": "true"},
            headers={**JSON, "X-CSRF-TOKEN": token.group(1)},
            auth=ADMIN,
            timeout=120,
        )
    assert posted.status_code == 201, posted.text
    assert posted.json()["state"] == "validating"  # nothing done in the request
    batch = instance.wait(posted.json()["id"])
    assert batch["state"] == "invalid"
    assert [problem["code"] for problem in batch["problems"]] == ["low_dpi"]
    assert batch["pages_total"] == 0
    assert (instance.var / "batches" / batch["id"] / "upload.zip").exists()

    listed = instance.rest("GET", "@batches").json()
    assert batch["id"] in {item["id"] for item in listed["items"]}
    page = requests.get(
        f"{instance.site}/@@batches/{batch['id']}", auth=ADMIN, timeout=60
    )
    assert page.status_code == 200
    assert "Không hợp lệ" in page.text


def test_anonymous_and_readers_learn_nothing_about_batches(instance):
    listed = instance.rest("GET", "@batches").json()
    batch_id = listed["items"][0]["id"]
    for auth in (None, READER):
        for method, path in (
            ("GET", "@batches"),
            ("GET", f"@batches/{batch_id}"),
            ("POST", "@batches"),
            ("POST", f"@batches/{batch_id}/retry"),
        ):
            answer = instance.rest(method, path, auth=auth, json={"folder": "lo-chuan"})
            assert answer.status_code in (401, 403), (auth, path, answer.status_code)
            assert batch_id not in answer.text
            assert "lo-chuan" not in answer.text
        for view in ("@@batches", f"@@batches/{batch_id}", "@@import-batch"):
            answer = requests.get(
                f"{instance.site}/{view}", auth=auth, timeout=60, allow_redirects=False
            )
            assert answer.status_code in (302, 401, 403), (auth, view)
            assert batch_id not in answer.text


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError("redis-server did not start") from None
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=20)


def test_the_command_line_importer_with_a_redis_queue(instance, redis_url):
    make_batch(
        instance.root / "lo-redis",
        documents=[document(scan("cv-redis.png"), **document_fields(51))],
    )
    env = dict(instance.env, VNARCHIVE_REDIS_URL=redis_url)
    importer = [
        sys.executable,
        str(ROOT / "scripts" / "import_batch.py"),
        str(instance.root / "lo-redis"),
        "--conf",
        str(instance.conf),
    ]
    checked = subprocess.run(
        [*importer, "--validate"], env=env, capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "validated" in checked.stdout

    worker = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "worker.py"),
            "--conf",
            str(instance.conf),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    instance.processes.append(worker)
    done = subprocess.run(
        importer, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 xong/done, 0 lỗi/failed" in done.stdout
    assert "queue: Redis 127.0.0.1" in done.stdout
    import redis

    assert redis.Redis.from_url(redis_url).keys("huey*")  # the queue lived in Redis
    os.killpg(worker.pid, signal.SIGTERM)
    output, _ = worker.communicate(timeout=30)
    assert "queue Redis 127.0.0.1" in output


def _digitized(instance, batch, dossier):
    assert batch["state"] == "done", batch
    assert batch["problems"] == []
    states = [item["state"] for item in batch["documents"]]
    assert states == ["imported", "imported", "built", "built"], batch["documents"]
    assert (batch["pages_total"], batch["pages_done"]) == (3, 3)
    records = instance.zope_script(RECORDS)
    for item in batch["documents"][2:]:
        record = records[item["uid"]]
        assert record["docId"].startswith(dossier + ".")
        assert [source for _n, source, _h in record["pages"]] == ["ocr"] * len(
            record["pages"]
        )
        assert record["pdfa"] == [record["docId"] + ".pdf"]


def test_a_workbook_creating_its_fonds_and_dossier_goes_through_the_workers(
    instance,
):
    _source, dossier = own_holdings(
        instance.root / "lo-phong-xlsx", "SNVX", "000.06.18.G09", manifest="xlsx"
    )
    started = instance.start_batch("lo-phong-xlsx")
    _digitized(instance, instance.wait(started["id"]), dossier)


def test_the_command_line_imports_a_manifest_creating_its_fonds_and_dossier(
    instance,
):
    _source, dossier = own_holdings(
        instance.root / "lo-phong-csv", "SNVC", "000.06.19.G09", manifest="csv"
    )
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "import_batch.py"),
            str(instance.root / "lo-phong-csv"),
            "--conf",
            str(instance.conf),
        ],
        env=instance.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 xong/done, 0 lỗi/failed" in done.stdout
    batch_id = re.search(r"batch (\S+) \(", done.stdout).group(1)
    answer = instance.rest("GET", f"@batches/{batch_id}")
    _digitized(instance, answer.json(), dossier)
