"""What the OCR review services share: errors, traversal, the JSON of documents and pages.

- GET  /site/@ocr-review?fonds=&dossier=&state=&b_start=&b_size=   the queue
- GET  /record/@ocr-review                                          summary and pages
- POST /record/@ocr-review/approve | /reject  {"comment": "..."}    the decision
- GET  /record/@ocr-pages                                           pages of the record
- GET  /record/@ocr-pages/<n>                                       text, history, words
- PATCH /record/@ocr-pages/<n>  {"text": "...", "version": 2}      save a correction

The rules are in review/actions.py; the endpoints in ocr_review/ and ocr_pages/.
"""

from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.content.files import IRecordFiles
from vnarchive.content.indexers import main_code
from vnarchive.digitization import _
from vnarchive.digitization.review import actions
from vnarchive.digitization.review.images import clean_page
from vnarchive.policy.errors import service_error
from vnarchive.policy.serializer import serialize_file
from vnarchive.policy.subpath import SubpathParams

import transaction


STATUS = {
    "no_page": 404,
    "read_only": 403,
    "conflict": 409,
}


class ReviewService(Service):
    def error(self, error):
        transaction.doom()
        status = STATUS.get(error.code, 400)
        return service_error(
            self.request, status, error.doc(), kind="ReviewError", code=error.code
        )

    def body(self):
        try:
            data = json_body(self.request)
        except Exception:  # plone.restapi raises DeserializationError on bad JSON
            data = None
        if not isinstance(data, dict):
            raise actions.ReviewError(
                "bad_body",
                _(
                    "review_error_bad_body",
                    default="Nội dung yêu cầu phải là một đối tượng JSON.",
                ),
            )
        return data


class TraversingService(SubpathParams, ReviewService):
    """A review service that takes the rest of the URL as parameters."""


def page_summary(record, page):
    """A page: its OCR facts, `image` (the cleaned page shown for review, or None) and
    `file` (that image's stored file as every file is described: serialize_file)."""
    base = record.absolute_url()
    item = clean_page(record, page.number)
    return {
        "@id": f"{base}/@ocr-pages/{page.number}",
        "number": page.number,
        "confidence": page.confidence,
        "source": page.source,
        "language": page.language,
        "version": actions.page_version(page),
        "length": len(page.text or ""),
        "image": f"{base}/@@ocr-page-image/{page.number}" if item is not None else None,
        "file": serialize_file(record, item) if item is not None else None,
    }


def page_summaries(record):
    """The record's pages with OCR text."""
    return [
        page_summary(record, page)
        for page in IRecordFiles(record).pages()
        if page.source is not None
    ]


def document_summary(record):
    info = actions.summary(record)
    return {
        "@id": f"{record.absolute_url()}/@ocr-review",
        "uid": record.UID(),
        "code": main_code(record),
        "title": record.Title(),
        "pages": info["pages"],
        "confidence_lowest": info["lowest"],
        "lowest_page": info["lowest_page"],
        "confidence_mean": info["mean"],
        "review_state": info["review_state"],
        "decision": info["decision"],
        "can_change": actions.may_change(record),
    }


def page_param(params):
    """The page number of @ocr-pages/<n>."""
    if len(params) != 1:
        raise actions.ReviewError(
            "no_page",
            _(
                "review_error_page_missing",
                default="Hãy chỉ rõ một số trang: @ocr-pages/<số trang>.",
            ),
        )
    return actions.page_number(params[0])


def page_detail(record, page):
    result = page_summary(record, page)
    result.update(
        text=page.text,
        history=actions.history(page),
        low_confidence_words=actions.low_confidence_words(page),
        review_state=actions.review_state(record),
    )
    return result
