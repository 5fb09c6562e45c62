"""Two Zope clients behind nginx, over ZEO and over RelStorage on PostgreSQL, for real.

`scripts/ctl.py start` with VNARCHIVE_CLIENTS=2 (the load balancer comes with them) in a
temporary var/etc, on free ports; everything is stopped when the module's tests are done.
A missing nginx or PostgreSQL fails these tests: CI must install them (`make system`).
"""

from helpers import ROOT
from pathlib import Path
from processes import free_port
from processes import free_ports

import base64
import hashlib
import os
import pytest
import requests
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid


ADMIN = ("admin", "secret-admin")
JSON = {"Accept": "application/json"}
PROCESSING_DOCUMENT = (
    "000.00.00.H56.2024.02.KH.0000001"  # a demo document, open to edits
)


def listening(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def eventually(check, seconds=15):
    """The last result of `check`, tried until it is true or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def missing_programs(storage):
    problems = []
    if not (shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")):
        problems.append(
            "nginx is not installed: the load balancer needs Debian's nginx "
            "(run `make system` as root, or apt-get install nginx)"
        )
    if storage == "relstorage":
        if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
            problems.append(
                "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres): "
                "run `make system` as root, or apt-get install postgresql"
            )
        for module in ("relstorage", "psycopg2"):
            found = subprocess.run(
                [sys.executable, "-c", f"import {module}"], capture_output=True
            )
            if found.returncode != 0:
                problems.append(
                    f"the Python package {module} is missing from the environment "
                    "(make install)"
                )
    return problems


class Cluster:
    def __init__(self, storage, base):
        self.storage = storage
        self.base = base
        self.var = base / "var"
        port = free_ports(2)
        self.env = dict(
            os.environ,
            VNARCHIVE_VAR=str(self.var),
            VNARCHIVE_ETC=str(base / "etc"),
            VNARCHIVE_STORAGE=storage,
            VNARCHIVE_CLIENTS="2",
            VNARCHIVE_PORT=str(port),
            VNARCHIVE_LB_PORT=str(free_port()),
            VNARCHIVE_ZEO=f"127.0.0.1:{free_port()}",
            VNARCHIVE_PG_PORT=str(free_port()),
            VNARCHIVE_ADMIN_PASSWORD=ADMIN[1],
            # One digitization worker runs beside the clients; search is the catalog's here.
            VNARCHIVE_WORKERS="1",
            VNARCHIVE_SOLR="0",
            VNARCHIVE_DEMO_BATCH="0",
        )
        for name in ("VNARCHIVE_LB", "VNARCHIVE_PG_DSN", "VNARCHIVE_DEMO"):
            self.env.pop(name, None)
        self.ports = [port, port + 1]
        self.clients = [f"http://127.0.0.1:{number}/vnarchive" for number in self.ports]
        self.lb = f"http://127.0.0.1:{self.env['VNARCHIVE_LB_PORT']}/vnarchive"
        self.problems = missing_programs(storage)
        self.started = None

    def ctl(self, action):
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "ctl.py"), action],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def require(self):
        """Fail (never skip) when the topology could not be started."""
        if self.problems:
            pytest.fail("; ".join(self.problems), pytrace=False)
        if self.started is None or self.started.returncode != 0:
            output = (
                ""
                if self.started is None
                else self.started.stdout + self.started.stderr
            )
            pytest.fail(f"ctl.py start failed ({self.storage}):\n{output[-4000:]}")

    def find(self, code):
        """The path in the site of the record with this archival code."""
        found = requests.get(
            f"{self.clients[0]}/@search",
            params={"archival_code": code},
            headers=JSON,
            auth=ADMIN,
            timeout=60,
        )
        assert found.status_code == 200, found.text
        [item] = found.json()["items"]
        return item["@id"][len(self.clients[0]) :]

    def title(self, base, path, **params):
        answer = requests.get(
            f"{base}{path}", params=params, headers=JSON, auth=ADMIN, timeout=60
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["title"]

    def upload(self, base, path, name, data):
        posted = requests.post(
            f"{base}{path}/@record-files",
            json={
                "filename": name,
                "content-type": "image/tiff",
                "data": base64.b64encode(data).decode(),
            },
            headers=JSON,
            auth=ADMIN,
            timeout=120,
        )
        assert posted.status_code == 201, posted.text
        assert posted.json()["sha256"] == hashlib.sha256(data).hexdigest()

    def download(self, base, path, name):
        answer = requests.get(
            f"{base}{path}/@@record-file/{name}", auth=ADMIN, timeout=120
        )
        assert answer.status_code == 200, answer.text[:500]
        return answer.content

    def blob_chunks(self):
        """Rows of RelStorage's blob table: the blobs kept in PostgreSQL."""
        import psycopg2

        password = (self.var / "postgresql" / "password").read_text().strip()
        with (
            psycopg2.connect(
                dbname="vnarchive",
                user="vnarchive",
                password=password,
                host="127.0.0.1",
                port=self.env["VNARCHIVE_PG_PORT"],
            ) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT count(*) FROM blob_chunk")
            return cursor.fetchone()[0]

    def cached_sizes(self, client):
        """Sizes of the files in a client's blob cache (RelStorage)."""
        cache = self.var / client / "blobcache"
        return [path.stat().st_size for path in cache.rglob("*.blob")]


@pytest.fixture(scope="module", params=["zeo", "relstorage"])
def cluster(request):
    # Not under pytest's own temporary directory, which is closed to other users: as root,
    # PostgreSQL runs as `postgres` and must reach its data directory under this one.
    base = Path(tempfile.mkdtemp(prefix=f"vnarchive-{request.param}-"))
    base.chmod(0o711)
    running = Cluster(request.param, base)
    try:
        if not running.problems:
            running.started = running.ctl("start")
        yield running
    finally:
        running.ctl("stop")
        shutil.rmtree(base, ignore_errors=True)


def test_the_topology_runs_two_clients_behind_nginx(cluster):
    cluster.require()
    out = cluster.started.stdout
    for site in cluster.clients:
        assert f"served at {site}" in out
    assert f"The load balancer serves vnarchive at {cluster.lb}" in out
    assert "Loaded 19 demo records" in out
    etc = Path(cluster.env["VNARCHIVE_ETC"])
    confs = [(etc / f"zope-client{n}.conf").read_text() for n in (1, 2)]
    nginx = (etc / "nginx.conf").read_text()
    for port in cluster.ports:
        assert f"server 127.0.0.1:{port} " in nginx
    status = cluster.ctl("status").stdout
    assert "nginx: running" in status
    if cluster.storage == "zeo":
        assert all("<zeoclient>" in conf for conf in confs)
        assert "zeoserver: running" in status
        assert "postgresql" not in status
    else:
        # No ZEO, no shared disk: blobs in the database, one blob cache per client.
        assert all(
            "<relstorage>" in conf and "<zeoclient>" not in conf for conf in confs
        )
        assert all("shared-blob-dir false" in conf for conf in confs)
        assert f"blob-dir {cluster.var}/client1/blobcache" in confs[0]
        assert f"blob-dir {cluster.var}/client2/blobcache" in confs[1]
        assert "postgresql: running" in status
        assert "zeoserver" not in status
        assert not listening(int(cluster.env["VNARCHIVE_ZEO"].rsplit(":", 1)[1]))
        assert (cluster.var / "postgresql" / "data" / "PG_VERSION").exists()
        assert not (cluster.var / "filestorage").exists()


def test_an_edit_through_client1_is_seen_through_client2_and_the_load_balancer(cluster):
    cluster.require()
    path = cluster.find(PROCESSING_DOCUMENT)
    title = f"Sửa qua client1 ({cluster.storage}) {uuid.uuid4().hex[:8]}"
    edited = requests.patch(
        f"{cluster.clients[0]}{path}",
        json={"title": title},
        headers=JSON,
        auth=ADMIN,
        timeout=60,
    )
    assert edited.status_code == 204, edited.text
    assert eventually(lambda: cluster.title(cluster.clients[1], path) == title)
    # Through the load balancer, in round robin: every answer has the edit, and both
    # clients gave some of them (their access logs show the probes).
    probe = uuid.uuid4().hex
    for number in range(4):
        assert cluster.title(cluster.lb, path, probe=f"{probe}-{number}") == title

    def probed(client):
        log = cluster.var / "log" / f"{client}-access.log"
        return log.exists() and probe in log.read_text()

    assert eventually(lambda: probed("client1") and probed("client2"))


def test_a_master_file_uploaded_through_client1_downloads_identically_from_client2(
    cluster,
):
    cluster.require()
    path = cluster.find(PROCESSING_DOCUMENT)
    data = os.urandom(2_500_000) + b"end of scan"
    name = f"trang-{cluster.storage}.tif"
    if cluster.storage == "relstorage":
        chunks = cluster.blob_chunks()
        assert len(data) not in cluster.cached_sizes("client2")
    cluster.upload(cluster.clients[0], path, name, data)
    if cluster.storage == "relstorage":
        # The blob went into PostgreSQL, and client2 has no copy of it yet.
        assert cluster.blob_chunks() > chunks
        assert len(data) not in cluster.cached_sizes("client2")
    assert eventually(lambda: cluster.download(cluster.clients[1], path, name) == data)
    assert cluster.download(cluster.lb, path, name) == data
    if cluster.storage == "relstorage":
        # client2 fetched it from the database into its own cache.
        assert len(data) in cluster.cached_sizes("client2")


def test_a_path_that_is_not_utf8_is_a_400_on_every_client_and_through_nginx(cluster):
    # Zope fails on it before any view (500 and waitress's traceback): the bad_path filter
    # of instance/zope.ini.in answers (vnarchive.policy.wsgi; tests/test_bad_input.py).
    cluster.require()
    for base in [*cluster.clients, cluster.lb]:
        for headers in ({}, JSON):
            answer = requests.get(f"{base}/x/%C0%AF", headers=headers, timeout=60)
            assert answer.status_code == 400, answer.text[:500]
            assert "Địa chỉ có ký tự không hợp lệ" in answer.text
            for word in ("Traceback", "UnicodeDecodeError", ".py", "waitress"):
                assert word not in answer.text, (word, answer.text[:500])
        english = requests.get(
            f"{base}/x/%C0%AF", headers={"Accept-Language": "en"}, timeout=60
        )
        assert "The address contains characters that are not valid" in english.text


def test_a_restart_keeps_the_data(cluster):
    cluster.require()
    path = cluster.find(PROCESSING_DOCUMENT)
    title = f"Trước khi khởi động lại ({cluster.storage})"
    edited = requests.patch(
        f"{cluster.lb}{path}",
        json={"title": title},
        headers=JSON,
        auth=ADMIN,
        timeout=60,
    )
    assert edited.status_code == 204, edited.text
    data = os.urandom(1_200_000)
    name = f"qua-can-bang-tai-{cluster.storage}.tif"
    cluster.upload(cluster.lb, path, name, data)  # through nginx's request buffering

    stopped = cluster.ctl("stop")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    database = "zeoserver" if cluster.storage == "zeo" else "postgresql"
    assert stopped.stdout.split() == (
        f"stopped nginx stopped worker1 stopped client2 stopped client1 stopped {database}".split()
    )
    ports = [*cluster.ports, int(cluster.env["VNARCHIVE_LB_PORT"])]
    if cluster.storage == "relstorage":
        ports.append(int(cluster.env["VNARCHIVE_PG_PORT"]))
        # Nothing on the clients' disks matters: the files come back from the database.
        for client in ("client1", "client2"):
            shutil.rmtree(cluster.var / client / "blobcache")
    assert not [port for port in ports if listening(port)]
    assert not list(cluster.var.glob("*.pid"))

    cluster.started = restarted = cluster.ctl("start")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "exists; its data is kept" in restarted.stdout
    assert "Initialising" not in restarted.stdout
    assert eventually(lambda: cluster.title(cluster.clients[1], path) == title)
    assert cluster.title(cluster.lb, path) == title
    assert cluster.download(cluster.clients[1], path, name) == data
    assert cluster.download(cluster.lb, path, name) == data
    dossiers = requests.get(
        f"{cluster.lb}/@search",
        params={"portal_type": "Dossier"},
        headers=JSON,
        auth=ADMIN,
        timeout=60,
    )
    assert dossiers.json()["items_total"] == 6  # the demo, not loaded twice
