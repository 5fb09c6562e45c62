"""POST /record/@record-files: add a master file ({"filename", "data" (base64), "content-type"})."""

from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.content.files import FileError
from vnarchive.policy.files import add_master_file
from vnarchive.policy.workflow.closed import RecordClosed
from zope.i18n import translate

import base64
import binascii
import transaction


class RecordFilesPost(Service):
    def reply(self):
        data = json_body(self.request)
        name = data.get("filename") or data.get("name")
        try:
            payload = base64.b64decode(data.get("data") or "", validate=True)
        except (binascii.Error, ValueError):
            return self._error("Dữ liệu tệp phải được mã hóa base64.")
        try:
            item = add_master_file(
                self.context, name, payload, data.get("content-type")
            )
        except FileError as error:
            return self._error(translate(error.doc(), context=self.request))
        except RecordClosed as error:
            transaction.doom()  # nothing is kept; the refusal is journaled all the same
            return self._error(translate(error.doc(), context=self.request), 403)
        self.request.response.setStatus(201)
        return item.info()

    def _error(self, message, status=400):
        self.request.response.setStatus(status)
        kind = "Forbidden" if status == 403 else "BadRequest"
        return {"error": {"type": kind, "message": message}}
