"""POST <record>/@copies: issue a certified copy (staff); the workers make it.

{"requester": {"name": "…", "identity": "…", "purpose": "…"}, "pages": "1-3, 5"}
(`pages` may be a list, or left out for the whole record) -> 201 and the pending copy
(as an item of GET @copies); a copy that cannot be issued -> 400 with the reason
(`CopyRefused`: not published, no PDF/A, signing or the seal not set up, pages the
record does not have, no requester).

POST <record>/@copies/<number>/revoke {"reason": "…"}: withdraw an issued copy.
"""

from plone import api
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from vnarchive.digitization import _
from vnarchive.digitization.copies.display import entry_data
from vnarchive.digitization.copies.issue import CopyRefused
from vnarchive.digitization.copies.issue import issue_copy
from vnarchive.digitization.copies.issue import revoke_copy
from vnarchive.digitization.services.copies.get import record_entry
from vnarchive.policy.errors import service_error
from vnarchive.policy.subpath import SubpathParams
from zExceptions import NotFound

import transaction


NOT_JSON = _(
    "copy_error_not_json",
    default="Nội dung yêu cầu phải là một đối tượng JSON, ví dụ {“requester”: "
    "{“name”: …, “identity”: …, “purpose”: …}, “pages”: “1-3”}.",
)


class CopiesPost(SubpathParams, Service):
    def body(self):
        try:
            data = json_body(self.request)
        except Exception:  # plone.restapi raises DeserializationError on bad JSON
            data = None
        if not isinstance(data, dict):
            raise CopyRefused(NOT_JSON)
        return data

    def refused(self, refused):
        transaction.doom()
        return service_error(self.request, 400, refused.doc(), kind="CopyRefused")

    def reply(self):
        try:
            if not self.params:
                return self.issue()
            if len(self.params) == 2 and self.params[1] == "revoke":
                return self.revoke(record_entry(self.context, self.params[0]))
        except CopyRefused as refused:
            return self.refused(refused)
        raise NotFound(self.params[-1])

    def issue(self):
        data = self.body()
        site = api.portal.get()
        entry = issue_copy(
            site,
            self.context,
            data.get("requester"),
            data.get("pages"),
            api.user.get_current().getId(),
            site.absolute_url(),
        )
        self.request.response.setStatus(201)
        url = self.context.absolute_url()
        item = entry_data(entry, url, self.request)
        return {"@id": f"{url}/@copies/{entry.number}", **item}

    def revoke(self, entry):
        data = self.body()
        revoke_copy(
            self.context, entry, api.user.get_current().getId(), data.get("reason")
        )
        url = self.context.absolute_url()
        return {
            "@id": f"{url}/@copies/{entry.number}",
            **entry_data(entry, url, self.request),
        }
