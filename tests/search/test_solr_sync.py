"""Catalog fallback at indexing and resync: saves commit while Solr is down, sync catches up.

Against the real Solr of the session (stopped and started again here).
"""

from helpers import document_data
from helpers import move_to
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME
from vnarchive.search import sync

import requests
import transaction


def create(portal, holdings, **changes):
    from vnarchive.policy.records import create_record

    login(portal, USERS["Archivist"])
    document = create_record(
        holdings[PROCESSING_DOSSIER], "ArchivalDocument", document_data(**changes)
    )
    login(portal, TEST_USER_NAME)
    return document


def solr_matches_catalog(site, solr_server):
    from collective.solr.interfaces import ISolrConnectionManager
    from zope.component import getUtility

    manager = getUtility(ISolrConnectionManager)
    manager.closeConnection(clearSchema=True)
    catalog = sync.catalog_state(site)
    solr = sync.solr_state(manager.getConnection())
    return catalog == solr, sync.compare(catalog, solr)


def test_in_sync_after_indexing(solr_portal, solr_holdings, solr_server):
    matches, differences = solr_matches_catalog(solr_portal, solr_server)
    assert matches, differences
    report = sync.sync(solr_portal)
    assert report.in_sync
    assert report.catalog == report.solr_before == len(solr_server.uids())


def test_saves_commit_while_solr_is_down_and_sync_catches_up(
    solr_portal, solr_holdings, solr_server
):
    kept = create(solr_portal, solr_holdings, subjectText="Hồ sơ giữ lại")
    edited = create(solr_portal, solr_holdings, subjectText="Bản cũ")
    removed = create(solr_portal, solr_holdings, subjectText="Bản sẽ xóa")
    transaction.commit()
    assert {kept.UID(), edited.UID(), removed.UID()} <= set(solr_server.uids())
    published = solr_holdings[PUBLISHED_DOCUMENT]

    assert health(solr_portal) == ("ok", "solr", "ok")
    solr_server.stop()
    try:
        # Monitoring sees it: Solr in error, the site degraded, search through the catalog.
        assert health(solr_portal) == ("error", "catalog", "degraded")
        # Every kind of change commits: catalog only, Solr is away.
        added = create(solr_portal, solr_holdings, subjectText="Thêm khi Solr nghỉ")
        transaction.commit()
        edited.subjectText = "Bản mới lưu trữ"
        edited.reindexObject()
        transaction.commit()
        move_to(solr_portal, kept, "archived")  # who may see it changes, not `modified`
        transaction.commit()
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(obj=removed, check_linkintegrity=False)
        transaction.commit()
        published_path = "/".join(published.getPhysicalPath())
        catalog = api.portal.get_tool("portal_catalog")
        assert catalog.unrestrictedSearchResults(UID=added.UID())
        assert not catalog.unrestrictedSearchResults(UID=removed.UID())
        # Full-text search answers from the catalog, and says so.
        from vnarchive.search.dispatcher import fell_back

        assert not fell_back()
        login(solr_portal, USERS["Archivist"])
        results = catalog(SearchableText="them khi solr nghi")
        login(solr_portal, TEST_USER_NAME)
        assert [brain.UID for brain in results] == [added.UID()]
        assert fell_back()
        # Syncing now tells that Solr is away, and changes nothing.
        try:
            sync.sync(solr_portal)
        except sync.SolrUnavailable:
            pass
        else:
            raise AssertionError("sync must fail while Solr is down")
    finally:
        solr_server.start()

    matches, (missing, stale, gone) = solr_matches_catalog(solr_portal, solr_server)
    assert not matches
    assert missing == [added.UID()]
    # The dossier changed too (a record added and one deleted in it).
    dossier = solr_holdings[PROCESSING_DOSSIER].UID()
    assert set(stale) == {edited.UID(), kept.UID(), dossier}
    assert gone == [removed.UID()]

    report = sync.sync(solr_portal)
    assert report.missing == [added.UID()]
    assert set(report.stale) == {edited.UID(), kept.UID(), dossier}
    assert report.removed == [removed.UID()]
    assert report.failed == []
    matches, differences = solr_matches_catalog(solr_portal, solr_server)
    assert matches, differences
    assert solr_server.uids('SearchableText_folded:"ban moi luu tru"') == [edited.UID()]
    assert solr_server.uids(f'path_string:"{published_path}"') == [published.UID()]
    assert sync.sync(solr_portal).in_sync
    assert health(solr_portal) == ("ok", "solr", "ok")


def health(portal):
    """(Solr check status, what searches, site status) from the real @@health page."""
    answer = requests.get(
        f"{portal.absolute_url()}/@@health",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=30,
    ).json()
    solr = answer["checks"]["solr"]
    return solr["status"], solr["search"], answer["status"]
