"""A real Solr for the tests: one per test session, and the site wired to it.

Use it in a test module with ``from solr_fixtures import *  # noqa: F403`` and then:

- ``solr_server`` (session): the running Solr (a `SolrServer`), started once on a free port
  with a fresh index under pytest's temporary directory, stopped at the end, with BasicAuth
  on as `make start` runs it (``.secret``: its login and password). ``.url`` is the
  core's URL; ``.select(**params)``, ``.update(docs)``, ``.delete_all()``, ``.uids(q)``,
  ``.analyze(field_type, text)``, ``.stop()`` and ``.start()`` (same port and index) talk to it.
- ``solr_functional``: FUNCTIONAL_TESTING (``functional``: the vnarchive site and a WSGI
  server) with collective.solr active and pointed at ``solr_server``, set in the test's own
  database (gone after the test); Solr is emptied before each test.
- ``solr_portal``: its portal; ``solr_holdings``: the demo holdings loaded into it and
  committed, hence indexed in Solr (by archival code, as ``holdings``).

Missing java or mvn FAILS the tests that use these fixtures (they never skip). Solr starts in
about 5 s; the first build fetches the jars from Maven Central (later builds are offline).
"""

from helpers import load_holdings
from pathlib import Path
from processes import free_port
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import json
import os
import pytest
import signal
import subprocess
import sys
import time
import transaction
import urllib.parse
import urllib.request


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import solrctl  # noqa: E402


class SolrServer:
    """Solr run by the launcher in solr/, on `port`, with its index under `var`."""

    def __init__(self, var, port):
        self.var = Path(var)
        self.port = port
        self.url = solrctl.core_url(port)
        self.process = None
        self.start_seconds = None
        self.secret = None

    def start(self, seconds=180):
        self.var.mkdir(parents=True, exist_ok=True)
        self.secret = solrctl.secure(self.var)  # BasicAuth, as make start runs it
        started = time.monotonic()
        with open(self.var / "solr.log", "ab") as log:
            self.process = subprocess.Popen(
                solrctl.command(self.port, self.var),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not solrctl.wait(self.url, seconds, self.process, secret=self.secret):
            self.stop()
            tail = (self.var / "solr.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"Solr did not start on port {self.port}:\n{tail}")
        self.start_seconds = time.monotonic() - started
        return self

    def stop(self):
        """SIGTERM (the core closes cleanly), SIGKILL after 30 s."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def _request(self, path, data=None, content_type=None):
        request = urllib.request.Request(f"{self.url}{path}", data=data)
        request.add_header("Authorization", solrctl.authorization(self.secret))
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def select(self, **params):
        """/select with `params` (lists give repeated parameters); the JSON answer."""
        params.setdefault("wt", "json")
        body = urllib.parse.urlencode(params, doseq=True).encode()
        return self._request(
            "/select", body, "application/x-www-form-urlencoded; charset=utf-8"
        )

    def uids(self, q="*:*", **params):
        """UIDs of the documents matching `q`, best first."""
        answer = self.select(q=q, fl="UID", rows=10000, **params)
        return [document["UID"] for document in answer["response"]["docs"]]

    def update(self, documents, commit=True):
        body = json.dumps(documents).encode()
        path = "/update?commit=true" if commit else "/update"
        return self._request(path, body, "application/json")

    def delete_all(self):
        return self.update({"delete": {"query": "*:*"}})

    def commit(self):
        return self._request("/update?commit=true", b"[]", "application/json")

    def analyze(self, field_type, text):
        """The terms `field_type` makes of `text` at index time."""
        query = urllib.parse.urlencode(
            {
                "analysis.fieldtype": field_type,
                "analysis.fieldvalue": text,
                "wt": "json",
            }
        )
        answer = self._request(f"/analysis/field?{query}")
        chain = answer["analysis"]["field_types"][field_type]["index"]
        return [token["text"] for token in chain[-1]]


_SERVER = {}


def running_solr(tmp_path_factory):
    """The session's Solr: started at the first call (one per process, whichever module
    imported the fixtures), stopped by `stop_running_solr` at the end of the session."""
    if "server" not in _SERVER:
        missing = solrctl.missing_tools()
        if missing:
            pytest.fail(solrctl.MISSING.format(missing=", ".join(missing)))
        try:
            solrctl.build()
        except RuntimeError as error:
            pytest.fail(str(error))
        server = SolrServer(tmp_path_factory.mktemp("solr"), free_port()).start()
        print(f"\nSolr started in {server.start_seconds:.1f} s at {server.url}")
        _SERVER["server"] = server
    server = _SERVER["server"]
    if not server.running:
        server.start()
    return server


def stop_running_solr():
    server = _SERVER.pop("server", None)
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def solr_server(tmp_path_factory):
    """One real Solr for the whole session (a missing java or mvn fails the test)."""
    yield running_solr(tmp_path_factory)
    stop_running_solr()


@pytest.fixture
def solr_functional(functional, solr_server):
    """FUNCTIONAL_TESTING with collective.solr active on `solr_server`, Solr emptied.

    The settings are committed into the test's own database (discarded after the test)."""
    from vnarchive.search import connection as solr

    portal = functional["portal"]
    setSite(portal)
    setRequest(portal.REQUEST)
    solr.configure(solr_server.url, **solr_server.secret)
    transaction.commit()
    solr_server.delete_all()
    yield functional
    solr.reset_connection()


@pytest.fixture
def solr_portal(solr_functional):
    return solr_functional["portal"]


@pytest.fixture
def solr_holdings(solr_portal):
    """The demo holdings, indexed in Solr, by archival code.

    The test layer loaded them before Solr was configured: reindexing them (and the site,
    which the catalog holds too) queues them for collective.solr, which sends them when the
    transaction commits."""
    records = load_holdings(solr_portal)
    for record in records.values():
        record.reindexObject()
    solr_portal.reindexObject()
    transaction.commit()
    return records


__all__ = [
    "SolrServer",
    "solr_functional",
    "solr_holdings",
    "solr_portal",
    "solr_server",
]
