"""GET /record/@journal: the record's journal, oldest first, one batch at a time.

It pages as plone.restapi's listings do (`b_start`, `b_size`; `items`, `items_total` and,
when there is more than one batch, the `batching` links). Only the entries of the batch
asked for are read: the journal counts its entries by their last number.
"""

from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.services import Service
from vnarchive.policy.journal import entries_batch
from vnarchive.policy.services.batching import bad_batch
from vnarchive.policy.services.batching import Batch
from vnarchive.policy.services.batching import batch_range
from vnarchive.policy.services.batching import listing
from vnarchive.policy.services.batching import Page
from zExceptions import BadRequest


DEFAULT_SIZE = DEFAULT_BATCH_SIZE
# An entry is a small dict: a client may read a long journal in a few requests.
MAX_SIZE = 1000


class JournalGet(Service):
    def reply(self):
        try:
            start, size = batch_range(self.request, DEFAULT_SIZE, MAX_SIZE)
        except BadRequest:
            return bad_batch(self.request)
        items, total = entries_batch(self.context, start, size)
        batch = Batch(self.request, Page(items, start, total), start, size)
        return listing(
            batch, list(batch), **{"@id": f"{self.context.absolute_url()}/@journal"}
        )
