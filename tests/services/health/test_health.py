"""The health endpoint for monitoring: anonymous, JSON, 503 when the database fails.

Anonymous gets ok/degraded/down and nothing more; the detail of each check goes to Managers
and to the monitoring system's token (VNARCHIVE_HEALTH_TOKEN, header X-Health-Token).
A broken component is simulated by replacing its check function: these tests are about
what the endpoint reports, not about breaking a database.
"""

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from vnarchive.policy import health
from vnarchive.search import health as solr_health

import json
import pytest
import requests


TIMEOUT = 30
CHECKS = {"database", "solr", "queue", "workers"}
MANAGER = {"auth": (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)}
TOKEN = "monitoring-7f3e9c1d2b"


def rest(site, headers=None, **options):
    headers = dict(headers or {}, Accept="application/json")
    return requests.get(f"{site}/@health", headers=headers, timeout=TIMEOUT, **options)


def plain(site, **options):
    return requests.get(f"{site}/@@health", timeout=TIMEOUT, **options)


def no_accept(site, **options):
    return requests.get(f"{site}/@health", timeout=TIMEOUT, **options)


def api(site, **options):
    return requests.get(f"{site}/++api++/@health", timeout=TIMEOUT, **options)


def bare(data):
    """The answer without the REST service's @id (the URL asked for)."""
    return {key: value for key, value in data.items() if key != "@id"}


CHANNELS = [rest, plain, no_accept, api]


