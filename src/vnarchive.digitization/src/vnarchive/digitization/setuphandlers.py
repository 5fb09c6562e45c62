"""Install and uninstall of the digitization add-on."""

from plone import api
from plone.base.interfaces import INonInstallable
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization import batches
from vnarchive.digitization.compat import OLD_ANNOTATION_KEYS
from ZODB.POSException import POSKeyError
from zope.annotation.interfaces import IAnnotations
from zope.interface import implementer

import logging


logger = logging.getLogger("vnarchive.digitization")

OLD_MODULE = b"vnarchive.policy.digitization"
REVIEW_INDEXES = ("ocr_confidence", "ocr_review_state")
SIGNATURE_INDEXES = ("signature_status",)


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["vnarchive.digitization:uninstall"]


def move_old_annotations(site):
    """The site's batches, a dossier's import checksums and a record's OCR review decision,
    kept under vnarchive.policy's annotation keys until 2026-12, under this add-on's.

    Without this a site made before would show no batch, import again the files of a
    re-run and forget its review decisions. Returns the number of objects changed."""
    catalog = site.portal_catalog
    brains = catalog.unrestrictedSearchResults(
        object_provides=IArchivalRecord.__identifier__
    )
    changed = 0
    for obj in (site, *(brain._unrestrictedGetObject() for brain in brains)):
        annotations = IAnnotations(obj, None)
        moved = False
        for old, new in OLD_ANNOTATION_KEYS.items():
            if annotations is None or old not in annotations:
                continue
            if new not in annotations:
                annotations[new] = annotations[old]
            del annotations[old]
            moved = True
        if moved:
            changed += 1
            if obj is not site:
                obj.reindexObject(idxs=list(REVIEW_INDEXES))
    if changed:
        logger.info("moved the digitization annotations of %d objects", changed)
    return changed


def rewrite_batches(site):
    """Write every batch again, so its pickles name this add-on's classes.

    Batches made while digitization was part of vnarchive.policy load through the module
    aliases of `compat`; once written again they no longer need them. A persistent
    reference names the class of the object it points to: the trees that hold batches,
    documents and pages are written again too. Returns the number of objects written."""
    container = batches.container(site)
    if container is None:
        return 0
    written = _rewrite_tree(container)
    for batch in container.values():
        written += _rewrite(batch)
        written += _rewrite_tree(batch.documents) + _rewrite_tree(batch.pages)
        for state in (*batch.documents.values(), *batch.pages.values()):
            written += _rewrite(state)
    if written:
        logger.info("rewrote %d batch objects under vnarchive.digitization", written)
    return written


def _rewrite_tree(tree):
    """The BTree and its buckets (a small tree keeps its bucket inline)."""
    written = _rewrite(tree)
    bucket = tree._firstbucket
    while bucket is not None:
        written += _rewrite(bucket)
        bucket = bucket._next
    return written


def _rewrite(obj):
    if _pickled_under_old_name(obj):
        obj._p_changed = True
        return 1
    return 0


def _pickled_under_old_name(obj):
    """True when the stored record of `obj` names a class under vnarchive.policy (its own,
    or that of an object it refers to)."""
    jar = obj._p_jar
    if jar is None or obj._p_oid is None:
        return False
    try:
        data, _serial = jar._storage.load(obj._p_oid)
    except POSKeyError:  # added in this transaction: written under today's name
        return False
    return OLD_MODULE in data


def fill_review_indexes(site):
    """Index the records in the OCR review indexes when the profile has just added them."""
    return fill_empty_indexes(site, REVIEW_INDEXES)


def fill_signature_indexes(site):
    """Index the records' signatures ("unsigned" for a record without any) when the
    profile has just added the index."""
    return fill_empty_indexes(site, SIGNATURE_INDEXES)


def fill_empty_indexes(site, names):
    """Index the records in the indexes `names` that are empty (just added).

    GenericSetup adds catalog indexes empty; only the records have files, OCR pages and
    signatures, so only they are indexed (not every object of the site)."""
    catalog = site.portal_catalog
    empty = [
        name
        for name in names
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
    logger.info("indexed %d records in %s", len(brains), ", ".join(empty))
    return len(brains)


def post_install(context):
    site = api.portal.get()
    move_old_annotations(site)
    fill_review_indexes(site)
    fill_signature_indexes(site)
    rewrite_batches(site)


def uninstall(context):
    """Nothing to undo on records: their files, pages, OCR text and reviews stay."""
