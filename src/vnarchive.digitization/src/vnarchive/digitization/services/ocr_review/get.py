"""GET @ocr-review: the review queue (site root) or one document's review (record)."""

from vnarchive.digitization.review import actions
from vnarchive.digitization.review import queue
from vnarchive.digitization.services.review import document_summary
from vnarchive.digitization.services.review import page_summaries
from vnarchive.digitization.services.review import ReviewService
from vnarchive.policy.services.batching import bad_batch
from vnarchive.policy.services.batching import Batch
from vnarchive.policy.services.batching import batch_range
from vnarchive.policy.services.batching import listing
from vnarchive.policy.services.batching import Page
from zExceptions import BadRequest


class QueueGet(ReviewService):
    """The queue, least confident first, for the documents the user may see."""

    def reply(self):
        form = self.request.form
        try:
            start, size = batch_range(self.request, queue.DEFAULT_SIZE, queue.MAX_SIZE)
        except BadRequest:
            return bad_batch(self.request)
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
        batch = Batch(self.request, Page(brains, start, total), start, size)
        items = []
        for brain in batch:
            item = queue.row(brain)
            item["@id"] = item.pop("url")
            item["review_url"] = f"{item['@id']}/@@ocr-review"
            items.append(item)
        return listing(
            batch, items, **{"@id": f"{self.context.absolute_url()}/@ocr-review"}
        )


class DocumentGet(ReviewService):
    """The document's review: its summary and its pages."""

    def reply(self):
        actions.check_may_review(self.context)
        result = document_summary(self.context)
        result["items"] = page_summaries(self.context)
        return result
