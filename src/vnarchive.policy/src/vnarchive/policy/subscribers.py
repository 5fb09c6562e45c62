"""Life-cycle rules and the journal, wired to content and workflow events."""

from DateTime import DateTime
from plone import api
from vnarchive.content import codelists
from vnarchive.content import journal as kinds
from vnarchive.content.coding import freeze_codes
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.files import IRecordFiles
from vnarchive.content.interfaces import IAccessModeGuard
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.content.interfaces import IFileRecord
from vnarchive.policy import _
from vnarchive.policy.journal import record
from vnarchive.policy.workflow.closed import system_change
from vnarchive.policy.workflow.states import DESTROYED
from vnarchive.policy.workflow.states import PROCESSING
from vnarchive.policy.workflow.states import PUBLISHED
from zope.component import adapter
from zope.container.interfaces import IContainerModifiedEvent
from zope.interface import implementer
from zope.lifecycleevent.interfaces import IObjectAddedEvent
from zope.lifecycleevent.interfaces import IObjectRemovedEvent


def record_added_or_removed(obj, event):
    if event.object is not obj:
        return  # the event of a container, dispatched to what is inside
    if IObjectAddedEvent.providedBy(event):
        record(obj, kinds.CREATED, type=obj.portal_type, code=_code(obj))
    elif IObjectRemovedEvent.providedBy(event):
        record(obj, kinds.DELETED, code=_code(obj))


def _code(obj):
    from vnarchive.content.indexers import main_code

    return main_code(obj)


def _changed_fields(event):
    names = []
    for description in getattr(event, "descriptions", ()):
        for name in getattr(description, "attributes", ()):
            names.append(name.rsplit(".", 1)[-1])
    return sorted(set(names))


def record_modified(obj, event):
    if IContainerModifiedEvent.providedBy(event):
        return
    # Forms and REST already refused this (AccessModeGuard); this catches scripts.
    AccessModeGuard(obj).check(getattr(obj, "mode", None))
    record(obj, kinds.EDITED, fields=_changed_fields(event))


@implementer(IAccessModeGuard)
@adapter(IArchivalRecord)
class AccessModeGuard:
    """A published record stays public: withdraw it before its access mode changes."""

    def __init__(self, context):
        self.context = context

    def check(self, mode):
        state = api.content.get_state(self.context, default=None)
        if state == PUBLISHED and mode != codelists.PUBLIC:
            raise ArchivalValidationError(
                _(
                    "error_published_mode",
                    default="Tài liệu đang công bố chỉ có thể ở chế độ công khai. "
                    "Hãy thu hồi công bố trước khi đổi chế độ sử dụng.",
                )
            )


def record_transition(obj, event):
    if event.transition is None:
        return  # the initial state, set at creation
    comment = (event.kwargs or {}).get("comment") or None
    if event.old_state.id == PROCESSING:
        freeze_codes(obj)
    if event.new_state.id == PUBLISHED and not obj.effective_date:
        # Feeds, sitemaps and "newest first" listings sort on the publication date.
        obj.setEffectiveDate(DateTime())
    if event.new_state.id == DESTROYED:
        # The one writer of a destroyed record: the destruction itself.
        with system_change("destroy: files and page data removed"):
            files = IRecordFiles(obj) if IFileRecord.providedBy(obj) else None
            removed = files.destroy() if files is not None else []
        obj.destruction = {
            "actor": api.user.get_current().getId(),
            "comment": comment,
            "files": removed,
        }
        record(obj, kinds.FILES_DESTROYED, files=[item["name"] for item in removed])
    record(
        obj,
        kinds.TRANSITION,
        transition=event.transition.id,
        from_state=event.old_state.id,
        to_state=event.new_state.id,
        comment=comment,
    )
    obj.reindexObject()
