"""What goes into a record's journal, and who did it."""

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.uuid.interfaces import IUUID
from vnarchive.content import journal
from vnarchive.policy.workflow.states import PUBLISHED
from zope.component.hooks import getSite
from zope.globalrequest import getRequest
from zope.interface import alsoProvides


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
    _allow_audit_write()
    return journal.record_entry(site, uid, action, current_actor(), **details)


def _allow_audit_write():
    """Views and downloads are journaled on GET: the only write such a request makes.

    plone.protect would take any write on GET for a forged request; marking each BTree
    bucket the append touches as safe is fragile, so the request is marked instead.
    """
    request = getRequest()
    if request is not None and request.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
        alsoProvides(request, IDisableCSRFProtection)


def record_view(obj):
    """Views of records that are not public are journaled."""
    if api.content.get_state(obj, default=None) != PUBLISHED:
        record(obj, journal.VIEWED)


def entries(obj):
    return journal.entries_for(getSite(), IUUID(obj))
