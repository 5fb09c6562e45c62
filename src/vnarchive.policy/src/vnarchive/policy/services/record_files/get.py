"""GET /record/@record-files: the record's files the user may download."""

from plone.restapi.services import Service
from vnarchive.policy.serializer import downloadable_files
from vnarchive.policy.serializer import serialize_file


class RecordFilesGet(Service):
    def reply(self):
        items = [
            serialize_file(self.context, item)
            for item in downloadable_files(self.context)
        ]
        return {
            "@id": f"{self.context.absolute_url()}/@record-files",
            "items": items,
            "items_total": len(items),
        }
