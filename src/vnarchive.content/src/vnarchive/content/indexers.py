"""Catalog indexers: codes, date spans, and the facets people filter by."""

from Acquisition import aq_base
from plone.indexer import indexer
from vnarchive.content.coding import find_fonds
from vnarchive.content.dates import date_span
from vnarchive.content.dates import day_number
from vnarchive.content.files import IRecordFiles
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.content.interfaces import IFileRecord


CODE_FIELDS = (
    "fondsCode",
    "agencyCode",
    "fileCode",
    "paperFileCode",
    "docId",
    "docCode",
)
# (start, end) field pairs, in the order a record type uses them.
DATE_FIELDS = (
    ("startDate", "endDate"),
    ("issuedDate", None),
    ("dateTaken", None),
    ("recordedDate", None),
)
TEXT_FIELDS = (
    "subjectText",
    "description",
    "organName",
    "codeNotation",
    "keyword",
    "eventName",
    "place",
    "photographer",
    "recorder",
    "autograph",
    "history",
)


def _value(obj, name):
    return getattr(aq_base(obj), name, None)


def main_code(obj):
    for name in ("docCode", "fileCode", "fondsCode"):
        value = _value(obj, name)
        if value:
            return value
    return None


def record_span(obj):
    """(first day, last day) the record's dates cover, or None."""
    for start_name, end_name in DATE_FIELDS:
        start = _value(obj, start_name)
        end = _value(obj, end_name) if end_name else None
        if start or end:
            return date_span(start, end)
    return None


@indexer(IArchivalRecord)
def archival_code(obj):
    return main_code(obj)


@indexer(IArchivalRecord)
def archival_codes(obj):
    return [value for value in (_value(obj, name) for name in CODE_FIELDS) if value]


@indexer(IArchivalRecord)
def fonds_code(obj):
    fonds = find_fonds(obj)
    return fonds.fondsCode if fonds is not None else None


@indexer(IArchivalRecord)
def document_type(obj):
    return _value(obj, "typeName")


@indexer(IArchivalRecord)
def issuer(obj):
    return _value(obj, "organName")


@indexer(IArchivalRecord)
def access_mode(obj):
    return _value(obj, "mode")


@indexer(IArchivalRecord)
def retention(obj):
    return _value(obj, "maintenance")


@indexer(IArchivalRecord)
def reliability(obj):
    return _value(obj, "confidenceLevel")


@indexer(IArchivalRecord)
def record_language(obj):
    return list(_value(obj, "languageCode") or ())


@indexer(IArchivalRecord)
def date_start(obj):
    span = record_span(obj)
    return day_number(span[0]) if span else None


@indexer(IArchivalRecord)
def date_end(obj):
    span = record_span(obj)
    return day_number(span[1]) if span else None


@indexer(IArchivalRecord)
def searchable_text(obj):
    parts = [obj.Title()]
    parts.extend(archival_codes(obj)())
    parts.extend(str(_value(obj, name) or "") for name in TEXT_FIELDS)
    if IFileRecord.providedBy(obj):
        parts.append(IRecordFiles(obj).text())
    return " ".join(part for part in parts if part)


def ocr_page_stats(pages):
    """Pages, lowest page confidence (and its page) and mean confidence of OCR'd pages.

    The review queue orders documents by the lowest page, not the mean: one unreadable
    page in a long, otherwise clean document is what a reviewer has to find, and a mean
    over 500 pages would hide it. Both are shown. None when no page has OCR text yet.
    """
    scored = [
        (page.confidence, page.number)
        for page in pages
        if page.source is not None and page.confidence is not None
    ]
    texts = [page for page in pages if page.source is not None]
    if not texts:
        return None
    stats = {"pages": len(texts), "lowest": None, "lowest_page": None, "mean": None}
    if scored:
        lowest, number = min(scored)
        stats.update(
            lowest=round(float(lowest), 2),
            lowest_page=number,
            mean=round(sum(value for value, _n in scored) / len(scored), 2),
        )
    return stats


@indexer(IFileRecord)
def ocr_confidence(obj):
    """The lowest page confidence (0–100) of a document with OCR text: the review order."""
    stats = ocr_page_stats(IRecordFiles(obj).pages())
    if stats is None or stats["lowest"] is None:
        raise AttributeError("ocr_confidence")  # not in the index: nothing to review
    return stats["lowest"]


@indexer(IFileRecord)
def ocr_stats(obj):
    """Metadata for the review queue: pages, lowest (and which page), mean confidence."""
    return ocr_page_stats(IRecordFiles(obj).pages())
