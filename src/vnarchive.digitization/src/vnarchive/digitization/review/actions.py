"""The rules of the OCR review: one path for the review screen, REST and scripts.

A document enters review when one of its pages has OCR text. Its review state is
derived, so that the workers need not know about review:

- ``pending`` (chờ kiểm duyệt): OCR text, nobody has corrected or decided yet;
- ``in_progress`` (đang sửa): corrections saved, no decision on the current text;
- ``approved`` (đã duyệt) / ``rejected`` (bị từ chối): the decision taken on the text
  as it is now.

A decision remembers how many text versions the document had when it was taken; once
the text changes again (a correction, or the workers OCR a page anew) the decision no
longer covers it and the document is back in the queue (``in_progress`` if a person
corrected a page, ``pending`` if only the OCR changed).

A correction becomes the page's authoritative text with ``source="review"``; the OCR
confidence and word boxes are kept (the boxes place the corrected text in the PDF/A),
the previous text stays in the page's history. Every correction and decision goes into
the record's journal; the record is reindexed (full text, review index) and the PDF/A
is rebuilt by the workers after the transaction commits.
"""

from plone import api
from vnarchive.content import journal as kinds
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.files import IRecordFiles
from vnarchive.content.indexers import ocr_page_stats
from vnarchive.digitization import _
from vnarchive.digitization.tasks.intake import enqueue_document_rebuild
from vnarchive.policy.journal import current_actor
from vnarchive.policy.journal import record as journal_record
from vnarchive.policy.permissions import REVIEW_OCR
from vnarchive.policy.workflow.closed import ensure_writable
from vnarchive.policy.workflow.closed import is_closed
from vnarchive.policy.workflow.closed import RecordClosed
from zExceptions import Unauthorized
from zope.annotation.interfaces import IAnnotations

import datetime
import re
import transaction
import unicodedata


ANNOTATION_KEY = "vnarchive.digitization.review"

PENDING = "pending"
IN_PROGRESS = "in_progress"
APPROVED = "approved"
REJECTED = "rejected"
STATES = (PENDING, IN_PROGRESS, APPROVED, REJECTED)
OPEN_STATES = (PENDING, IN_PROGRESS, REJECTED)

STATE_TITLES = {
    PENDING: _("review_state_pending", default="Chờ kiểm duyệt"),
    IN_PROGRESS: _("review_state_in_progress", default="Đang sửa"),
    APPROVED: _("review_state_approved", default="Đã duyệt"),
    REJECTED: _("review_state_rejected", default="Bị từ chối"),
}

