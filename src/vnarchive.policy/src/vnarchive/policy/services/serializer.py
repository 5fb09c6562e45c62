"""Serializing a record over REST journals the view of a non-public record."""

from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeFolderToJson
from plone.restapi.serializer.dxcontent import SerializeToJson
from vnarchive.policy.journal import record_view
from zope.interface import implementer


class _JournaledView:
    def __call__(self, *args, **kwargs):
        result = super().__call__(*args, **kwargs)
        if self.request.method == "GET":
            record_view(self.context)
        return result


@implementer(ISerializeToJson)
class RecordSerializer(_JournaledView, SerializeToJson):
    pass


@implementer(ISerializeToJson)
class RecordFolderSerializer(_JournaledView, SerializeFolderToJson):
    pass
