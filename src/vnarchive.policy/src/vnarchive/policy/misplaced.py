"""Views of others asked where they do not apply answer as a name that does not exist.

Plone's views, and those of the add-ons it ships, are registered for broad interfaces (any
object, any folder, any content) and some fail when a record or the site is not what they
were made for: a mail template or a macro page called on its own, an adding view that has
no page, PlonePAS's helper views that refuse to be called, a listing asked with a parameter
twice. Zope answers NotFound when traversal cannot find a name (KeyError, AttributeError)
or a view cannot be called (NotImplementedError, Five's ViewNotCallableError); the same
failures one step later, when such a view is made or called, say the same thing: nothing by
that name works here. So the exception view (`errors.ServerErrorView`) answers them with the
404 of a missing name, and logs one line, no traceback, when:

- the request reads (GET, HEAD): a write that fails stays a failure;
- the exception is one of NOT_HERE, and not a database error (POSKeyError is a KeyError);
- the view or service is not ours: the same one answers without our browser layers (every
  view and service of vnarchive is registered on one), and no code of vnarchive, module or
  template, was running when it was raised: our views, and Plone's running our adapters,
  viewlets or templates, still fail as a 5xx with their traceback in the log;
- it was asked on a record or on the site root.

Why a rule and not a list: a list of view names misses those of the next Plone release, and
registering Plone's views for narrower interfaces would take an override of each. Why it
leaks nothing: it looks at the view, the exception and the object the view was asked on,
never at what the user may see (a hidden record never gets that far: the trust guard stops
the request at it), and the answer is the one a missing name gets at the same place. For
that, `back_to_traversal` puts the request back as traversal left it: what the view set on
the response and the request is dropped, nothing is published, and nobody is authenticated
(Zope authenticates after traversal: a missing name's page is Anonymous's, whoever asks).
"""

from AccessControl.SecurityManagement import noSecurityManager
from Acquisition import aq_base
from Acquisition import aq_inner
from chameleon.template import BaseTemplate
from plone.base.interfaces.siteroot import IPloneSiteRoot
from urllib.parse import unquote
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.policy.interfaces import IVnarchivePolicyLayer
from zExceptions import HTTPClientError
from ZODB.POSException import POSError
from zope.annotation.interfaces import IAnnotations
from zope.component import getSiteManager
from zope.interface import Interface
from zope.interface import providedBy
from zope.publisher.interfaces.browser import IBrowserView

import os
import vnarchive


# What code raises when it meets an object, a mapping or a namespace other than the one it
# was written for; and the 4xx that Zope cannot map to their status and answers as a 500
# (PlonePAS's helper views raise HTTPImATeapot, "View not callable").
NOT_HERE = (
    AttributeError,
    LookupError,
    TypeError,
    NameError,
    NotImplementedError,
    HTTPClientError,
    # Views that need a parameter their context's links would give (plone.app.
    # versioningbehavior's @@version-view, @@download-version without version_id).
    ValueError,
)
READING = ("GET", "HEAD")
# Zope's keys of a request that has been authenticated (after traversal).
AUTHENTICATED = ("AUTHENTICATED_USER", "AUTHENTICATION_PATH")
TRAVERSED_KEY = "vnarchive.misplaced.traversed"
RESPONSE_STATE = ("headers", "cookies", "accumulated_headers")
# What a request keeps alive until it is closed (CMF's skin data cleanup among them): never
# copied, so that closing the request still releases it.
HELD = "_held"
# Where ZCML makes a class for each view it registers: the code is in their bases.
GENERATED = ("Products.Five.browser.metaconfigure", "plone.rest.zcml")


def misplaced_view(exception, request):
    """(class, object asked on) of the view of others that raised `exception` on a record
    or the site it does not apply to; None when the failure is a failure."""
    if not isinstance(exception, NOT_HERE) or isinstance(exception, POSError):
        return None
    found = foreign_view(request)
    if found is None or ran_our_code(exception):
        return None
    factory, context, _name = found
    return factory, context


def foreign_view(request):
    """(class, object asked on, name) of the view of others that a GET or HEAD publishes
    (or was making) on a record or the site; None for any other request."""
    if request.environ.get("REQUEST_METHOD", "GET").upper() not in READING:
        return None
    found = published_view(request)
    if found is None:
        return None
    factory, context, name = found
    inner = aq_inner(context)
    if not (IArchivalRecord.providedBy(inner) or IPloneSiteRoot.providedBy(inner)):
        return None
    if is_ours(factory, context, name, request):
        return None
    return found


