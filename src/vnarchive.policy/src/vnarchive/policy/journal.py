"""What goes into a record's journal, and who did it.

Views and downloads are journaled on GET. plone.protect refuses a write on GET unless the
request carries its token (a page of another site could have sent it); the journal's own
objects, and only those, are marked safe to write (`safeWrite`): any other write in the
same request is still refused.
"""

from plone import api
from plone.protect.utils import BTREE_TYPES
from plone.protect.utils import SAFE_WRITE_KEY
from plone.protect.utils import safeWrite
from plone.uuid.interfaces import IUUID
from vnarchive.content import journal
from vnarchive.policy.workflow.states import PUBLISHED
from zope.component.hooks import getSite
from zope.globalrequest import getRequest


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
    request = getRequest()
    if request is not None:
        for written in journal.written_by_append(site, uid):
            _safe_write(written, request)
    return journal.record_entry(site, uid, action, current_actor(), **details)


def _safe_write(obj, request):
    """plone.protect's `safeWrite`, for one object of the journal.

    `safeWrite` given a BTree marks every bucket of it, reading the whole journal (or
    every record's journal) on each view: a node of a tree is marked alone, as the
    buckets its entry goes into are (journal.written_by_append names them).
    """
    if getattr(obj, "_p_oid", None) is None:
        return  # not stored yet: nothing for plone.protect to check
    if not isinstance(obj, BTREE_TYPES):
        safeWrite(obj, request)
        return
    safe = getattr(request, "environ", {}).setdefault(SAFE_WRITE_KEY, [])
    if obj._p_oid not in safe:
        safe.append(obj._p_oid)


def record_view(obj):
    """Views of records that are not public are journaled."""
    if api.content.get_state(obj, default=None) != PUBLISHED:
        record(obj, journal.VIEWED)


def entries(obj):
    return journal.entries_for(getSite(), IUUID(obj))


def entries_batch(obj, start, size):
    """(one batch of the entries of `obj`, oldest first; how many there are in all),
    without reading the rest of the journal."""
    return journal.batch_for(getSite(), IUUID(obj), start, size)
