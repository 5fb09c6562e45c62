"""What the @batches services share: traversal to a batch, its JSON.

    GET  @batches                 the batches, newest first, with their progress
    GET  @batches/<id>            one batch: progress, time left, problems, documents, failed pages
    POST @batches                 start one: multipart (`file`: a ZIP) or JSON {"folder": ...};
                                  "validate_only": true only checks it
    POST @batches/<id>/retry      failed pages back to the queue (JSON {"pages": [[doc, n]]}
                                  for some of them; all by default)

On the site root, staff only ("vnarchive: Manage files"). The request only stores the ZIP
(or checks the folder) and enqueues: a worker does the rest.
"""

from plone import api
from plone.restapi.services import Service
from vnarchive.digitization import batches as model
from vnarchive.policy.subpath import SubpathParams
from zExceptions import NotFound


def serialize(batch, base, full=False):
    data = batch.details() if full else batch.summary()
    data["@id"] = f"{base}/@batches/{batch.id}"
    return data


class BatchService(SubpathParams, Service):
    @property
    def base(self):
        return api.portal.get().absolute_url()

    def _batch(self):
        batch = model.get_batch(api.portal.get(), self.params[0])
        if batch is None:
            raise NotFound(self.params[0])
        return batch
