"""Keep codes assigned, unique and frozen as records are added, edited, moved, copied."""

from vnarchive.content import coding
from vnarchive.content.types.document import IArchivalDocument
from vnarchive.content.types.dossier import IDossier
from vnarchive.content.types.fonds import IFonds
from zope.container.interfaces import IContainerModifiedEvent
from zope.lifecycleevent.interfaces import IObjectAddedEvent
from zope.lifecycleevent.interfaces import IObjectRemovedEvent


def _update(record):
    if IArchivalDocument.providedBy(record):
        record.refresh_title()
    if IFonds.providedBy(record):
        coding.update_fonds_codes(record)
    elif IDossier.providedBy(record):
        coding.update_dossier_codes(record)
    else:
        coding.update_record_codes(record)


def record_moved(record, event):
    """Added, removed or moved (IObjectMovedEvent covers all three)."""
    if IObjectRemovedEvent.providedBy(event):
        coding.release_codes(record)
        return
    if not IObjectAddedEvent.providedBy(event) and coding.is_frozen(record):
        raise coding.CodesFrozen(coding.frozen_move_message(record))
    _update(record)


def record_modified(record, event):
    if IContainerModifiedEvent.providedBy(event):
        return  # a child came or went; the record's own codes did not change
    _update(record)


def record_copied(record, event):
    coding.forget_codes(record)
