"""Error answers: bad input is a 400, a failure a generic 5xx; never a traceback.

Bad input. ZPublisher's form converters (``page_size:int=abc``), plone.restapi's batching
(``@search?b_size=abc``) and the rest of Plone and Zope turn a malformed parameter into a
ValueError that reaches the publisher; a full-text query made only of common words is a
ZCTextIndex ParseError. `BadInputView` is the exception view (``index.html``) for both,
registered for any request so that it also answers errors raised before traversal (form
conversion), and more specific than Plone's and plone.rest's views for Exception: HTTP 400,
and a short message in Vietnamese, English or Lao (the I18N_LANGUAGE cookie, then
Accept-Language; Vietnamese by default) as JSON for REST and JSON clients, or as a small
HTML page. A path that is not UTF-8 fails before any view: `vnarchive.policy.wsgi` answers
it with the same page. zExceptions.BadRequest keeps plone.rest's and Plone's views:
plone.restapi raises it with messages written for the client.

Failures. `ServerErrorView` replaces Plone's and plone.rest's exception views on the
site's browser layer for the errors that are a 5xx: people and JSON clients get a generic
message and an error id, never the exception's class, text or traceback (which Plone shows
to Managers, and plone.rest's JSON to everyone); the detail goes to the event log under
that id. Every other answer (404, 401, 403, redirects, 400 from plone.restapi) is left to
the view that gives it without this layer, unchanged to the byte.

Views of others asked where they do not apply. Plone's views, and those of the add-ons it
ships, are registered for broad interfaces and fail when a record or the site is not what
they were made for (a mail template or a macro page called on its own, a listing asked with
a parameter twice, PlonePAS's helper views that refuse to be called). Such a request answers
exactly what a name that does not exist answers there, with one line in the log and no
traceback (`vnarchive.policy.misplaced` says when).

Errors a REST service reports itself (bad input it found, a refusal) go through
`service_error`, as plone.restapi's own services answer them: the status, and
``{"error": {"type": ..., "message": ...}}`` with the message translated for the request.
Its fields are those of the exception views' JSON (`error_fields`): one shape everywhere.
"""

from plone.rest.interfaces import IAPIRequest
from plone.rest.interfaces import ICORSPolicy
from Products.Five import BrowserView
from vnarchive.policy import _
from vnarchive.policy.interfaces import IVnarchivePolicyLayer
from vnarchive.policy.misplaced import back_to_traversal
from vnarchive.policy.misplaced import code_of
from vnarchive.policy.misplaced import misplaced_view
from zExceptions import NotFound
from zope.component import getSiteManager
from zope.component import queryMultiAdapter
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.interface import Interface
from zope.interface import providedBy
from ZPublisher.HTTPResponse import status_codes
from ZPublisher.HTTPResponse import status_reasons

import html
import json
import logging
import secrets


logger = logging.getLogger("vnarchive.policy.errors")

LANGUAGES = ("vi", "en", "lo")
DEFAULT_LANGUAGE = "vi"

BAD_INPUT = _(
    "error_bad_input",
    default="Yêu cầu có tham số không hợp lệ. Hãy kiểm tra lại địa chỉ hoặc các giá trị "
    "đã nhập (số phải là chữ số) rồi thử lại.",
)
BAD_INPUT_TITLE = _("error_bad_input_title", default="Yêu cầu không hợp lệ")
BAD_PATH = _(
    "error_bad_path",
    default="Địa chỉ có ký tự không hợp lệ. Hãy kiểm tra lại đường dẫn rồi thử lại.",
)
SERVER_ERROR = _(
    "error_server",
    default="Hệ thống gặp lỗi khi xử lý yêu cầu này. Hãy thử lại sau ít phút; nếu vẫn "
    "lỗi, hãy báo cho cán bộ lưu trữ mã lỗi ${error_id}.",
)
SERVER_ERROR_TITLE = _("error_server_title", default="Đã xảy ra lỗi")


def choose_language(cookie, accept_language):
    """vi, en or lo: the language cookie, then the browser's languages; vi by default."""
    chosen = (cookie or "").split("-")[0].lower()
    if chosen in LANGUAGES:
        return chosen
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def language(request):
    return choose_language(
        request.cookies.get("I18N_LANGUAGE"), request.getHeader("Accept-Language")
    )


def accepts_json(accept):
    accept = accept or ""
    return "application/json" in accept and "text/html" not in accept


def wants_json(request):
    return IAPIRequest.providedBy(request) or accepts_json(request.getHeader("Accept"))


def error_type(status):
    """The JSON ``type`` of an error with this HTTP status: its reason (``BadRequest``)."""
    return status_reasons.get(status, "Internal Server Error").replace(" ", "")


