"""Short URL names from codes, never from titles.

A title can say what a secret record is about, and URLs travel: into logs, referrers,
bookmarks. Fonds and dossiers are named by their codes (/ubqt/2010-01.th), the records in
a dossier by their ordinal (/ubqt/2010-01.th/3).
"""

from Acquisition import aq_inner
from plone.app.content.interfaces import INameFromTitle
from plone.app.content.namechooser import NormalizingNameChooser
from vnarchive.content.behaviors.record_codes import IRecordCodes
from vnarchive.content.coding import next_ordinal
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.content.types.dossier import IDossier
from zope.component import adapter
from zope.interface import implementer


@implementer(INameFromTitle)
@adapter(IArchivalRecord)
class NameFromCode:
    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        return self.context.name_source()


@adapter(IDossier)
class DossierNameChooser(NormalizingNameChooser):
    def chooseName(self, name, obj):
        if IRecordCodes.providedBy(obj):
            ordinal = obj.docOrdinal or next_ordinal(aq_inner(self.context))
            return self._findUniqueName(str(ordinal), obj)
        return super().chooseName(name, obj)
