"""GET /record/@record-files: the record's files the user may download."""

from plone import api
from plone.restapi.services import Service
from vnarchive.content.files import IRecordFiles
from vnarchive.content.files import MASTER
from vnarchive.policy.permissions import DOWNLOAD_MASTERS


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
