"""Helpers for the search tests (the real Solr comes from solr_fixtures)."""

from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from vnarchive.content.files import IRecordFiles

import transaction


def use_solr(portal, url):
    """Point the site at `url` (or "" for the catalog only) and commit."""
    from vnarchive.policy.search.service import reset_backend_state
    from vnarchive.search.connection import configure

    setRoles(portal, TEST_USER_ID, ["Manager"])
    configure(url)
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    reset_backend_state()


def set_pages(record, texts):
    """Give `record` OCR text on pages {number: text} and reindex it."""
    files = IRecordFiles(record)
    for number, text in texts.items():
        files.page(number, create=True).set_text(text, "ocr")
    record.reindexObject()
