"""POST /record/@record-files: add a master file ({"filename", "data" (base64), "content-type"})."""

from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.content.files import FileError
from vnarchive.policy import _
from vnarchive.policy.errors import service_error
from vnarchive.policy.files import add_master_file
from vnarchive.policy.serializer import serialize_file
from vnarchive.policy.workflow.closed import RecordClosed

import base64
import binascii
import transaction


NOT_BASE64 = _("error_file_not_base64", default="Dữ liệu tệp phải được mã hóa base64.")


class RecordFilesPost(Service):
    def reply(self):
        data = json_body(self.request)
        name = data.get("filename") or data.get("name")
        try:
            payload = base64.b64decode(data.get("data") or "", validate=True)
        except (binascii.Error, ValueError):
            return service_error(self.request, 400, NOT_BASE64)
        try:
            item = add_master_file(
                self.context, name, payload, data.get("content-type")
            )
        except FileError as error:
            return service_error(self.request, 400, error.doc())
        except RecordClosed as error:
            transaction.doom()  # nothing is kept; the refusal is journaled all the same
            return service_error(self.request, 403, error.doc())
        self.request.response.setStatus(201)
        return serialize_file(self.context, item)
