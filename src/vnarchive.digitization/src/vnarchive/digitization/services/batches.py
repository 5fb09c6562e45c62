"""REST for import batches, on the site root (staff only: "vnarchive: Manage files").

    GET  @batches                 the batches, newest first, with their progress
    GET  @batches/<id>            one batch: progress, time left, problems, documents, failed pages
    POST @batches                 start one: multipart (`file`: a ZIP) or JSON {"folder": ...};
                                  "validate_only": true only checks it
    POST @batches/<id>/retry      failed pages back to the queue (JSON {"pages": [[doc, n]]}
                                  for some of them; all by default)

The request only stores the ZIP (or checks the folder) and enqueues: a worker does the rest.
"""

from plone import api
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.tasks import intake
from vnarchive.digitization.tasks.errors import BatchError
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.i18n import translate
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


def _flag(value):
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def serialize(batch, base, full=False):
    data = batch.details() if full else batch.summary()
    data["@id"] = f"{base}/@batches/{batch.id}"
    return data


class _BatchService(Service):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    @property
    def base(self):
        return api.portal.get().absolute_url()

    def _batch(self):
        batch = model.get_batch(api.portal.get(), self.params[0])
        if batch is None:
            raise NotFound(self.params[0])
        return batch

    def _error(self, message, status=400):
        self.request.response.setStatus(status)
        return {
            "error": {
                "type": "BadRequest",
                "message": translate(message, context=self.request),
            }
        }


@implementer(IPublishTraverse)
class BatchesGet(_BatchService):
    def reply(self):
        if self.params:
            return serialize(self._batch(), self.base, full=True)
        items = [
            serialize(batch, self.base) for batch in model.all_batches(api.portal.get())
        ]
        return {
            "@id": f"{self.base}/@batches",
            "items": items,
            "items_total": len(items),
            "workers_alive": len(queue.live_workers()) if queue.configured() else 0,
        }


@implementer(IPublishTraverse)
class BatchesPost(_BatchService):
    def reply(self):
        if len(self.params) == 2 and self.params[1] == "retry":
            return self.retry()
        if self.params:
            raise BadRequest("POST @batches or @batches/<id>/retry")
        return self.start()

    def start(self):
        site = api.portal.get()
        creator = api.user.get_current().getId()
        upload = self.request.form.get("file")
        try:
            if getattr(upload, "filename", None):
                batch = intake.start_batch(
                    site,
                    creator,
                    upload=upload,
                    filename=upload.filename,
                    validate_only=_flag(self.request.form.get("validate_only")),
                )
            else:
                data = json_body(self.request) or {}
                if not data.get("folder"):
                    raise BadRequest(
                        "Gửi tệp ZIP (multipart, trường “file”) hoặc JSON "
                        "{“folder”: …}."
                    )
                batch = intake.start_batch(
                    site,
                    creator,
                    folder=str(data["folder"]),
                    validate_only=_flag(data.get("validate_only")),
                )
        except BatchError as error:
            return self._error(error.doc())
        self.request.response.setStatus(201)
        return serialize(batch, self.base, full=True)

    def retry(self):
        batch = self._batch()
        data = json_body(self.request) if self.request.get("BODY") else {}
        keys = None
        if data and data.get("pages"):
            keys = [(str(doc), int(number)) for doc, number in data["pages"]]
        chosen = intake.retry_failed(api.portal.get(), batch, keys)
        result = serialize(batch, self.base, full=True)
        result["retried"] = [list(key) for key in chosen]
        return result