def error_fields(kind, message, **extra):
    """The fields of every JSON error: ``type``, ``message`` and what `extra` adds."""
    return {"type": kind, "message": message, **extra}


def service_error(request, status, message, kind=None, **extra):
    """The answer of a REST service for an error it reports itself; sets the status.

    ``{"error": {"type": kind, "message": message, **extra}}`` as plone.restapi's services
    answer; `message` (an i18n message) translated for the request; `kind` the HTTP
    reason of `status` unless given (``ReviewError``...).
    """
    request.response.setStatus(status)
    message = translate(message, context=request)
    return {"error": error_fields(kind or error_type(status), message, **extra)}


def answer(target, title, message, as_json, kind, **extra):
    """(content type, body) of an error answer: JSON or a small HTML page, nothing else.

    `kind` is the JSON ``type`` (an HTTP reason such as ``BadRequest``, never the class
    of an exception); `extra` goes into the JSON as it is.
    """
    title = translate(title, target_language=target)
    message = translate(message, target_language=target)
    if as_json:
        body = json.dumps(error_fields(kind, message, **extra), ensure_ascii=False)
        return "application/json; charset=utf-8", body
    body = (
        f'<!DOCTYPE html><html lang="{target}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(message)}</p></body></html>"
    )
    return "text/html; charset=utf-8", body


def respond(request, status, title, message, kind, **extra):
    """Write the status and headers of an error answer on the response; return its body."""
    content_type, body = answer(
        language(request), title, message, wants_json(request), kind, **extra
    )
    response = request.response
    response.setStatus(status, lock=True)
    response.setHeader("Cache-Control", "no-store")
    response.setHeader("Content-Type", content_type)
    return body


class BadInputView(BrowserView):
    """Exception view for ValueError: 400 and a message, nothing else."""

    def __call__(self):
        request = self.request
        logger.info(
            "bad input on %s: %s",
            request.get("PATH_INFO", ""),
            repr(self.context)[:300],
        )
        # plone.rest: no redirect to the login form for this error.
        request.response._has_challenged = True
        return respond(request, 400, BAD_INPUT_TITLE, BAD_INPUT, "BadRequest")


def http_status(exception):
    """The status ZPublisher gives this exception (it goes by the class name)."""
    return status_codes.get(type(exception).__name__.lower(), 500)


class ServerErrorView(BrowserView):
    """Exception view on the site's layer: a 5xx is generic, anything else is unchanged."""

    def __call__(self):
        exception = self.context
        status = http_status(exception)
        if status < 500:
            return self.unchanged()
        misplaced = misplaced_view(exception, self.request)
        if misplaced is not None:
            return self.not_found(*misplaced)
        request = self.request
        error_id = secrets.token_hex(6)
        logger.error(
            "error %s: %s %s",
            error_id,
            request.get("REQUEST_METHOD", ""),
            request.get("ACTUAL_URL") or request.get("URL", ""),
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        if IAPIRequest.providedBy(request):
            # As plone.rest does: a cross-origin client may read the error.
            policy = queryMultiAdapter((exception, request), ICORSPolicy)
            if policy is not None:
                policy.process_simple_request()
        message = Message(SERVER_ERROR, mapping={"error_id": error_id})
        return respond(
            request,
            status,
            SERVER_ERROR_TITLE,
            message,
            error_type(status),
            error_id=error_id,
        )

    def not_found(self, factory, context):
        """What traversal answers for a name that does not exist where the view (of class
        `factory`) was asked: the same NotFound, in the same object, by the same view."""
        request = self.request
        logger.info(
            "not found: %s %s: %s in %s, a view of others not made for this object",
            request.get("REQUEST_METHOD", ""),
            request.get("ACTUAL_URL") or request.get("URL", ""),
            type(self.context).__name__,
            code_of(factory),
        )
        back_to_traversal(request)
        self.__parent__ = context
        try:
            request.response.notFoundError(request["URL"])
        except NotFound as missing:
            self.context = missing  # Plone's 404 page reads it from sys.exc_info() too
            body = self.unchanged()
        # Zope and plone.transformchain set the status of the exception that escaped
        # (AttributeError: 500, KeyError: 503) after this view: keep the one just given.
        response = request.response
        response.setStatus(response.getStatus(), lock=True)
        return body

    def unchanged(self):
        """The answer of the exception view the request gets without this layer."""
        request = self.request
        without_layer = providedBy(request) - IVnarchivePolicyLayer
        factory = getSiteManager().adapters.lookup(
            (providedBy(self.context), without_layer), Interface, "index.html"
        )
        view = factory(self.context, request)
        view.__parent__ = self.__parent__
        return view()
