"""REST of the OCR review.

- GET  /site/@ocr-review?fonds=&dossier=&state=&b_start=&b_size=   the queue
- GET  /record/@ocr-review                                          summary and pages
- POST /record/@ocr-review/approve | /reject  {"comment": "..."}    the decision
- GET  /record/@ocr-pages                                           pages of the record
- GET  /record/@ocr-pages/<n>                                       text, history, words
- PATCH /record/@ocr-pages/<n>  {"text": "...", "version": 2}      save a correction
"""

from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.content.files import IRecordFiles
from vnarchive.content.indexers import main_code
from vnarchive.digitization import _
from vnarchive.digitization.review import actions
from vnarchive.digitization.review import queue
from vnarchive.digitization.review.images import clean_page
from zope.i18n import translate
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import transaction


STATUS = {
    "no_page": 404,
    "read_only": 403,
    "conflict": 409,
}


class ReviewService(Service):
    def error(self, error):
        transaction.doom()
        self.request.response.setStatus(STATUS.get(error.code, 400))
        return {
            "error": {
                "type": "ReviewError",
                "code": error.code,
                "message": translate(error.doc(), context=self.request),
            }
        }

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


@implementer(IPublishTraverse)
class TraversingService(ReviewService):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self


class QueueGet(ReviewService):
    """The queue, least confident first, for the documents the user may see."""

    def reply(self):
        form = self.request.form
        start, size = queue.batch_numbers(form.get("b_start"), form.get("b_size"))
        try:
            brains, total = queue.search(
                fonds=form.get("fonds"),
                dossier=form.get("dossier"),
                states=form.get("state"),
                start=start,
                size=size,
            )
        except actions.ReviewError as error:
            return self.error(error)
        items = []
        for brain in brains:
            item = queue.row(brain)
            item["@id"] = item.pop("url")
            item["review_url"] = f"{item['@id']}/@@ocr-review"
            items.append(item)
        return {
            "@id": f"{self.context.absolute_url()}/@ocr-review",
            "items": items,
            "items_total": total,
            "b_start": start,
            "b_size": size,
        }


def page_summary(record, page):
    base = record.absolute_url()
    return {
        "@id": f"{base}/@ocr-pages/{page.number}",
        "number": page.number,
        "confidence": page.confidence,
        "source": page.source,
        "language": page.language,
        "version": actions.page_version(page),
        "length": len(page.text or ""),
        "image": f"{base}/@@ocr-page-image/{page.number}"
        if clean_page(record, page.number) is not None
        else None,
    }


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


class DocumentGet(ReviewService):
    def reply(self):
        actions.check_may_review(self.context)
        result = document_summary(self.context)
        result["items"] = [
            page_summary(self.context, page)
            for page in IRecordFiles(self.context).pages()
            if page.source is not None
        ]
        return result


class DecisionPost(TraversingService):
    """POST @ocr-review/approve or @ocr-review/reject with {"comment": ...}."""

    def reply(self):
        if len(self.params) != 1 or self.params[0] not in ("approve", "reject"):
            self.request.response.setStatus(404)
            return {
                "error": {
                    "type": "NotFound",
                    "message": translate(
                        _(
                            "review_error_bad_decision",
                            default="Chỉ có @ocr-review/approve (duyệt) và "
                            "@ocr-review/reject (từ chối).",
                        ),
                        context=self.request,
                    ),
                }
            }
        actions.check_may_review(self.context)
        try:
            comment = self.body().get("comment")
            if comment is not None and not isinstance(comment, str):
                comment = str(comment)
            if self.params[0] == "approve":
                actions.approve(self.context, comment)
            else:
                actions.reject(self.context, comment)
        except actions.ReviewError as error:
            return self.error(error)
        return document_summary(self.context)


class PagesGet(TraversingService):
    def reply(self):
        actions.check_may_review(self.context)
        if not self.params:
            items = [
                page_summary(self.context, page)
                for page in IRecordFiles(self.context).pages()
                if page.source is not None
            ]
            return {
                "@id": f"{self.context.absolute_url()}/@ocr-pages",
                "items": items,
                "items_total": len(items),
            }
        try:
            page = actions.get_page(self.context, page_param(self.params))
        except actions.ReviewError as error:
            return self.error(error)
        return page_detail(self.context, page)


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


class PagePatch(TraversingService):
    def reply(self):
        actions.check_may_review(self.context)
        try:
            number = page_param(self.params)
            data = self.body()
            changed = actions.save_correction(
                self.context, number, data.get("text"), data.get("version")
            )
        except actions.ReviewError as error:
            return self.error(error)
        result = page_detail(self.context, actions.get_page(self.context, number))
        result["changed"] = changed
        return result