@pytest.mark.parametrize("channel", CHANNELS)
def test_anonymous_gets_the_status_and_nothing_more(site, channel):
    response = channel(site)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "no-store" in response.headers["Cache-Control"]
    assert bare(response.json()) == {"status": "ok"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_manager_gets_ok_and_the_shape(site, channel):
    response = channel(site, **MANAGER)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "no-store" in response.headers["Cache-Control"]
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == CHECKS
    assert data["checked"].endswith("Z")
    database = data["checks"]["database"]
    assert database["status"] == "ok"
    # The test layer runs on DemoStorage; a started instance answers "zeo".
    assert database["storage"] == "demostorage"
    assert database["read_only"] is False
    assert database["last_transaction"].endswith("Z")
    assert set(database) == {
        "status",
        "storage",
        "database",
        "read_only",
        "last_transaction",
        "ms",
    }
    for name in ("queue", "workers"):
        assert data["checks"][name]["status"] == "not configured"


def test_rest_answer_has_its_id(site):
    assert rest(site).json()["@id"] == f"{site}/@health"
    assert rest(site, **MANAGER).json()["@id"] == f"{site}/@health"


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_monitoring_token_gets_the_detail(site, channel, monkeypatch):
    monkeypatch.setenv(health.TOKEN_ENVIRONMENT, TOKEN)
    detail = channel(site, headers={health.TOKEN_HEADER: TOKEN}).json()
    assert set(detail["checks"]) == CHECKS
    for wrong in ("", "x", TOKEN[:-1], TOKEN + "0", TOKEN.upper()):
        answer = channel(site, headers={health.TOKEN_HEADER: wrong}).json()
        assert bare(answer) == {"status": "ok"}, wrong


def test_no_token_configured_no_token_access(site, monkeypatch):
    monkeypatch.delenv(health.TOKEN_ENVIRONMENT, raising=False)
    for given in ("", "anything"):
        answer = rest(site, headers={health.TOKEN_HEADER: given}).json()
        assert bare(answer) == {"status": "ok"}
    monkeypatch.setenv(health.TOKEN_ENVIRONMENT, "  ")
    answer = rest(site, headers={health.TOKEN_HEADER: "x"}).json()
    assert bare(answer) == {"status": "ok"}


def test_solr_is_reported_not_configured(site):
    solr = rest(site, **MANAGER).json()["checks"]["solr"]
    # collective.solr is installed by our profile, but inactive until a Solr is configured
    # (vnarchive.search.connection.configure); the site then searches its catalog.
    assert solr["status"] == "not configured"
    assert solr["package_installed"] is True
    assert solr["addon_installed"] is True
    assert solr["active"] is False


@pytest.mark.parametrize("channel", CHANNELS)
def test_database_failure_is_down_and_503(site, channel, monkeypatch):
    def broken(context):
        raise OSError("/secret/path/Data.fs: disk on fire at 10.0.0.5:8100")

    monkeypatch.setattr(health, "check_database", broken)
    anonymous = channel(site)
    assert anonymous.status_code == 503
    assert bare(anonymous.json()) == {"status": "down"}
    response = channel(site, **MANAGER)
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "down"
    assert data["checks"]["database"]["status"] == "error"
    # Only the kind of error: never its message, which may carry paths and addresses.
    assert data["checks"]["database"]["error"] == "OSError"
    assert "secret" not in response.text
    assert "10.0.0.5" not in response.text


def test_disconnected_database_is_down(site, monkeypatch):
    monkeypatch.setattr(
        health,
        "check_database",
        lambda context: {"status": "error", "error": "Disconnected"},
    )
    response = rest(site)
    assert response.status_code == 503
    assert bare(response.json()) == {"status": "down"}


def test_other_failure_is_degraded_but_200(site, monkeypatch):
    def broken(context):
        raise ConnectionRefusedError("solr at 10.0.0.7:8983")

    monkeypatch.setattr(health, "check_solr", broken)
    anonymous = rest(site)
    assert anonymous.status_code == 200
    assert bare(anonymous.json()) == {"status": "degraded"}
    response = rest(site, **MANAGER)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["database"]["status"] == "ok"
    assert data["checks"]["solr"] == {
        "status": "error",
        "error": "ConnectionRefusedError",
        "ms": data["checks"]["solr"]["ms"],
    }
    assert "10.0.0.7" not in response.text


def test_nothing_sensitive(site, functional_portal):
    import Products.CMFPlone
    import ZODB

    answer = rest(site, **MANAGER).json()
    del answer["@id"]  # the URL asked for
    text = json.dumps(answer) + plain(site, **MANAGER).text
    storage = functional_portal._p_jar.db().storage
    assert storage.getName() not in text
    for module in (Products.CMFPlone, ZODB):
        assert module.__file__.rsplit("/", 3)[0] not in text  # no paths
    for word in ("version", "Plone", "Zope", "count", "total", "127.0.0.1"):
        assert word.lower() not in text.lower()


def test_a_registered_queue_check_is_used(site, functional_portal, monkeypatch):
    from zope.component import getGlobalSiteManager

    def queue(context):
        return {"status": "error", "error": "NoWorkers"}

    registry = getGlobalSiteManager()
    registry.registerUtility(queue, health.IHealthCheck, name="queue")
    try:
        data = rest(site, **MANAGER).json()
        assert bare(rest(site).json()) == {"status": "degraded"}
    finally:
        registry.unregisterUtility(queue, health.IHealthCheck, name="queue")
    assert data["status"] == "degraded"
    assert data["checks"]["queue"]["status"] == "error"
    assert data["checks"]["workers"]["status"] == "not configured"


class _Solr:
    """What the health check reads of a collective.solr connection."""

    https_connection = False
    ignore_certificate_check = False
    solrBase = "/solr/plone"
    auth_headers = {"Authorization": "Basic dGVzdDp0ZXN0"}

    def __init__(self, port):
        self.host = f"127.0.0.1:{port}"


@pytest.fixture
def solr_server():
    """A stand-in Solr answering /solr/plone/admin/ping; yields (port, requests seen)."""
    from http.server import BaseHTTPRequestHandler
    from http.server import ThreadingHTTPServer

    import threading

    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            ok = self.path.startswith("/solr/plone/admin/ping")
            body = json.dumps({"status": "OK" if ok else "FAIL"}).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def test_solr_ping(solr_server):
    port, seen = solr_server
    solr_health.ping_solr(_Solr(port))
    assert seen == [
        ("/solr/plone/admin/ping?wt=json", _Solr.auth_headers["Authorization"])
    ]


def test_solr_ping_fails_on_a_wrong_core(solr_server):
    port, _seen = solr_server
    connection = _Solr(port)
    connection.solrBase = "/solr/other"
    with pytest.raises(ConnectionError):
        solr_health.ping_solr(connection)


def test_solr_ping_fails_when_nothing_listens(solr_server):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the test pings it
    with pytest.raises(ConnectionRefusedError):
        solr_health.ping_solr(_Solr(port))
