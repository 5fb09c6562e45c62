"""Keep codes assigned, unique and frozen as records are added, edited, moved, copied."""

from Acquisition import aq_base
from vnarchive.content import coding
from vnarchive.content.behaviors.record_codes import IRecordCodes
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
    if not IObjectAddedEvent.providedBy(event):
        if coding.is_frozen(record):
            raise coding.CodesFrozen(coding.frozen_move_message(record))
        moved_away = aq_base(event.oldParent) is not aq_base(event.newParent)
        if moved_away and IRecordCodes.providedBy(record):
            record.docOrdinal = None  # an ordinal means something only in its dossier
    _update(record)


def record_modified(record, event):
    if IContainerModifiedEvent.providedBy(event):
        return  # a child came or went; the record's own codes did not change
    _update(record)


def record_copied(record, event):
    coding.forget_codes(record)
