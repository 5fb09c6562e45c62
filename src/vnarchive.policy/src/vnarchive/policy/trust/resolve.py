"""One resolver for every parameter that names a record: by UID, archival code or path.

A UID, code or path given by a client names a record only if the current user may View it
and every container between the site and it (the guard hides what is inside a record the
user may not see). Otherwise the answer is exactly what a name that does not exist gets:
`None` here, 404 for the caller (`viewable_or_not_found`). Nothing in between, so that a
forbidden record and a missing one cannot be told apart.

Services, views and redirects that take such a parameter call this, never
`uuidToObject`, `unrestrictedTraverse` or the catalog on their own.
"""

from AccessControl import getSecurityManager
from Acquisition import aq_base
from Acquisition import aq_chain
from Acquisition import aq_inner
from Acquisition import aq_parent
from plone.uuid.interfaces import IUUID
from Products.CMFCore.interfaces import ISiteRoot
from Products.CMFCore.permissions import View
from zExceptions import NotFound
from zope.component.hooks import getSite


def viewable_object(uid=None, path=None, code=None, context=None):
    """The object named by `uid`, `code` or `path` (exactly one), or None.

    None when the name is malformed, unknown, or names an object the current user may
    not View (itself or one of its containers).
    """
    names = [value for value in (uid, path, code) if value is not None]
    if len(names) != 1 or not isinstance(names[0], str) or not names[0].strip():
        return None
    site = _site(context)
    if site is None:
        return None
    if code is not None:
        uid = _uid_of_code(site, code.strip())
    if path is not None:
        obj = _by_path(site, path)
    else:
        obj = _by_uid(site, (uid or "").strip())
    if obj is None or not may_view(obj, site):
        return None
    return obj


def viewable_or_not_found(uid=None, path=None, code=None, context=None):
    """As `viewable_object`, raising NotFound (404) where that gives None."""
    obj = viewable_object(uid=uid, path=path, code=code, context=context)
    if obj is None:
        raise NotFound("Not found")
    return obj


def may_view(obj, site=None):
    """The current user may View `obj` and every container of it inside the site."""
    site = site if site is not None else getSite()
    stop = aq_base(site) if site is not None else None
    check = getSecurityManager().checkPermission
    item = aq_inner(obj)
    while item is not None:
        if not check(View, item):
            return False
        if stop is not None and aq_base(item) is stop:
            return True
        item = aq_parent(item)
    return stop is None


def _site(context):
    """The Plone site holding `context` (or the current one)."""
    for item in aq_chain(context) if context is not None else ():
        if ISiteRoot.providedBy(item):
            return item
    return getSite()


def _uid_of_code(site, code):
    """The record holding `code`: its main code (the site-wide registry), else any of
    its archival codes (document id, archival code…) as indexed."""
    from vnarchive.content.coding import code_holder

    if not code or len(code) > 200:
        return None
    uid = code_holder(code, site)
    if uid is None:
        catalog = getattr(site, "portal_catalog", None)
        brains = (
            catalog.unrestrictedSearchResults(archival_codes=code) if catalog else []
        )
        uid = brains[0].UID if len(brains) == 1 else None
    return uid


def _by_uid(site, uid):
    if not uid or len(uid) > 64:
        return None
    catalog = getattr(site, "portal_catalog", None)
    if catalog is None:
        return None
    for brain in catalog.unrestrictedSearchResults(UID=uid):
        try:
            obj = brain._unrestrictedGetObject()
        except (AttributeError, KeyError):
            continue
        if IUUID(obj, None) == uid:
            return obj
    return None


def _by_path(site, path):
    """Walk the path below the site through contained items only: no acquisition,
    no attributes, no views, no `..`."""
    site_path = "/".join(site.getPhysicalPath())
    path = path.strip()
    if path.startswith(("http://", "https://")):
        return None
    if path.startswith(site_path + "/") or path == site_path:
        path = path[len(site_path) :]
    obj = site
    for name in [part for part in path.split("/") if part]:
        if name in (".", "..") or name.startswith(("@", "+", "_")):
            return None
        getter = getattr(aq_base(obj), "_getOb", None)
        if getter is None:
            return None
        try:
            child = obj._getOb(name, None)
        except Exception:  # anything odd is "not found"
            return None
        if child is None or aq_base(aq_parent(child)) is not aq_base(obj):
            return None
        obj = child
    if IUUID(obj, None) is None:
        return None
    return obj
