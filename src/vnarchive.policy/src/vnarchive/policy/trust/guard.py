"""The trust guard: a record a person may not View is, for them, a name that does not exist.

Two hooks of the publisher, so that every view, template, method, REST service, resource,
file or redirect is covered, including those added later, without being listed:

- Every record announces its traversal (`vnarchive.content.traversal`). If the person making
  the request may not View it, traversal stops there exactly as it stops at a missing name:
  the record leaves the traversed objects and Zope's own "not found" is raised with the same
  URL. Nothing under the record runs; the 404 page is made in the record's container, as for
  a missing sibling; status, body and headers are the same. This happens before Zope has
  authenticated the request (it does so after traversal), so the guard asks the user folders
  who the credentials name, as Zope is about to.
  The only way through is a disclosure declared in `disclosures`.
- After traversal, what is published must be a view, a service, a resource or an object;
  the methods and attributes Zope would also publish on content (`getId`, `objectCount`,
  `hasObject`…) answer only to people who manage the site, and to others as missing names.
"""

from AccessControl import getSecurityManager
from AccessControl.SpecialUsers import nobody
from Acquisition import aq_base
from Acquisition import aq_parent
from OFS.interfaces import IItem
from plone.rest.traverse import RESTWrapper
from Products.CMFCore.permissions import ManagePortal
from Products.CMFCore.permissions import View
from vnarchive.policy.interfaces import IVnarchivePolicyLayer
from vnarchive.policy.trust import disclosures
from zope.annotation.interfaces import IAnnotations
from zope.browserresource.interfaces import IResource
from zope.component.hooks import getSite
from zope.publisher.interfaces.browser import IBrowserView


USER_KEY = "vnarchive.trust.requesting_user"
# Methods of content that anyone may still call: HEAD is how Zope answers a HEAD request.
PUBLIC_METHODS = frozenset({"HEAD"})
PUBLISHABLE = (IBrowserView, IResource, IItem)


def requesting_user(request):
    """Who the request's credentials name (Zope's `nobody` when none do), once per request.

    During traversal Zope has not authenticated yet: ask the site's user folder, then
    Zope's own, for the user the credentials (cookie, token, basic auth) belong to.
    """
    annotations = IAnnotations(request)
    user = annotations.get(USER_KEY)
    if user is None:
        user = annotations[USER_KEY] = _identify(request) or nobody
    return user


def _identify(request):
    site = getSite()
    if site is None:
        return None
    folders = [getattr(aq_base(site), "acl_users", None) and site.acl_users]
    root = site.getPhysicalRoot()
    if getattr(aq_base(root), "acl_users", None) is not None:
        folders.append(root.acl_users)
    for folder in folders:
        if folder is None:
            continue
        if hasattr(aq_base(folder), "_extractUserIds"):  # a PluggableAuthService
            plugins = folder._getOb("plugins")
            for user_id, login in folder._extractUserIds(request, plugins):
                user = folder._findUser(plugins, user_id, login, request=request)
                if user is not None:
                    return user
        else:  # Zope's basic user folder, basic authentication only
            name, password = folder.identify(getattr(request, "_auth", None))
            if name:
                user = folder.authenticate(name, password, request)
                if user is not None:
                    return user.__of__(folder)
    return None


def user_may_view(user, obj):
    """`user` (not necessarily the current one: see requesting_user) may View `obj`."""
    return bool(user.has_permission(View, obj))


def remaining_names(request):
    """The names still to traverse, in order."""
    return list(reversed(request.get("TraversalRequestNameStack") or []))


def admitted_by_disclosure(request, user):
    """The request goes to a declared disclosure channel through plain content names."""
    names = remaining_names(request)
    if not names:
        return False
    declared = disclosures.disclosure(names[-1])
    if declared is None or not declared.admits(user):
        return False
    return all(name[:1] not in "@+_" for name in names[:-1])


def stop_at_hidden_record(record, event):
    """Subscriber of a record's traversal: a record the user may not View is not there."""
    request = event.request
    parents = request.get("PARENTS")
    if not parents or aq_base(_unwrapped(parents[-1])) is not aq_base(record):
        return  # not the publisher traversing (a script, a test)
    # What Anonymous may View everyone may (every user folder's users grant the Anonymous
    # role's permissions before asking who they are): a public record needs no lookup of
    # the user, the larger part of the guard's cost (docs/benchmarks.md).
    if user_may_view(nobody, record):
        return
    user = requesting_user(request)
    if user_may_view(user, record) or admitted_by_disclosure(request, user):
        return
    # As BaseRequest.traverse does for a name it cannot find: the object never joined the
    # traversed objects, and the URL ends with its name.
    parents.pop()
    request.response.notFoundError(request["URL"])


def _unwrapped(traversed):
    """plone.rest traverses content of REST requests wrapped."""
    return traversed.context if isinstance(traversed, RESTWrapper) else traversed


def refuse_zope_methods(event):
    """After traversal: Zope's methods and attributes of objects are for site managers."""
    request = event.request
    if not IVnarchivePolicyLayer.providedBy(request):
        return  # a site without the archive's policy
    published = request.get("PUBLISHED")
    if published is None or not _zope_plumbing(published, request):
        return
    context = getSite() or aq_parent(getattr(published, "__self__", None))
    if context is not None and getSecurityManager().checkPermission(
        ManagePortal, context
    ):
        return
    request.response.notFoundError(request["URL"])


def _zope_plumbing(published, request):
    """A method or attribute of an object, rather than a view, a service, a resource or an
    object made to be published (content, files, skin items), which answer under their
    own permissions."""
    owner = getattr(published, "__self__", None)
    if owner is not None:  # a bound method
        if IBrowserView.providedBy(owner):
            return False  # a view's published attributes (@@plone_context_state/…)
        return getattr(published, "__name__", None) not in PUBLIC_METHODS
    if any(kind.providedBy(published) for kind in PUBLISHABLE):
        return False
    parents = request.get("PARENTS") or ()
    steps = getattr(request, "steps", None) or ()
    if not parents or not steps:
        return False
    holder = aq_base(parents[0])
    name = steps[-1]
    return name in getattr(holder, "__dict__", {}) or hasattr(type(holder), name)
