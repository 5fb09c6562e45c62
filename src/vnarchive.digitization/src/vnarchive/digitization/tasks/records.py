"""What the jobs find and write on a record: its derivatives' names, its languages."""

from Acquisition import aq_inner
from Acquisition import aq_parent
from vnarchive.content import identifiers


DIGITIZED = "digitized"  # journal action: PDF/A built from OCR'd pages
PDFA_REBUILT = "pdfa_rebuilt"  # journal action: PDF/A rebuilt (after review)
CLEAN_PAGE = "clean-page"  # derivative kind: a page cleaned for OCR
PDFA = "pdfa"  # derivative kind: the searchable PDF/A


def find_record(site, uid):
    """The record of `uid`, whoever the current user is; None when it is gone."""
    catalog = site.portal_catalog
    brains = catalog.unrestrictedSearchResults(UID=uid)
    return brains[0]._unrestrictedGetObject() if brains else None


def clean_page_name(number):
    """The name of the clean image of page `number` on its record."""
    return f"page-{number:04d}.png"


def pdfa_name(record):
    """`<dossier code>.<ordinal>.pdf`, the national name of a digitized document."""
    dossier = aq_parent(aq_inner(record))
    code = getattr(dossier, "fileCode", None)
    ordinal = getattr(record, "docOrdinal", None)
    if code and ordinal:
        return identifiers.digitized_file_name(code, ordinal)
    return f"{record.getId()}.pdf"


def record_languages(record):
    """The record's language codes (Vietnamese when it has none)."""
    return list(getattr(record, "languageCode", None) or ["01"])
