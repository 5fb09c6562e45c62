"""The document viewer (collective.documentviewer) fed the record's PDF/A.

``convert(record)`` makes the viewer's page images and page texts of a record from its PDF/A
derivative (kind "pdfa"); the digitization worker calls it after building the PDF/A. It
runs in the calling process, needs no request and no celery, and does not commit: the caller
does (a ConflictError is raised for the caller to retry). It returns

- ``"success"``: the pages are ready (in ZODB blobs, seen by every client);
- ``"failure"``: the tools failed; the reason is logged and the viewer page says so;
- ``"unchanged"``: the pages of this very PDF/A (same SHA-256) are there already;
- ``"no-pdfa"``: the record has no PDF/A (any earlier viewer pages are removed).
"""

from vnarchive.digitization.viewer import compat  # noqa: F401  (before documentviewer loads)

import contextlib


NO_PDFA = "no-pdfa"
UNCHANGED = "unchanged"


def convert(record, force=False):
    """Prepare the viewer's pages of `record` from its PDF/A; run by the workers."""
    from vnarchive.digitization.viewer.converter import RecordConverter
    from vnarchive.digitization.viewer.storage import clear
    from vnarchive.digitization.viewer.storage import pdfa_of

    with _site_of(record):
        if pdfa_of(record) is None:
            clear(record)
            return NO_PDFA
        converter = RecordConverter(record)
        if not force and not converter.can_convert:
            return UNCHANGED
        return converter()


@contextlib.contextmanager
def _site_of(record):
    """The record's Plone site as the current site (workers may run without one)."""
    from Acquisition import aq_chain
    from Acquisition import aq_inner
    from plone.base.interfaces import IPloneSiteRoot
    from zope.component.hooks import getSite
    from zope.component.hooks import setSite

    current = getSite()
    if IPloneSiteRoot.providedBy(current):
        yield current
        return
    site = next(
        (obj for obj in aq_chain(aq_inner(record)) if IPloneSiteRoot.providedBy(obj)),
        None,
    )
    setSite(site)
    try:
        yield site
    finally:
        setSite(current)
