"""A record is public only inside public containers.

The publish guard (workflow/guards.py) lets a dossier or a document be published only
inside a published dossier and fonds. The other half is here: when a fonds or dossier
leaves `published` (withdraw), or its access mode stops being public, everything it holds
that is published is withdrawn too, in the same transaction, each with a journal entry
that says why (the comment of its own `withdraw` transition).

The withdrawal of what is inside is a consequence of a change someone was allowed to make
on the container, not a decision of its own: it runs the workflow's `withdraw`
transition without its guard, and fires the same events as any transition (journal,
index, and the same rule again one level down).
"""

from plone import api
from vnarchive.content import codelists
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.policy import _
from vnarchive.policy.workflow.states import PUBLISHED
from vnarchive.policy.workflow.states import WORKFLOW_ID
from zope.container.interfaces import IContainerModifiedEvent
from zope.i18n import translate
from zope.i18nmessageid import Message


WITHDRAW = "withdraw"


def published_children(container):
    return [
        child
        for child in getattr(container, "objectValues", lambda: ())()
        if IArchivalRecord.providedBy(child)
        and api.content.get_state(child, default=None) == PUBLISHED
    ]


def withdraw(record, reason):
    """Withdraw published `record` as a consequence of another change (no guard: nobody
    decided it; the same events as any transition), `reason` its journal comment."""
    workflow = api.portal.get_tool("portal_workflow").getWorkflowById(WORKFLOW_ID)
    workflow._executeTransition(
        record, workflow.transitions[WITHDRAW], {"comment": reason}
    )


def withdraw_contents(container, reason):
    """Withdraw every published record held by `container` (and, through the same
    rule, what they hold); returns those withdrawn here."""
    children = published_children(container)
    for child in children:
        withdraw(child, reason)
    return children


def withdraw_from_unpublished_containers(site):
    """For sites from before the rule (an upgrade step): withdraw every published
    record whose fonds or dossier is not published. Returns how many were withdrawn."""
    catalog = api.portal.get_tool("portal_catalog")
    count = 0
    for brain in catalog.unrestrictedSearchResults(
        portal_type=["Fonds", "Dossier"], sort_on="path"
    ):
        container = brain._unrestrictedGetObject()
        if api.content.get_state(container, default=None) == PUBLISHED:
            continue
        count += len(
            withdraw_contents(container, _reason(container, WITHDRAWN_WITH_CONTAINER))
        )
    return count


def _code(obj):
    from vnarchive.content.indexers import main_code

    return main_code(obj) or obj.getId()


WITHDRAWN_WITH_CONTAINER = _(
    "journal_withdrawn_with_container",
    default="Tự động thu hồi công bố vì phông/hồ sơ chứa nó (${code}) đã thôi công bố.",
)
WITHDRAWN_CONTAINER_RESTRICTED = _(
    "journal_withdrawn_container_restricted",
    default="Tự động thu hồi công bố vì phông/hồ sơ chứa nó (${code}) không còn ở chế "
    "độ sử dụng công khai.",
)


def _reason(container, message):
    # The journal keeps the archive's language, as for every other entry.
    return translate(
        Message(message, mapping={"code": _code(container)}), target_language="vi"
    )


def container_left_published(obj, event):
    """IAfterTransitionEvent: a container withdrawn takes its contents with it."""
    if event.transition is None or event.old_state is None:
        return
    if event.old_state.id != PUBLISHED or event.new_state.id == PUBLISHED:
        return
    withdraw_contents(obj, _reason(obj, WITHDRAWN_WITH_CONTAINER))


def container_restricted(obj, event):
    """IObjectModifiedEvent: a container whose access mode is no longer public keeps
    nothing public inside."""
    if IContainerModifiedEvent.providedBy(event):
        return
    if getattr(obj, "mode", None) in (None, codelists.PUBLIC):
        return
    withdraw_contents(obj, _reason(obj, WITHDRAWN_CONTAINER_RESTRICTED))