OCR_SOURCE = "ocr"
REVIEW_SOURCE = "review"
# A dense A4 page holds about 5 000 characters: 100 000 is far beyond any page and
# still small enough for the database and the PDF/A text layer.
MAX_TEXT = 100_000
MAX_COMMENT = 2_000
# Words the OCR was less sure of than this (0–100) are highlighted for the reviewer.
LOW_WORD_CONFIDENCE = 70
REINDEX = ["SearchableText", "ocr_confidence", "ocr_review_state"]

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReviewError(ArchivalValidationError):
    """What a reviewer asked cannot be done; `.code` says why, the message what to do."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# -- State ----------------------------------------------------------------------


def text_versions(pages):
    """How many texts the pages have had: grows with every set_text, never shrinks."""
    return sum(
        len(page.history) + (1 if page.source is not None else 0) for page in pages
    )


def has_text(pages):
    return any(page.source is not None for page in pages)


def decision(record):
    """The last decision on the document: state, actor, time, comment, versions."""
    value = IAnnotations(record).get(ANNOTATION_KEY)
    return dict(value) if value else None


def review_state(record):
    """pending, in_progress, approved, rejected; None when there is no OCR text."""
    pages = IRecordFiles(record).pages()
    if not has_text(pages):
        return None
    taken = decision(record)
    if taken and taken.get("versions") == text_versions(pages):
        return taken["state"]
    if any(page.source == REVIEW_SOURCE for page in pages):
        return IN_PROGRESS
    return PENDING


def summary(record):
    """Pages, lowest (and its page) and mean confidence, review state."""
    pages = IRecordFiles(record).pages()
    stats = ocr_page_stats(pages) or {
        "pages": 0,
        "lowest": None,
        "lowest_page": None,
        "mean": None,
    }
    return dict(stats, review_state=review_state(record), decision=decision(record))


def indexed_summary(record):
    """summary() from the catalog's metadata: no page of a long document is loaded.

    The record page (its review box) and the review screen use it; the catalog is
    reindexed by every correction and decision, and by the workers after OCR.
    """
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(UID=record.UID())
    stats = brains[0].ocr_stats if brains else None
    if not isinstance(stats, dict):
        return summary(record)
    state = brains[0].ocr_review_state or None
    return dict(stats, review_state=state, decision=decision(record))


def page_numbers(record):
    """The numbers of the record's pages, in order, without loading the pages.

    (A page holds its text and word boxes: a 500-page document is read one screen of
    pages at a time.)
    """
    store = IRecordFiles(record)._store()
    return list(store.pages.keys()) if store is not None else []


# -- Permissions -----------------------------------------------------------------


def may_review(record):
    return api.user.has_permission(REVIEW_OCR, obj=record) and api.user.has_permission(
        "View", obj=record
    )


def may_change(record):
    """Corrections and decisions change the record: its state must allow edits."""
    return (
        may_review(record)
        and api.user.has_permission("Modify portal content", obj=record)
        and not is_closed(record)  # also inside a destroyed or transferred dossier
    )


def check_may_review(record):
    if not may_review(record):
        raise Unauthorized("OCR review")


def check_may_change(record):
    if not api.user.has_permission("View", obj=record):
        raise Unauthorized("OCR review")
    try:
        # Destroyed, transferred, or inside such a dossier: for every role, and for the
        # system too (scripts); the refusal is journaled.
        ensure_writable(record, "ocr_review")
    except RecordClosed as error:
        raise ReviewError("read_only", error.message) from None
    if may_change(record):
        return
    # A reviewer (the site gives the permission) on a record whose state allows no
    # change (the workflow takes Review OCR away there too) is told so; others are not.
    if not api.user.has_permission(REVIEW_OCR, obj=api.portal.get()):
        raise Unauthorized("OCR review")
    raise ReviewError(
        "read_only",
        _(
            "review_error_read_only",
            default="Tài liệu ở trạng thái này không được sửa: "
            "không thể lưu bản sửa hay duyệt văn bản nhận dạng.",
        ),
    )


# -- Pages -----------------------------------------------------------------------


def page_number(value):
    """A page number from a form or a URL; ReviewError when it is not one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ReviewError(
            "bad_page",
            _(
                "review_error_bad_page",
                default="“${value}” không phải là số trang.",
                mapping={"value": str(value)[:20]},
            ),
        )
    return number


def get_page(record, number):
    page = IRecordFiles(record).page(number)
    if page is None or page.source is None:
        raise ReviewError(
            "no_page",
            _(
                "review_error_no_page",
                default="Tài liệu không có trang ${number} có văn bản nhận dạng.",
                mapping={"number": number},
            ),
        )
    return page


