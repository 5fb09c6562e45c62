"""Health of the site for monitoring: database, Solr, task queue and workers.

`GET /vnarchive/@health` (REST) and `/vnarchive/@@health` (plain JSON) answer anyone with

    {"status": "ok" | "degraded" | "down"}

and HTTP 503 when the database check fails ("down"), 200 otherwise. A component that is not
set up ("not configured") does not degrade the site; one that is set up and fails does.

The detail of each check (`report(context, detail=True)`):

    {"status": …, "checked": "2025-11-21T08:00:00Z",
     "checks": {"database": {...}, "solr": {...}, "queue": {...}, "workers": {...}}}

goes only to users who may manage the site (Managers, Site Administrators) and to the
monitoring system when it sends the token configured in VNARCHIVE_HEALTH_TOKEN in the
``X-Health-Token`` header (compared in constant time; no token configured, no token access).
Even the detail never shows file paths, host names or ports (a storage's own name is its file
path or its server address, so it is left out), numbers of objects or records, software
versions, or error messages (those can carry paths and addresses): a failed check shows only
the exception's class name, and the details go to the event log.
"""

from datetime import datetime
from datetime import UTC
from persistent.TimeStamp import TimeStamp
from Products.Five.browser import BrowserView
from ZODB.utils import maxtid
from ZODB.utils import z64
from zope.component import queryUtility
from zope.interface import Interface

import hmac
import json
import logging
import os
import time


logger = logging.getLogger("vnarchive.health")

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"

TOKEN_ENVIRONMENT = "VNARCHIVE_HEALTH_TOKEN"  # noqa: S105 - a name, not a secret
TOKEN_HEADER = "X-Health-Token"  # noqa: S105 - a name, not a secret

# Storage classes by the kind reported (the class name is enough to tell them apart).
STORAGE_KINDS = {
    "ClientStorage": "zeo",
    "FileStorage": "filestorage",
    "RelStorage": "relstorage",
    "DemoStorage": "demostorage",
    "MappingStorage": "mappingstorage",
}


class IHealthCheck(Interface):
    """A named utility that checks one component ("queue", "workers").

    Calling it with the site returns a dict with at least "status" ("ok" or "error");
    it may raise, which counts as "error". Until such a utility is registered, the
    component is reported as "not configured".
    """

    def __call__(site):
        """Check the component."""


def _iso(seconds):
    return (
        datetime.fromtimestamp(seconds, UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z")
    )


def check_database(context):
    """A read through the storage of the site's own ZODB connection.

    For ZEO it first asks whether the client is connected (a disconnected client would
    otherwise wait for the server), then reads the history of the root object, which is a
    round trip to the ZEO server (for RelStorage, a query; for FileStorage, a read of
    the file).
    """
    db = context._p_jar.db()
    storage = db.storage
    kind = type(storage).__name__
    result = {
        "status": OK,
        "storage": STORAGE_KINDS.get(kind, kind.lower()),
        "database": db.database_name,
        "read_only": bool(storage.isReadOnly()),
    }
    is_connected = getattr(storage, "is_connected", None)
    if is_connected is not None and not is_connected():
        return dict(result, status=ERROR, error="Disconnected")
    # The root object's record: a real read from the storage, below the object caches.
    history = storage.history(z64, 1)
    if not history:
        raise LookupError("no root object")
    storage.loadBefore(z64, maxtid)
    tid = storage.lastTransaction()
    if tid and tid != z64:
        result["last_transaction"] = _iso(TimeStamp(tid).timeTime())
    return result


def _registered_check(name):
    def check(context):
        utility = queryUtility(IHealthCheck, name=name)
        if utility is None:
            return {"status": NOT_CONFIGURED}
        return dict(utility(context))

    return check


check_solr = _registered_check("solr")
check_queue = _registered_check("queue")
check_workers = _registered_check("workers")


def _run(name, check, context):
    started = time.perf_counter()
    try:
        result = dict(check(context))
    except Exception as error:
        logger.warning("health check %s failed", name, exc_info=True)
        result = {"status": ERROR, "error": type(error).__name__}
    if result.get("status") not in (OK, ERROR, NOT_CONFIGURED):
        result["status"] = ERROR
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def may_see_detail(context, request):
    """True for users who may manage the site and for the monitoring system's token."""
    from AccessControl import getSecurityManager

    if getSecurityManager().checkPermission("Manage portal", context):
        return True
    expected = os.environ.get(TOKEN_ENVIRONMENT, "").strip()
    given = (request.getHeader(TOKEN_HEADER) or "").strip()
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def report(context, detail=True):
    """(payload, HTTP status) of every check; looks the checks up when called.

    Without `detail` the payload is the overall status and nothing more."""
    checks = {
        "database": _run("database", check_database, context),
        "solr": _run("solr", check_solr, context),
        "queue": _run("queue", check_queue, context),
        "workers": _run("workers", check_workers, context),
    }
    if checks["database"]["status"] != OK:
        status, code = "down", 503
    elif any(check["status"] == ERROR for check in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = OK, 200
    if not detail:
        return {"status": status}, code
    payload = {"status": status, "checked": _iso(time.time()), "checks": checks}
    return payload, code


def no_store(response):
    response.setHeader("Cache-Control", "no-store")
    # The answer depends on who asks (Manager, token): never from a shared cache.
    response.setHeader("Vary", "Authorization, Cookie, X-Health-Token")


class HealthView(BrowserView):
    """/@@health: the same report as plain JSON, for probes that send no Accept header."""

    def __call__(self):
        payload, code = report(self.context, may_see_detail(self.context, self.request))
        response = self.request.response
        response.setStatus(code)
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        no_store(response)
        return json.dumps(payload)
