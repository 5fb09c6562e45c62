"""POST @batches (start a batch), @batches/<id>/retry (failed pages back to the queue) and
@batches/<id>/sign (sign the documents whose review is complete)."""

from plone import api
from plone.restapi.deserializer import json_body
from vnarchive.digitization.services.batches.base import BatchService
from vnarchive.digitization.services.batches.base import serialize
from vnarchive.digitization.signatures import runs as signing_runs
from vnarchive.digitization.tasks import intake
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.policy.errors import service_error
from zExceptions import BadRequest


def _flag(value):
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


class BatchesPost(BatchService):
    def reply(self):
        if len(self.params) == 2 and self.params[1] == "retry":
            return self.retry()
        if len(self.params) == 2 and self.params[1] == "sign":
            return self.sign()
        if self.params:
            raise BadRequest("POST @batches, @batches/<id>/retry or @batches/<id>/sign")
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
            return service_error(self.request, 400, error.doc())
        self.request.response.setStatus(201)
        return serialize(batch, self.base, full=True, request=self.request)

    def retry(self):
        batch = self._batch()
        data = json_body(self.request) if self.request.get("BODY") else {}
        keys = None
        if data and data.get("pages"):
            keys = [(str(doc), int(number)) for doc, number in data["pages"]]
        chosen = intake.retry_failed(api.portal.get(), batch, keys)
        result = serialize(batch, self.base, full=True, request=self.request)
        result["retried"] = [list(key) for key in chosen]
        return result

    def sign(self):
        """Ask the workers to sign the batch's reviewed documents; 400 when signing is
        not set up (nothing is asked then)."""
        batch = self._batch()
        by = api.user.get_current().getId()
        asked, error = signing_runs.ask(api.portal.get(), batch, by)
        if error is not None:
            return service_error(self.request, 400, error.doc(), kind="SigningError")
        result = serialize(batch, self.base, full=True, request=self.request)
        result["asked"] = asked
        return result
