"""/record/@record-files: list a record's files (GET), add a master file (POST)."""

from plone import api
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.content.files import FileError
from vnarchive.content.files import IRecordFiles
from vnarchive.content.files import MASTER
from vnarchive.policy.files import add_master_file
from vnarchive.policy.permissions import DOWNLOAD_MASTERS
from vnarchive.policy.workflow.closed import RecordClosed
from zope.i18n import translate

import base64
import binascii
import transaction


class RecordFilesGet(Service):
    def reply(self):
        may_masters = api.user.has_permission(DOWNLOAD_MASTERS, obj=self.context)
        base = self.context.absolute_url()
        items = []
        for item in IRecordFiles(self.context):
            if item.role == MASTER and not may_masters:
                continue
            info = item.info()
            info["download"] = f"{base}/@@record-file/{item.name}"
            items.append(info)
        return {
            "@id": f"{base}/@record-files",
            "items": items,
            "items_total": len(items),
        }


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
