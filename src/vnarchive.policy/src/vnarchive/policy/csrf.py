"""CSRF protection for every state-changing REST call, in one place.

plone.protect protects pages: a write in a request without the form token is refused.
plone.restapi switches that off in its services (`IDisableCSRFProtection`) because a REST
client sends JSON, and a page of another site cannot: an HTML form or a "simple"
cross-origin `fetch` can only send `application/x-www-form-urlencoded`,
`multipart/form-data` or `text/plain` (or nothing); any other content type needs a CORS
preflight the site does not grant. Nothing checked that the request really was JSON,
so a cookie-authenticated `text/plain` POST from another origin went through.

Here, after traversal and authentication, a REST call with an unsafe method
(POST, PUT, PATCH, DELETE) by an authenticated user is accepted only if

- its credentials are not ones the browser attaches on its own (a bearer token in the
  `Authorization` header; the `__ac` cookie, the `auth_token` cookie and remembered
  HTTP basic credentials are attached by the browser), or
- its content type is one a cross-origin form cannot send (JSON, a ZIP, …), or
- it carries plone.protect's token (`X-CSRF-TOKEN` header or `_authenticator` field).

Otherwise it is refused with 403 before the service runs: nothing is written. Once a
call passed, plone.protect's own check (made for pages) is switched off for it, as
plone.restapi's services do: this is the one place that does so for REST writes.
"""

from AccessControl import getSecurityManager
from plone.protect.authenticator import check as check_token
from plone.protect.interfaces import IDisableCSRFProtection
from plone.rest.interfaces import IService
from vnarchive.policy import _
from zExceptions import Forbidden
from zope.i18n import translate
from zope.interface import alsoProvides


UNSAFE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
# What a cross-origin page may send without a preflight (the CORS-safelisted types).
FORM_CONTENT_TYPES = frozenset(
    ("", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
)


def media_type(request):
    value = request.getHeader("Content-Type") or request.get("CONTENT_TYPE") or ""
    return value.split(";", 1)[0].strip().lower()


def explicit_token_auth(request):
    """Credentials the caller put in the Authorization header itself (not basic, which
    a browser remembers and attaches to any request to the site)."""
    value = (request._auth or "").strip() if hasattr(request, "_auth") else ""
    scheme = value.split(" ", 1)[0].lower()
    return bool(value) and scheme != "basic"


def may_be_forged(request):
    """True when the request could come from a page of another site."""
    if explicit_token_auth(request):
        return False
    return media_type(request) in FORM_CONTENT_TYPES


def has_token(request):
    try:
        check_token(request)
    except Forbidden:
        return False
    return True


def refusal(request):
    return translate(
        _(
            "csrf_refused",
            default="Yêu cầu thay đổi dữ liệu này bị từ chối vì có thể do một trang web "
            "khác gửi thay bạn. Ứng dụng hãy gửi JSON (Content-Type: application/json) "
            "hoặc kèm mã chống giả mạo (tiêu đề X-CSRF-TOKEN); trên trang của hệ thống, "
            "hãy tải lại trang rồi thử lại.",
        ),
        context=request,
    )


def check_rest_write(event):
    """IPubAfterTraversal: refuse a REST write that a page of another site could forge."""
    request = event.request
    if request.get("REQUEST_METHOD", "GET").upper() not in UNSAFE_METHODS:
        return
    if not IService.providedBy(request.get("PUBLISHED")):
        return
    user = getSecurityManager().getUser()
    if user is None or user.getUserName() == "Anonymous User":
        return  # nobody's rights to borrow: the service's permission decides
    if may_be_forged(request) and not has_token(request):
        raise Forbidden(refusal(request))
    alsoProvides(request, IDisableCSRFProtection)
