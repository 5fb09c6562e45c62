"""Bad parameters are a 400 with a message in the user's language (vnarchive.policy.errors).

Over real HTTP on the functional site (debug mode off): ZPublisher's ``:int`` converter on
our search page and REST, plone.restapi's batching on Plone's ``@search``. The answer is 400,
in Vietnamese by default, English or Lao on request, and shows no exception class, message,
path or traceback.
"""

from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from Products.Five import BrowserView
from vnarchive.policy.errors import ServerErrorView
from vnarchive.policy.interfaces import IVnarchivePolicyLayer
from zope.component import getGlobalSiteManager
from zope.interface import implementedBy
from zope.interface import Interface

import contextlib
import json
import logging
import pytest
import re
import requests
import transaction


TIMEOUT = 30
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}
MESSAGES = {
    "vi": "Yêu cầu có tham số không hợp lệ",
    "en": "The request has an invalid parameter",
    "lo": "ຄຳຮ້ອງຂໍມີພາລາມິເຕີທີ່ບໍ່ຖືກຕ້ອງ",
}
# What must never show: exception classes and their text, code paths.
NEVER = [
    "ValueError",
    "invalid literal",
    "int()",
    "Traceback",
    ".py",
    "site-packages",
    "/work/",
]

BAD = [
    ("@search?b_size=abc", JSON),
    ("@search?b_start=x&SearchableText=a", JSON),
    ("++api++/@search?b_size=abc", {}),
    ("@@archive-search?page_size:int=abc", HTML),
    ("@@archive-search?page_size:int=abc", {}),
    ("@archive-search?page_size:int=abc", JSON),
    ("@@search?year_from:int=19x6", HTML),
    ("@search?SearchableText=a&SearchableText=b", JSON),
]


@pytest.fixture
def site(functional_portal):
    transaction.commit()
    return functional_portal.absolute_url()


def clean(response):
    for word in NEVER:
        assert word not in response.text, (word, response.text[:500])


@pytest.mark.parametrize(("path", "headers"), BAD)
def test_bad_parameters_are_400_in_vietnamese(site, path, headers):
    response = requests.get(f"{site}/{path}", headers=headers, timeout=TIMEOUT)
    assert response.status_code == 400, response.text[:500]
    as_json = headers is JSON or path.startswith("++api++")
    # What the client reads: the JSON decoded (plone.restapi escapes non-ASCII letters).
    read = json.dumps(response.json(), ensure_ascii=False) if as_json else response.text
    assert MESSAGES["vi"] in read
    clean(response)
    if as_json:
        assert response.json()["type"] == "BadRequest"
    else:
        assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("language", ["en", "lo", "vi"])
@pytest.mark.parametrize(("path", "headers"), [BAD[0], BAD[3]])
def test_the_message_is_in_the_users_language(site, path, headers, language):
    for asked in (
        {"headers": dict(headers, **{"Accept-Language": f"{language},fr;q=0.5"})},
        {"headers": headers, "cookies": {"I18N_LANGUAGE": language}},
    ):
        response = requests.get(f"{site}/{path}", timeout=TIMEOUT, **asked)
        assert response.status_code == 400
        assert MESSAGES[language] in response.text
        clean(response)


def test_good_parameters_still_work(site):
    assert requests.get(f"{site}/@search?b_size=5", headers=JSON, timeout=TIMEOUT).ok
    page = requests.get(f"{site}/@@archive-search?page_size:int=5", timeout=TIMEOUT)
    assert page.status_code == 200
    data = requests.get(
        f"{site}/@archive-search?page_size:int=5", headers=JSON, timeout=TIMEOUT
    ).json()
    assert data["query"]["page_size"] == 5


