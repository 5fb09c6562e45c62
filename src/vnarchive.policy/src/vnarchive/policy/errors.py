"""Bad input is a 400 with a message in the user's language, never a 500 or a traceback.

ZPublisher's form converters (``page_size:int=abc``), plone.restapi's batching
(``@search?b_size=abc``) and the rest of Plone and Zope turn a malformed parameter into a
ValueError that reaches the publisher. `BadInputView` is the exception view (``index.html``)
for it, registered for any request so that it also answers
errors raised before traversal (form conversion), and more specific than Plone's and
plone.rest's views for Exception: HTTP 400, and a short message in Vietnamese, English or Lao
(the I18N_LANGUAGE cookie, then Accept-Language; Vietnamese by default) as JSON for REST and
JSON clients, or as a small HTML page. The exception's own text (which can carry values,
paths or class names) goes only to the event log. zExceptions.BadRequest keeps plone.rest's
and Plone's views: plone.restapi raises it with messages written for the client.
"""

from plone.rest.interfaces import IAPIRequest
from Products.Five import BrowserView
from vnarchive.policy import _
from zope.i18n import translate

import html
import json
import logging


logger = logging.getLogger("vnarchive.policy.errors")

LANGUAGES = ("vi", "en", "lo")
DEFAULT_LANGUAGE = "vi"

BAD_INPUT = _(
    "error_bad_input",
    default="Yêu cầu có tham số không hợp lệ. Hãy kiểm tra lại địa chỉ hoặc các giá trị "
    "đã nhập (số phải là chữ số) rồi thử lại.",
)
BAD_INPUT_TITLE = _("error_bad_input_title", default="Yêu cầu không hợp lệ")


def language(request):
    """vi, en or lo: the language cookie, then the browser's languages; vi by default."""
    chosen = (request.cookies.get("I18N_LANGUAGE") or "").split("-")[0].lower()
    if chosen in LANGUAGES:
        return chosen
    for part in (request.getHeader("Accept-Language") or "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def wants_json(request):
    accept = request.getHeader("Accept") or ""
    return IAPIRequest.providedBy(request) or (
        "application/json" in accept and "text/html" not in accept
    )


class BadInputView(BrowserView):
    """Exception view for ValueError: 400 and a message, nothing else."""

    def __call__(self):
        request = self.request
        logger.info(
            "bad input on %s: %s",
            request.get("PATH_INFO", ""),
            repr(self.context)[:300],
        )
        target = language(request)
        message = translate(BAD_INPUT, target_language=target)
        response = request.response
        response.setStatus(400, lock=True)
        response.setHeader("Cache-Control", "no-store")
        # plone.rest: no redirect to the login form for this error.
        response._has_challenged = True
        if wants_json(request):
            response.setHeader("Content-Type", "application/json; charset=utf-8")
            return json.dumps(
                {"type": "BadRequest", "message": message}, ensure_ascii=False
            )
        title = translate(BAD_INPUT_TITLE, target_language=target)
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        return (
            f'<!DOCTYPE html><html lang="{target}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(message)}</p></body></html>"
        )
