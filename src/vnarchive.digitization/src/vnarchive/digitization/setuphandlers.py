"""Install and uninstall of the digitization add-on."""

from plone import api
from plone.base.interfaces import INonInstallable
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization import batches
from zope.interface import implementer

import logging


logger = logging.getLogger("vnarchive.digitization")

OLD_MODULE = b"vnarchive.policy.digitization"
REVIEW_INDEXES = ("ocr_confidence", "ocr_review_state")


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["vnarchive.digitization:uninstall"]


def rewrite_batches(site):
    """Write every batch again, so its pickles name this add-on's classes.

    Batches made while digitization was part of vnarchive.policy load through the module
    aliases of `compat`; once written again they no longer need them. Returns the number
    of objects written."""
    written = 0
    for batch in batches.all_batches(site):
        for state in (batch, *batch.documents.values(), *batch.pages.values()):
            if _pickled_under_old_name(state):
                state._p_changed = True
                written += 1
    if written:
        logger.info("rewrote %d batch objects under vnarchive.digitization", written)
    return written


def _pickled_under_old_name(obj):
    """True when the stored record of `obj` names its class under vnarchive.policy."""
    jar = obj._p_jar
    if jar is None or obj._p_oid is None:
        return False
    data, _serial = jar._storage.load(obj._p_oid)
    return OLD_MODULE in data[:200]  # the class reference opens the record


def fill_review_indexes(site):
    """Index the records in the OCR review indexes when the profile has just added them.

    GenericSetup adds catalog indexes empty; only the records can have OCR pages, so only
    they are indexed (not every object of the site)."""
    catalog = site.portal_catalog
    empty = [
        name
        for name in REVIEW_INDEXES
        if name in catalog.indexes()
        and not catalog._catalog.getIndex(name).numObjects()
    ]
    if not empty:
        return 0
    brains = catalog.unrestrictedSearchResults(
        object_provides=IFileRecord.__identifier__
    )
    for brain in brains:
        catalog.catalog_object(brain._unrestrictedGetObject(), idxs=empty)
    logger.info("indexed %d records for the OCR review queue", len(brains))
    return len(brains)


def post_install(context):
    site = api.portal.get()
    fill_review_indexes(site)
    rewrite_batches(site)


def uninstall(context):
    """Nothing to undo on records: their files, pages, OCR text and reviews stay."""
