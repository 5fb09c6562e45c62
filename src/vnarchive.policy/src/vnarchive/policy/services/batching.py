"""Paging of REST listings: plone.restapi's HypermediaBatch, with a listing's own sizes.

A listing answers as Plone's own do: `items`, `items_total` and, when there is more than
one batch, the standard `batching` block (`@id`, `first`, `last`, `prev`, `next`: links
with `b_start`). `b_size` has a default and a largest value of the listing's own: a
client cannot ask for everything at once.

    try:
        start, size = batch_range(request, default_size=20, max_size=200)
    except BadRequest:
        return bad_batch(request)                      # 400, the services' error shape
    rows, total = search(start, size)                  # the rows of this batch only
    batch = Batch(request, Page(rows, start, total), start, size)
    return listing(batch, [row for row in batch], **{"@id": ...})
"""

from plone.batching.batch import Batch as SequenceBatch
from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.batching import HypermediaBatch
from plone.restapi.deserializer import parse_int
from vnarchive.policy.errors import BAD_INPUT
from vnarchive.policy.errors import service_error


def batch_range(request, default_size=DEFAULT_BATCH_SIZE, max_size=None):
    """(b_start, b_size) of the request, b_size in 1..max_size; BadRequest (plone.restapi's
    `parse_int`) when one is not a whole number: answer it with `bad_batch`."""
    start = max(parse_int(request.form, "b_start", 0), 0)
    size = max(parse_int(request.form, "b_size", default_size), 1)
    if max_size is not None:
        size = min(size, max_size)
    return start, size


def bad_batch(request):
    """The answer to a `b_start` or `b_size` that is not a number: 400 and the body of the
    services' own errors (`service_error`), never plone.rest's (a traceback for Managers)."""
    return service_error(request, 400, BAD_INPUT)


class Batch(HypermediaBatch):
    """HypermediaBatch over `results` at `start`, `size` (see `batch_range`): a whole
    sequence, or a `Page` of it."""

    def __init__(self, request, results, start, size):
        self.request = request
        self.b_start = start
        self.b_size = size
        self.batch = SequenceBatch(results, size, start)


class Page:
    """All the results, of which only those of one batch were fetched (what a search
    engine or a catalog query cut at `sort_limit` gives): `items` from `start` on."""

    def __init__(self, items, start, total):
        self.items = list(items)
        self.start = start
        self.actual_result_count = total

    def __len__(self):
        return self.actual_result_count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = index - self.start
        if not 0 <= position < len(self.items):
            raise IndexError(index)
        return self.items[position]


def listing(batch, items, **data):
    """The answer of a batched listing: `data`, `items`, `items_total`, `batching`."""
    data["items"] = items
    data["items_total"] = batch.items_total
    links = batch.links
    if links:
        data["batching"] = links
    return data
