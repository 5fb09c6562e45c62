"""The "solr" check of @health (an `IHealthCheck` utility of vnarchive.policy.health)."""

from plone.registry.interfaces import IRegistry
from vnarchive.policy.health import ERROR
from vnarchive.policy.health import IHealthCheck
from vnarchive.policy.health import NOT_CONFIGURED
from vnarchive.policy.health import OK
from vnarchive.search.connection import current_connection
from zope.component import queryUtility
from zope.interface import implementer

import http.client
import importlib.util
import json
import logging
import ssl


logger = logging.getLogger("vnarchive.health")

SOLR_TIMEOUT = 2.0  # seconds; a monitoring probe must answer quickly


def check_solr(context):
    """collective.solr: not configured unless its add-on is installed and active; then a ping.

    "search" tells what answers full-text queries: "solr", or "catalog" when Solr is off or
    does not answer (the real Solr is pinged: status "ok" or "error")."""
    if importlib.util.find_spec("collective.solr") is None:
        return {
            "status": NOT_CONFIGURED,
            "package_installed": False,
            "addon_installed": False,
            "active": False,
        }
    registry = queryUtility(IRegistry)
    addon = registry is not None and "collective.solr.active" in registry.records
    active = bool(addon and registry["collective.solr.active"])
    result = {
        "status": NOT_CONFIGURED,
        "package_installed": True,
        "addon_installed": addon,
        "active": active,
    }
    if not active:
        return dict(result, search="catalog")
    _manager, connection = current_connection()
    if connection is None:
        return dict(result, status=ERROR, error="NoConnection", search="catalog")
    try:
        ping_solr(connection)
    except Exception as error:
        # Solr is down: full-text search falls back to the catalog until it is back.
        logger.warning("health check solr failed", exc_info=True)
        return dict(result, status=ERROR, error=type(error).__name__, search="catalog")
    return dict(result, status=OK, search="solr")


def ping_solr(connection):
    """GET <base>/admin/ping on a fresh short-lived connection (not the thread's own)."""
    if connection.https_connection:
        context = (
            ssl._create_unverified_context()  # noqa: S323 - the site's own Solr setting
            if connection.ignore_certificate_check
            else None
        )
        client = http.client.HTTPSConnection(
            connection.host, timeout=SOLR_TIMEOUT, context=context
        )
    else:
        client = http.client.HTTPConnection(connection.host, timeout=SOLR_TIMEOUT)
    try:
        client.request(
            "GET",
            f"{connection.solrBase}/admin/ping?wt=json",
            headers=dict(connection.auth_headers),
        )
        response = client.getresponse()
        body = response.read()
    finally:
        client.close()
    if response.status != 200:
        raise ConnectionError(f"Solr ping answered HTTP {response.status}")
    if json.loads(body).get("status") != "OK":
        raise ConnectionError("Solr ping did not answer OK")


@implementer(IHealthCheck)
class SolrHealth:
    def __call__(self, site):
        return check_solr(site)