# A path that is not UTF-8 fails inside Zope's WSGI entry point, before any exception view:
# vnarchive.policy.wsgi answers it, in the test layer's pipeline as in instance/zope.ini.in
# (tests/test_topologies.py asks real clients and nginx).
BAD_PATH = {
    "vi": "Địa chỉ có ký tự không hợp lệ",
    "en": "The address contains characters that are not valid",
    "lo": "ທີ່ຢູ່ມີຕົວອັກສອນທີ່ບໍ່ຖືກຕ້ອງ",
}
NEVER_IN_BAD_PATH = [*NEVER, "UnicodeDecodeError", "decode", "codec", "waitress"]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("x/%C0%AF", {}),
        ("x/%C0%AF", HTML),
        ("%FF%FE/view", JSON),
        ("++api++/%C0%AF", {}),
    ],
)
def test_a_path_that_is_not_utf8_is_a_400(site, path, headers):
    response = requests.get(f"{site}/{path}", headers=headers, timeout=TIMEOUT)
    assert response.status_code == 400, response.text[:500]
    assert BAD_PATH["vi"] in response.text
    for word in NEVER_IN_BAD_PATH:
        assert word not in response.text, (word, response.text[:500])
    if headers is JSON or "++api++" in path:
        assert response.json()["type"] == "BadRequest"
    else:
        assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("language", ["en", "lo"])
def test_the_bad_path_message_is_in_the_users_language(site, language):
    for asked in (
        {"headers": {"Accept-Language": f"{language},vi;q=0.5"}},
        {"cookies": {"I18N_LANGUAGE": language}},
    ):
        response = requests.get(f"{site}/x/%C0%AF", timeout=TIMEOUT, **asked)
        assert response.status_code == 400
        assert BAD_PATH[language] in response.text


def test_a_utf8_path_still_reaches_zope(site):
    # Vietnamese in UTF-8 passes the filter: Zope answers (404, nothing by that name).
    response = requests.get(f"{site}/t%C3%A0i-li%E1%BB%87u", timeout=TIMEOUT)
    assert response.status_code == 404
    assert BAD_PATH["vi"] not in response.text


def test_a_query_of_common_words_only_is_a_400(site):
    # ZCTextIndex refuses it (ParseError): a bad parameter, not a failure.
    response = requests.get(
        f"{site}/@search?SearchableText=%C0%AF", headers=JSON, timeout=TIMEOUT
    )
    assert response.status_code == 400, response.text[:500]
    assert response.json()["type"] == "BadRequest"
    assert MESSAGES["vi"] in response.text
    clean(response)
    assert "ParseError" not in response.text


# Failures (5xx): a generic message and an error id for everyone, Managers included; the
# exception's class, text and traceback go to the log under that id.
MARKER = "marker-c41f /work/secret/path.py"
SERVER_ERROR = {
    "vi": "Hệ thống gặp lỗi khi xử lý yêu cầu này",
    "en": "The system could not handle this request",
    "lo": "ລະບົບເກີດຂໍ້ຜິດພາດໃນການດຳເນີນຄຳຮ້ອງຂໍນີ້",
}
ERROR_ID = re.compile(r"\b[0-9a-f]{12}\b")
MANAGER = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)


class FailingView(BrowserView):
    exception = RuntimeError

    def __call__(self):
        raise self.exception(MARKER)


@pytest.fixture(params=[(RuntimeError, 500), (KeyError, 503)], ids=["500", "503"])
def failing(site, request):
    """A view of ours (on our layer, as all of them) that fails with a marker in its
    exception (KeyError is Zope's 503). A view of others failing so on the site is a
    missing name there (tests/trust/test_views_of_others.py)."""
    exception, status = request.param
    view = type("Failing", (FailingView,), {"exception": exception, "__roles__": None})
    registry = getGlobalSiteManager()
    required = (Interface, IVnarchivePolicyLayer)
    registry.registerAdapter(view, required, Interface, "vnarchive-failing")
    yield status
    registry.unregisterAdapter(view, required, Interface, "vnarchive-failing")


def hides_the_failure(response):
    for word in [
        *NEVER,
        MARKER,
        "marker-c41f",
        "RuntimeError",
        "KeyError",
        "traceback",
        "error_type",
        "test_bad_input",
    ]:
        assert word not in response.text, (word, response.text[:800])


