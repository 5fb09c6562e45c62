"""A path that is not UTF-8 is a 400 with a message, not Zope's 500 and traceback.

Zope's WSGI entry point decodes PATH_INFO as UTF-8 before it builds a request
(ZPublisher.WSGIPublisher.publish_module), so ``/vnarchive/x/%C0%AF`` fails before any
exception view can answer, and waitress shows the traceback. This filter, in front of Zope
in every WSGI pipeline (instance/zope.ini.in, buildout.cfg, the test layer), answers such a
request itself: 400 and the message of `vnarchive.policy.errors`, in the user's language,
as JSON or a small HTML page, nothing about the exception.

Paste: ``use = egg:vnarchive.policy#bad_path`` (a ``paste.filter_app_factory``).
"""

from vnarchive.policy.errors import accepts_json
from vnarchive.policy.errors import answer
from vnarchive.policy.errors import BAD_INPUT_TITLE
from vnarchive.policy.errors import BAD_PATH
from vnarchive.policy.errors import choose_language

import logging
import re


logger = logging.getLogger("vnarchive.policy.wsgi")

LANGUAGE_COOKIE = re.compile(r'(?:^|;)\s*I18N_LANGUAGE="?([A-Za-z-]+)')


def readable(path):
    """Is this PATH_INFO (PEP 3333: bytes as latin-1) UTF-8, as Zope requires?"""
    try:
        path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


def bad_path_answer(environ):
    """(status line, headers, body) of the 400 for a path that is not UTF-8."""
    cookie = LANGUAGE_COOKIE.search(environ.get("HTTP_COOKIE", ""))
    target = choose_language(
        cookie and cookie.group(1), environ.get("HTTP_ACCEPT_LANGUAGE")
    )
    as_json = "++api++" in environ.get("PATH_INFO", "") or accepts_json(
        environ.get("HTTP_ACCEPT")
    )
    content_type, body = answer(
        target, BAD_INPUT_TITLE, BAD_PATH, as_json, "BadRequest"
    )
    body = body.encode("utf-8")
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    return "400 Bad Request", headers, body


def bad_path_filter(app, global_conf=None, **local_conf):
    """Paste filter: answer a request whose path is not UTF-8 with a 400."""

    def filtered(environ, start_response):
        if readable(environ.get("PATH_INFO", "")):
            return app(environ, start_response)
        logger.info("path is not UTF-8: %r", environ.get("PATH_INFO", "")[:300])
        status, headers, body = bad_path_answer(environ)
        start_response(status, headers)
        return [body]

    return filtered
