"""The review state in the catalog, so that the queue is one index query."""

from plone.indexer import indexer
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization.review.actions import review_state


@indexer(IFileRecord)
def ocr_review_state(obj):
    state = review_state(obj)
    if state is None:
        raise AttributeError("ocr_review_state")  # no OCR text: not in review
    return state
