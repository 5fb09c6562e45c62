"""What the @batches services share: traversal to a batch, its JSON.

    GET  @batches                 the batches, newest first, with their progress
    GET  @batches/<id>            one batch: progress, time left, problems, documents, failed pages
    POST @batches                 start one: multipart (`file`: a ZIP) or JSON {"folder": ...};
                                  "validate_only": true only checks it
    POST @batches/<id>/retry      failed pages back to the queue (JSON {"pages": [[doc, n]]}
                                  for some of them; all by default)
    POST @batches/<id>/sign       sign the documents whose review is complete (workers);
                                  GET @batches/<id> tells how far it got ("signing")

On the site root, staff only ("vnarchive: Manage files"). The request only stores the ZIP
(or checks the folder) and enqueues: a worker does the rest.
"""

from plone import api
from plone.restapi.services import Service
from vnarchive.digitization import batches as model
from vnarchive.digitization.signatures.display import batch_signing
from vnarchive.policy.subpath import SubpathParams
from zExceptions import NotFound


def serialize(batch, base, full=False, request=None):
    data = batch.details() if full else batch.summary()
    data["@id"] = f"{base}/@batches/{batch.id}"
    if full:
        data["signing"] = batch_signing(api.portal.get(), batch, request)
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
