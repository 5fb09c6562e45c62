"""Make Solr match the catalog: index what it misses or holds stale, delete what is gone.

While Solr is down, saves still commit (collective.solr logs the failed indexing and the
catalog has the change); `sync(site)` catches up afterwards (``make solr-sync``). A record
is stale in Solr when its modification date, workflow state, path or the roles and users
that may see it differ from the catalog's: a transition changes who may see a record without
changing its modification date, so the security fields are compared too.
"""

from collective.solr.exceptions import SolrConnectionException
from collective.solr.indexer import datehandler
from collective.solr.indexer import SolrIndexProcessor
from collective.solr.interfaces import ISolrConnectionManager
from collective.solr.utils import isActive
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from plone import api
from Products.CMFCore.indexing import processQueue
from zope.component import getUtility

import json
import logging
import urllib.parse


logger = logging.getLogger("vnarchive.search")

COMPARED = ("modified", "review_state", "path_string", "allowedRolesAndUsers")
BATCH = 200


class SolrUnavailable(Exception):
    """collective.solr is off, or Solr does not answer."""


@dataclass
class SyncReport:
    catalog: int = 0
    solr_before: int = 0
    missing: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    @property
    def in_sync(self):
        return not (self.missing or self.stale or self.removed or self.failed)

    def summary(self):
        return (
            f"catalog {self.catalog}, Solr before {self.solr_before}: "
            f"indexed {len(self.missing)} missing, {len(self.stale)} stale; "
            f"deleted {len(self.removed)}; failed {len(self.failed)}"
        )


def _connection():
    if not isActive():
        raise SolrUnavailable("collective.solr is not active")
    from vnarchive.search.connection import current_connection

    manager = getUtility(ISolrConnectionManager)
    manager.setIndexTimeout()
    manager, conn = current_connection()
    if conn is None or manager.getSchema() is None:
        raise SolrUnavailable("Solr does not answer")
    try:
        answer = json.loads(
            conn.doGet(f"{conn.solrBase}/admin/ping?wt=json", conn.formheaders).read()
        )
    except (OSError, SolrConnectionException, ValueError) as error:
        manager.closeConnection(clearSchema=True)
        raise SolrUnavailable(
            f"Solr does not answer ({type(error).__name__})"
        ) from None
    if answer.get("status") != "OK":
        raise SolrUnavailable("Solr's ping is not OK")
    return manager, conn


def _instant(value):
    """A date as collective.solr sends it or Solr returns it -> ISO with milliseconds."""
    if not value:
        return None
    if not isinstance(value, str):
        value = datehandler(value)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"


def _normalise(name, value):
    if name == "modified":
        return _instant(value)
    if name == "allowedRolesAndUsers":
        return tuple(sorted(value or ()))
    return value or None


def catalog_state(site):
    """{UID: {compared field: value}} for everything the catalog holds."""
    catalog = api.portal.get_tool("portal_catalog")
    roles_index = catalog._catalog.getIndex("allowedRolesAndUsers")
    state = {}
    processQueue()
    for brain in catalog.getAllBrains():
        if not brain.UID:
            continue
        values = {
            "modified": brain.modified,
            "review_state": brain.review_state,
            "path_string": brain.getPath(),
            "allowedRolesAndUsers": roles_index.getEntryForObject(
                brain.getRID(), default=()
            ),
        }
        state[brain.UID] = {name: _normalise(name, values[name]) for name in COMPARED}
    return state


def solr_state(conn):
    """{UID: {compared field: value}} for every document in Solr (cursor paging)."""
    state, cursor = {}, "*"
    while True:
        query = urllib.parse.urlencode(
            {
                "q": "*:*",
                "fl": ",".join(("UID", *COMPARED)),
                "sort": "UID asc",
                "rows": 1000,
                "cursorMark": cursor,
                "wt": "json",
            }
        )
        response = conn.doPost(f"{conn.solrBase}/select", query, conn.formheaders)
        answer = json.loads(response.read())
        for document in answer["response"]["docs"]:
            state[document["UID"]] = {
                name: _normalise(name, document.get(name)) for name in COMPARED
            }
        if answer["nextCursorMark"] == cursor:
            return state
        cursor = answer["nextCursorMark"]


def compare(catalog, solr):
    """(missing, stale, removed) lists of UIDs."""
    missing = sorted(set(catalog) - set(solr))
    removed = sorted(set(solr) - set(catalog))
    stale = sorted(uid for uid in set(catalog) & set(solr) if catalog[uid] != solr[uid])
    return missing, stale, removed


def sync(site, full=False, out=None):
    """Bring Solr in line with the catalog of `site`; returns a SyncReport.

    `full` reindexes every record (after a schema change). Raises SolrUnavailable when
    collective.solr is off or Solr does not answer.
    """
    say = out or (lambda message: logger.info(message))
    manager, conn = _connection()
    catalog = catalog_state(site)
    solr = solr_state(conn)
    missing, stale, removed = compare(catalog, solr)
    if full:
        stale = sorted(set(catalog) - set(missing))
    report = SyncReport(len(catalog), len(solr), missing, stale, removed)
    say(
        f"catalog {len(catalog)}, Solr {len(solr)}: {len(missing)} missing, "
        f"{len(stale)} to reindex, {len(removed)} to delete"
    )
    processor = SolrIndexProcessor(manager)
    todo = missing + stale
    for start in range(0, len(todo), BATCH):
        for uid in todo[start : start + BATCH]:
            obj = _unrestricted(uid)
            if obj is None:
                report.failed.append(uid)
                continue
            processor.index(obj)
        processor.commit(wait=True)
        site._p_jar.cacheGC()  # 100,000 records must not stay in memory at once
        say(f"indexed {min(start + BATCH, len(todo))} of {len(todo)}")
    if removed:
        _, conn = _connection()
        for uid in removed:
            conn.delete(id=uid)
        conn.commit(waitSearcher=True)
        manager.closeConnection()
        say(f"deleted {len(removed)}")
    # What still differs could not be indexed (logged by collective.solr).
    _, conn = _connection()
    left = compare(catalog_state(site), solr_state(conn))
    report.failed = sorted(
        set(report.failed) | set(left[0]) | set(left[1]) | set(left[2])
    )
    manager.closeConnection()
    return report


def _unrestricted(uid):
    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(UID=uid):
        return brain._unrestrictedGetObject()
    return None
