"""GET @batches (the batches, newest first) and @batches/<id> (one batch in full)."""

from plone import api
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.services.batches.base import BatchService
from vnarchive.digitization.services.batches.base import serialize


class BatchesGet(BatchService):
    def reply(self):
        if self.params:
            return serialize(self._batch(), self.base, full=True, request=self.request)
        items = [
            serialize(batch, self.base) for batch in model.all_batches(api.portal.get())
        ]
        return {
            "@id": f"{self.base}/@batches",
            "items": items,
            "items_total": len(items),
            "workers_alive": len(queue.live_workers()) if queue.configured() else 0,
        }
