"""The review queue: documents with OCR text not yet approved, least confident first.

One catalog query over two small indexes (ocr_review_state, ocr_confidence) and the
ocr_stats metadata: no object is woken up, however many documents the archive holds.
The catalog applies the user's permissions as for any search.
"""

from plone import api
from vnarchive.content.types.dossier import IDossier
from vnarchive.digitization import _
from vnarchive.digitization.review.actions import OPEN_STATES
from vnarchive.digitization.review.actions import ReviewError
from vnarchive.digitization.review.actions import STATES
from vnarchive.policy.trust.resolve import viewable_object
from vnarchive.policy.workflow.states import ARCHIVED
from vnarchive.policy.workflow.states import PROCESSING
from vnarchive.policy.workflow.states import PUBLISHED


# Records the workflow lets archivists edit: what is under review for destruction,
# destroyed or transferred cannot be corrected, so it does not wait in the queue.
EDITABLE_STATES = (PROCESSING, ARCHIVED, PUBLISHED)
DEFAULT_SIZE = 20
MAX_SIZE = 200


def batch_numbers(start, size):
    try:
        start = max(int(start or 0), 0)
    except (TypeError, ValueError):
        start = 0
    try:
        size = int(size or DEFAULT_SIZE)
    except (TypeError, ValueError):
        size = DEFAULT_SIZE
    return start, min(max(size, 1), MAX_SIZE)


def parse_states(value):
    """The review states asked for (a list or comma-separated); open states by default."""
    if not value:
        return list(OPEN_STATES)
    if isinstance(value, str):
        value = value.split(",")
    states = [item.strip() for item in value if item and item.strip()]
    unknown = [item for item in states if item not in STATES]
    if unknown:
        raise ReviewError(
            "bad_state",
            _(
                "review_error_bad_state",
                default="Trạng thái kiểm duyệt “${value}” không có; dùng một trong: "
                "${states}.",
                mapping={"value": unknown[0][:40], "states": ", ".join(STATES)},
            ),
        )
    return states or list(OPEN_STATES)


def dossier_path(code):
    """The path of the dossier with this code (or UID), for the filter."""
    code = code.strip()
    dossier = viewable_object(code=code) or viewable_object(uid=code)
    if dossier is None or not IDossier.providedBy(dossier):
        raise ReviewError(
            "unknown_dossier",
            _(
                "review_error_unknown_dossier",
                default="Không tìm thấy hồ sơ có mã “${code}”.",
                mapping={"code": code[:80]},
            ),
        )
    return "/".join(dossier.getPhysicalPath())


def search(fonds=None, dossier=None, states=None, start=0, size=DEFAULT_SIZE):
    """(brains of one batch, total) of the queue, lowest confidence first."""
    start, size = batch_numbers(start, size)
    query = {
        "ocr_review_state": parse_states(states),
        "review_state": list(EDITABLE_STATES),
        "sort_on": ["ocr_confidence", "archival_code"],
        "sort_order": "ascending",
        "sort_limit": start + size,
    }
    if fonds and fonds.strip():
        query["fonds_code"] = fonds.strip()
    if dossier and dossier.strip():
        query["path"] = {"query": dossier_path(dossier), "depth": -1}
    catalog = api.portal.get_tool("portal_catalog")
    results = catalog(**query)
    total = getattr(results, "actual_result_count", None) or len(results)
    return list(results[start : start + size]), total


def row(brain):
    """A queue line from the brain's metadata: code, title, pages, confidence, state."""
    stats = brain.ocr_stats or {}
    if not isinstance(stats, dict):
        stats = {}
    return {
        "uid": brain.UID,
        "url": brain.getURL(),
        "code": brain.archival_code or None,
        "title": brain.Title,
        "fonds_code": brain.fonds_code or None,
        "pages": stats.get("pages"),
        "confidence_lowest": stats.get("lowest"),
        "lowest_page": stats.get("lowest_page"),
        "confidence_mean": stats.get("mean"),
        "review_state": brain.ocr_review_state or None,
        "workflow_state": brain.review_state or None,
    }