@pytest.mark.parametrize("user", [None, MANAGER], ids=["anonymous", "manager"])
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("@@vnarchive-failing", HTML),
        ("@@vnarchive-failing", {}),
        ("@@vnarchive-failing", JSON),
        ("++api++/@@vnarchive-failing", {}),
    ],
)
def test_a_failure_is_generic_with_an_error_id_in_the_log(
    site, failing, caplog, path, headers, user
):
    with caplog.at_level(logging.ERROR, logger="vnarchive.policy.errors"):
        response = requests.get(
            f"{site}/{path}", headers=headers, auth=user, timeout=TIMEOUT
        )
    assert response.status_code == failing, response.text[:500]
    assert SERVER_ERROR["vi"] in response.text
    hides_the_failure(response)
    assert response.headers["Cache-Control"] == "no-store"
    [error_id] = set(ERROR_ID.findall(response.text))
    if headers is JSON or path.startswith("++api++"):
        data = response.json()
        assert data["error_id"] == error_id
        assert (
            data["type"]
            == {500: "InternalServerError", 503: "ServiceUnavailable"}[failing]
        )
        assert set(data) == {"type", "message", "error_id"}
    else:
        assert response.headers["Content-Type"].startswith("text/html")
    # The detail is in the log, under the id the user was given.
    [logged] = [record for record in caplog.records if error_id in record.getMessage()]
    assert "@@vnarchive-failing" in logged.getMessage()
    assert MARKER in str(logged.exc_info[1])


@pytest.mark.parametrize("language", ["en", "lo"])
def test_the_failure_message_is_in_the_users_language(site, failing, language):
    for headers in (HTML, JSON):
        response = requests.get(
            f"{site}/@@vnarchive-failing",
            headers=dict(headers, **{"Accept-Language": language}),
            timeout=TIMEOUT,
        )
        assert response.status_code == failing
        assert SERVER_ERROR[language] in response.text
        hides_the_failure(response)


def test_ploneform_macros_shows_no_paths(site):
    # Called on its own, Plone's macro template fails (LocationError with the paths of
    # the virtualenv in its text): a view of others asked where it does not apply, it
    # answers as a missing name.
    for user in (None, MANAGER):
        for headers in (HTML, JSON):
            response = requests.get(
                f"{site}/@@ploneform-macros",
                headers=headers,
                auth=user,
                timeout=TIMEOUT,
            )
            assert response.status_code == 404
            for word in ("LocationError", "macros.pt", "z3cform", "SimpleViewClass"):
                assert word not in response.text, word


# Every answer that is not a 5xx is the one Plone and plone.rest give without our layer's
# exception view, to the byte: 404 (which a hidden record must match exactly), login
# redirects and 401, plone.restapi's 400 with its `type` and `message`.
@pytest.fixture
def without_our_error_view():
    registry = getGlobalSiteManager()
    required = (implementedBy(Exception), IVnarchivePolicyLayer)
    factory = registry.adapters.lookup(required, Interface, "index.html")
    assert factory is not None
    assert issubclass(factory, ServerErrorView)

    @contextlib.contextmanager
    def removed():
        registry.unregisterAdapter(factory, required, Interface, "index.html")
        try:
            yield
        finally:
            registry.registerAdapter(factory, required, Interface, "index.html")

    return removed


def _answer(url, method="GET", **options):
    response = requests.request(
        method, url, allow_redirects=False, timeout=TIMEOUT, **options
    )
    headers = {
        name: value for name, value in response.headers.items() if name != "Date"
    }
    return response.status_code, headers, response.content


def test_other_answers_are_unchanged(
    functional_portal, functional_holdings, without_our_error_view
):
    from helpers import SECRET_DOCUMENT

    site = functional_portal.absolute_url()
    secret = functional_holdings[SECRET_DOCUMENT].absolute_url()
    asked = [
        (f"{site}/no-such-page", {"headers": HTML}),
        (f"{site}/no-such-page", {"headers": JSON}),
        (f"{site}/++api++/no-such-page", {}),
        (f"{site}/no-such-page", {"headers": HTML, "auth": MANAGER}),
        (secret, {"headers": HTML}),
        (secret, {"headers": JSON}),
        (f"{secret}/@@images/image", {}),
        (f"{site}/@@overview-controlpanel", {"headers": HTML}),
        (f"{site}/@types/Fonds", {"headers": JSON}),
        (f"{site}/@types/Fonds", {"headers": JSON, "auth": ("nobody", "wrong")}),
    ]
    posted = (f"{site}/@users", {"headers": JSON, "json": {}, "auth": MANAGER})
    ours = [_answer(url, **options) for url, options in asked]
    ours.append(_answer(posted[0], "POST", **posted[1]))
    with without_our_error_view():
        theirs = [_answer(url, **options) for url, options in asked]
        theirs.append(_answer(posted[0], "POST", **posted[1]))
    statuses = [status for status, _, _ in ours]
    assert statuses == [404] * 7 + [302, 401, 401, 400]
    assert ours == theirs
