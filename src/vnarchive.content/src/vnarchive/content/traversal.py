"""Records announce that a request is traversing them, as Zope does for sites.

Zope fires `BeforeTraverseEvent` only for sites; every record fires it too, before anything
under it (a view, a service, a method, a file, a child) is looked up. The site policy's trust
guard listens to it and stops a request at the first record its user may not View, exactly
where a missing name would stop it. Every content class of the archive derives from
`RecordItem` or `RecordContainer`.
"""

from plone.dexterity.content import Container
from plone.dexterity.content import Item
from zope.event import notify
from zope.traversing.interfaces import BeforeTraverseEvent


def _announce(record, arg1, arg2):
    # Zope's BeforeTraverse.MultiHook passes (container, request), the publisher (request).
    notify(BeforeTraverseEvent(record, arg2 or arg1))


class RecordItem(Item):
    def __before_publishing_traverse__(self, arg1, arg2=None):
        _announce(self, arg1, arg2)
        return super().__before_publishing_traverse__(arg1, arg2)


class RecordContainer(Container):
    def __before_publishing_traverse__(self, arg1, arg2=None):
        _announce(self, arg1, arg2)
        return super().__before_publishing_traverse__(arg1, arg2)
