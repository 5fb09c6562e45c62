"""What goes into a record's journal, and who did it."""

from plone import api
from plone.protect.auto import safeWrite
from plone.uuid.interfaces import IUUID
from vnarchive.content import journal
from vnarchive.content.journal import journal_for
from vnarchive.policy.workflow.states import PUBLISHED
from zope.component.hooks import getSite


def current_actor():
    if api.user.is_anonymous():
        return "Anonymous User"
    return api.user.get_current().getId()


def record(obj, action, **details):
    """Append an entry to the journal of `obj`; never fails the caller's work."""
    site = getSite()
    uid = IUUID(obj, None)
    if site is None or uid is None:
        return None
    entry = journal.record_entry(site, uid, action, current_actor(), **details)
    # Journal writes may happen on GET (views, downloads): tell plone.protect they are ours.
    safeWrite(journal_for(site, uid))
    safeWrite(journal_for(site, uid)._entries)
    return entry


def record_view(obj):
    """Views of records that are not public are journaled."""
    if api.content.get_state(obj, default=None) != PUBLISHED:
        record(obj, journal.VIEWED)


def entries(obj):
    return journal.entries_for(getSite(), IUUID(obj))
