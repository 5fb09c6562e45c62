"""GET <record>/@copies: the register of the record's certified copies (staff).

{"@id", "items": [{"number", "state", "state_title", "kind", "kind_title", "pages",
 "pages_text", "total_pages", "archival_code", "title", "requester": {"name",
 "identity", "purpose"}, "requested_by", "registered_at", "issued_at", "agency",
 "signer", "level", "sha256", "size", "error", "revoked_at", "revoked_by",
 "revoke_reason", "verify_url", "download"}], "items_total", "can_issue", "reasons"}

GET <record>/@copies/<number>: one copy ({"@id", ...the item}); 404 when the record has
no copy of that number.
"""

from plone import api
from plone.restapi.services import Service
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies.display import entry_data
from vnarchive.digitization.copies.display import register_data
from vnarchive.policy.subpath import SubpathParams
from zExceptions import NotFound


def record_entry(record, number):
    """The entry of copy `number` of `record`; NotFound when it has none."""
    entry = register.get_entry(api.portal.get(), number)
    if entry is None or entry.record_uid != record.UID():
        raise NotFound(number)
    return entry


class CopiesGet(SubpathParams, Service):
    def reply(self):
        url = self.context.absolute_url()
        if len(self.params) > 1:
            raise NotFound(self.params[-1])
        if self.params:
            entry = record_entry(self.context, self.params[0])
            data = entry_data(entry, url, self.request)
            return {"@id": f"{url}/@copies/{entry.number}", **data}
        data = register_data(api.portal.get(), self.context, self.request)
        return {"@id": f"{url}/@copies", **data}