def published_view(request):
    """(class, object asked on, name) of the view or service the request was publishing:
    called, failing in traversal after it was made (an adding view's default page), or
    failing to be made (in its constructor: traversal stopped at the object, the URL ends
    with the view's name). None when it was not publishing a view."""
    published = request.other.get("PUBLISHED")
    parents = request.get("PARENTS") or ()
    if published is None and parents:
        published = parents[0]
    view = getattr(published, "__self__", published)  # a method of a view
    if IBrowserView.providedBy(view):  # some are wrapped (the adding views)
        name = getattr(view, "__name__", None) or _last_name(request)
        return type(aq_base(view)), view.context, name
    if "PUBLISHED" in request.other or published is None:
        return None
    name = _last_name(request)
    factory = getSiteManager().adapters.lookup(
        (providedBy(published), providedBy(request)), Interface, name
    )
    if not (isinstance(factory, type) and IBrowserView.implementedBy(factory)):
        return None
    return factory, published, name


def _last_name(request):
    """The last name of the URL traversed, as a view is registered under it."""
    name = unquote(request.get("URL", "").rsplit("/", 1)[-1])
    return name.removeprefix("@@").removeprefix("++view++")


def is_ours(factory, context, name, request):
    """The view answers because of our browser layers: without them (the add-ons' extend
    the core's), its name finds another view or none."""
    if not name:
        return True
    others = providedBy(request) - IVnarchivePolicyLayer
    found = getSiteManager().adapters.lookup(
        (providedBy(context), others), Interface, name
    )
    return found is not factory


def ran_our_code(exception):
    """Code of vnarchive was running when `exception`, or one it was raised from, was
    raised: a module of ours, or a template of ours being rendered (Chameleon names the
    code it compiles after the template's file name only: the template is in the frame)."""
    ours = tuple(os.path.join(os.path.abspath(path), "") for path in vnarchive.__path__)
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        trace = exception.__traceback__
        while trace is not None:
            frame = trace.tb_frame
            template = frame.f_locals.get("self")
            files = [frame.f_code.co_filename]
            if isinstance(template, BaseTemplate):
                files.append(str(template.filename))
            if any(os.path.abspath(name).startswith(ours) for name in files):
                return True
            trace = trace.tb_next
        exception = exception.__cause__ or exception.__context__
    return False


def code_of(factory):
    """Where the code of a view is, for the log: its class, or its template."""
    made = factory.__mro__[1] if factory.__module__ in GENERATED else factory
    if made.__module__ in GENERATED:  # a page made of a template only
        return getattr(getattr(factory, "index", None), "filename", repr(factory))
    return f"{made.__module__}.{made.__qualname__}"


def remember_traversal(event):
    """IPubAfterTraversal: the request and its response as traversal left them, one level
    deep (the request's variables, attributes and annotations, such as plone.memoize's
    caches and the resource registry's; the response's headers and cookies)."""
    request = event.request
    if not IVnarchivePolicyLayer.providedBy(request) or foreign_view(request) is None:
        return  # the rule cannot apply: nothing to go back to
    annotations = IAnnotations(request)
    state = {key: value for key, value in vars(request).items() if key != HELD}
    traversed = {
        "request": _copied(state),
        "annotations": _copied(annotations),
        "response": _copied(
            {name: getattr(request.response, name) for name in RESPONSE_STATE}
        ),
    }
    annotations[TRAVERSED_KEY] = traversed


def back_to_traversal(request):
    """Put the request as traversal leaves it at a missing name: what the view set on the
    request and the response dropped (when it got as far as being called), nothing
    published (the theme, caching and CSRF transforms then do what they do for a missing
    name) and nobody authenticated."""
    traversed = IAnnotations(request).get(TRAVERSED_KEY)
    if traversed is not None:
        state = vars(request)
        held = state.get(HELD)
        state.clear()
        state.update(_copied(traversed["request"]))
        if held is not None:
            state[HELD] = held
        annotations = IAnnotations(request)
        for key in list(annotations.keys()):
            del annotations[key]
        for key, value in _copied(traversed["annotations"]).items():
            annotations[key] = value
        for name, value in _copied(traversed["response"]).items():
            setattr(request.response, name, value)
    request.other.pop("PUBLISHED", None)
    for name in AUTHENTICATED:
        request.other.pop(name, None)
    noSecurityManager()


def _copied(mapping):
    return {
        key: type(value)(value) if type(value) in (dict, list) else value
        for key, value in mapping.items()
    }
