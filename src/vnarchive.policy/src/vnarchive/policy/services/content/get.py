"""GET of a record (plone.restapi's content GET): the view of a record that is not public
is journaled, as on the record's page.

The entry is written here, once per request, not by the serializer (which listings with
full objects and expansions call too); vnarchive.policy.journal marks the journal's own
objects, and nothing else, safe to write on GET.
"""

from plone.restapi.services.content.get import ContentGet
from vnarchive.policy.journal import record_view


class RecordGet(ContentGet):
    def reply(self):
        result = super().reply()
        if self.request.response.getStatus() == 200:
            record_view(self.context)
        return result