def normalise_text(text):
    """NFC (as search indexes it), Unix line ends, no control characters, no trailing space."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).rstrip()


def check_text(text):
    if text is None or not isinstance(text, str):
        raise ReviewError(
            "bad_text",
            _("review_error_bad_text", default="Thiếu nội dung văn bản của trang."),
        )
    if len(text) > MAX_TEXT:
        raise ReviewError(
            "too_long",
            _(
                "review_error_too_long",
                default="Văn bản quá dài: ${length} ký tự, tối đa ${limit} ký tự "
                "mỗi trang. Hãy kiểm tra xem có dán nhầm nội dung không.",
                mapping={"length": len(text), "limit": MAX_TEXT},
            ),
        )
    return normalise_text(text)


def page_version(page):
    """The number of earlier texts of a page: what a reviewer saw when the form opened."""
    return len(page.history)


def history(page):
    """Earlier texts of a page, newest first: [{version, source, text, confidence}]."""
    return [
        {
            "version": number,
            "source": source,
            "text": text,
            "confidence": confidence,
        }
        for number, (source, text, confidence) in reversed(
            list(enumerate(page.history))
        )
    ]


def words(page):
    """The OCR words of a page with their boxes and confidence, whatever the layout.

    PageText.to_dict() keeps lines of words; each word has text, bbox and confidence.
    """
    data = page.words
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "text" in node and "confidence" in node and "bbox" in node:
                found.append(node)
                return
            for key in ("lines", "words", "blocks", "paragraphs"):
                if key in node:
                    walk(node[key])
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(data)
    return found


def low_confidence_words(page, threshold=LOW_WORD_CONFIDENCE):
    """[{text, confidence, bbox}] of words read with less confidence than `threshold`."""
    low = []
    for word in words(page):
        try:
            confidence = float(word["confidence"])
        except (TypeError, ValueError):
            continue
        if confidence < threshold and str(word["text"]).strip():
            low.append(
                {
                    "text": str(word["text"]),
                    "confidence": round(confidence, 1),
                    "bbox": list(word["bbox"]),
                }
            )
    return low


def page_size(page):
    """(width, height) in pixels of the page the word boxes refer to, or None."""
    data = page.words if isinstance(page.words, dict) else {}
    width, height = data.get("width"), data.get("height")
    return (width, height) if width and height else None


# -- Actions ---------------------------------------------------------------------


def save_correction(record, number, text, version=None):
    """Make `text` the authoritative text of page `number`; False when nothing changed.

    `version` is the page version the reviewer started from (page_version); when the
    page changed since, the correction is refused rather than silently overwriting.
    """
    check_may_change(record)
    page = get_page(record, number)
    text = check_text(text)
    if version is not None and str(version).strip() != "":
        try:
            seen = int(version)
        except (TypeError, ValueError):
            seen = -1
        if seen != page_version(page):
            raise ReviewError(
                "conflict",
                _(
                    "review_error_conflict",
                    default="Trang ${number} vừa được người khác sửa. Văn bản bạn "
                    "nhập vẫn còn trong ô; hãy xem bản mới nhất rồi lưu lại.",
                    mapping={"number": number},
                ),
            )
    if text == normalise_text(page.text):
        return False
    before = len(page.text or "")
    page.set_text(text, source=REVIEW_SOURCE, confidence=page.confidence)
    journal_record(
        record,
        kinds.OCR_CORRECTED,
        page=number,
        length_before=before,
        length_after=len(text),
        version=page_version(page),
    )
    _reindex(record)
    request_pdfa_rebuild(record)
    return True


def _check_comment(comment, required):
    comment = (comment or "").strip()
    if required and not comment:
        raise ReviewError(
            "comment_required",
            _(
                "review_error_comment_required",
                default="Hãy ghi lý do từ chối để người xử lý biết cần làm gì.",
            ),
        )
    if len(comment) > MAX_COMMENT:
        raise ReviewError(
            "comment_too_long",
            _(
                "review_error_comment_too_long",
                default="Ghi chú quá dài: tối đa ${limit} ký tự.",
                mapping={"limit": MAX_COMMENT},
            ),
        )
    return comment or None


def _decide(record, state, comment):
    check_may_change(record)
    pages = IRecordFiles(record).pages()
    if not has_text(pages):
        raise ReviewError(
            "no_text",
            _(
                "review_error_no_text",
                default="Tài liệu chưa có văn bản nhận dạng (OCR) để kiểm duyệt.",
            ),
        )
    if review_state(record) == state:
        message = {
            APPROVED: _(
                "review_error_already_approved",
                default="Văn bản của tài liệu này đã được duyệt.",
            ),
            REJECTED: _(
                "review_error_already_rejected",
                default="Văn bản của tài liệu này đã bị từ chối.",
            ),
        }[state]
        raise ReviewError("already_decided", message)
    taken = {
        "state": state,
        "actor": current_actor(),
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "comment": comment,
        "versions": text_versions(pages),
    }
    IAnnotations(record)[ANNOTATION_KEY] = taken
    stats = ocr_page_stats(pages) or {}
    journal_record(
        record,
        kinds.OCR_APPROVED if state == APPROVED else kinds.OCR_REJECTED,
        comment=comment,
        pages=stats.get("pages"),
        confidence=stats.get("lowest"),
    )
    _reindex(record)
    return dict(taken)


def approve(record, comment=None):
    """The document's text (as corrected) is accepted as its authoritative text."""
    return _decide(record, APPROVED, _check_comment(comment, required=False))


def reject(record, comment):
    """The document's OCR is not usable as it is (rescan, OCR again): a comment says why."""
    return _decide(record, REJECTED, _check_comment(comment, required=True))


def _reindex(record):
    record.reindexObject(idxs=list(REINDEX))


# -- PDF/A -----------------------------------------------------------------------


def request_pdfa_rebuild(record):
    """Have the workers rebuild the document's PDF/A from its current page texts.

    `enqueue_document_rebuild` sends its message when this transaction commits (a
    worker reading the database earlier would build from the old text); a document
    is asked for once per transaction however many of its pages changed.
    """
    txn = transaction.get()
    asked = getattr(txn, "_vnarchive_review_rebuild", None)
    if asked is None:
        asked = txn._vnarchive_review_rebuild = set()
    uid = record.UID()
    if uid not in asked:
        enqueue_document_rebuild(record)
        asked.add(uid)
