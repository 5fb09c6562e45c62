"""GET /record/@journal: the record's journal, oldest first."""

from plone.restapi.services import Service
from vnarchive.policy.journal import entries


class JournalGet(Service):
    def reply(self):
        items = entries(self.context)
        return {
            "@id": f"{self.context.absolute_url()}/@journal",
            "items": items,
            "items_total": len(items),
        }
