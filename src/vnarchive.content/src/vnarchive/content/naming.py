"""Short URL names from codes: /fonds-code/2010.01.th/ rather than from long titles."""

from plone.app.content.interfaces import INameFromTitle
from vnarchive.content.interfaces import IArchivalRecord
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
