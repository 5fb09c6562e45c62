"""CSRF: no state-changing REST call can be forged by a page of another site.

Over real HTTP against the test server, with the `__ac` cookie of a real login (as a
browser holds it): a write a cross-origin page could send (text/plain, a form encoding,
multipart, no body) carrying an `Origin: http://evil.example` header is refused with 403
and writes nothing, for our services (@record-files, @batches, @ocr-review, @ocr-pages)
and for plone.restapi's own (content creation, workflow). What is legitimate still works:
JSON (with the cookie, basic auth or a JWT), the plone.protect token in `X-CSRF-TOKEN`,
the page forms with their token, and journaled views on GET.
"""

from helpers import DEMO_PASSWORD
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOSSIER
from helpers import SECRET_DOCUMENT
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from review_data import set_pages
from review_data import TEXTS
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.journal import entries

import base64
import json
import pytest
import re
import requests
import transaction


TIMEOUT = 60
ARCHIVIST = USERS["Archivist"]
HEAD = USERS["ArchiveHead"]
EVIL = {"Origin": "http://evil.example", "Referer": "http://evil.example/page.html"}
TOKEN = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')


@pytest.fixture
def site(functional_portal, functional_holdings, queue_db):
    """A document in processing with one OCR page, committed; the URLs to try."""
    from helpers import document_data
    from vnarchive.policy.records import create_record

    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    document = create_record(
        functional_holdings[PROCESSING_DOSSIER],
        "ArchivalDocument",
        document_data(subjectText="Tài liệu thử CSRF"),
    )
    set_pages(document, [(TEXTS["low"], 45.0)], low=("Qnyết",))
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    return {
        "portal": portal,
        "url": portal.absolute_url(),
        "document": document,
        "doc": document.absolute_url(),
        "records": functional_holdings,
    }


def browser(site, user):
    """A requests session logged in through the login form: it holds the `__ac` cookie."""
    session = requests.Session()
    form = session.get(f"{site['url']}/login", timeout=TIMEOUT)
    assert form.status_code == 200
    data = {
        "__ac_name": user,
        "__ac_password": DEMO_PASSWORD,
        "buttons.login": "Đăng nhập",
        "came_from": "",
    }
    found = TOKEN.search(form.text)
    if found:
        data["_authenticator"] = found.group(1)
    session.post(f"{site['url']}/login", data=data, timeout=TIMEOUT)
    assert "__ac" in session.cookies, "the login form set no cookie"
    return session


def fresh():
    transaction.begin()


def files_of(document):
    fresh()
    return [item.name for item in IRecordFiles(document)]


def upload(name):
    return {
        "filename": name,
        "data": base64.b64encode(b"II*\x00 scan " + name.encode()).decode(),
        "content-type": "image/tiff",
    }


def forged(session, method, url, body, content_type):
    """What a page on evil.example can make the browser send: the cookie goes along."""
    headers = {"Accept": "application/json", **EVIL}
    if content_type == "multipart/form-data":
        return session.request(
            method,
            url,
            files={"file": ("x.zip", b"PK\x03\x04", "application/zip")},
            data={"folder": "x"},
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
    if content_type:
        headers["Content-Type"] = content_type
    return session.request(
        method,
        url,
        data=body,
        headers=headers,
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def assert_refused(response):
    assert response.status_code == 403, (response.status_code, response.text[:500])
    assert "X-CSRF-TOKEN" in response.text  # says what a client must do instead
    assert "Traceback" not in response.text


FORM_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    None,
]


@pytest.mark.parametrize("content_type", FORM_TYPES)
def test_forged_file_upload_is_refused(site, content_type):
    session = browser(site, ARCHIVIST)
    body = json.dumps(upload("forged.tif"))
    for url in (f"{site['doc']}/@record-files", f"{site['doc']}/++api++/@record-files"):
        assert_refused(forged(session, "POST", url, body, content_type))
    assert "forged.tif" not in files_of(site["document"])
    assert "file_added" not in [entry["action"] for entry in entries(site["document"])]


def test_cookie_json_upload_works(site):
    """The same cookie with JSON: a cross-origin page cannot send that content type."""
    session = browser(site, ARCHIVIST)
    response = session.post(
        f"{site['doc']}/@record-files",
        data=json.dumps(upload("json.tif")),
        headers={"Accept": "application/json", "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    assert "json.tif" in files_of(site["document"])


def test_cookie_with_the_token_works_whatever_the_content_type(site):
    session = browser(site, ARCHIVIST)
    page = session.get(f"{site['doc']}/@@upload-files", timeout=TIMEOUT)
    token = TOKEN.search(page.text).group(1)
    response = session.post(
        f"{site['doc']}/@record-files",
        data=json.dumps(upload("token.tif")),
        headers={
            "Accept": "application/json",
            "Content-Type": "text/plain",
            "X-CSRF-TOKEN": token,
        },
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    assert "token.tif" in files_of(site["document"])
    # A token of someone else (or made up) is no token.
    wrong = session.post(
        f"{site['doc']}/@record-files",
        data=json.dumps(upload("wrong.tif")),
        headers={
            "Accept": "application/json",
            "Content-Type": "text/plain",
            "X-CSRF-TOKEN": "0" * 40,
        },
        timeout=TIMEOUT,
    )
    assert_refused(wrong)
    assert "wrong.tif" not in files_of(site["document"])


def test_basic_and_jwt_json_clients_work(site):
    basic = requests.post(
        f"{site['doc']}/@record-files",
        data=json.dumps(upload("basic.tif")),
        headers={"Accept": "application/json", "Content-Type": "application/json"},
        auth=(ARCHIVIST, DEMO_PASSWORD),
        timeout=TIMEOUT,
    )
    assert basic.status_code == 201, basic.text
    # Remembered basic credentials go along with a forged request too: no exception.
    forged_basic = requests.post(
        f"{site['doc']}/@record-files",
        data=json.dumps(upload("basic-forged.tif")),
        headers={"Accept": "application/json", "Content-Type": "text/plain", **EVIL},
        auth=(ARCHIVIST, DEMO_PASSWORD),
        timeout=TIMEOUT,
    )
    assert_refused(forged_basic)
    token = requests.post(
        f"{site['url']}/@login",
        json={"login": ARCHIVIST, "password": DEMO_PASSWORD},
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    ).json()["token"]
    jwt = requests.post(
        f"{site['doc']}/@record-files",
        json=upload("jwt.tif"),
        headers={"Accept": "application/json", "Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    assert jwt.status_code == 201, jwt.text
    names = files_of(site["document"])
    assert {"basic.tif", "jwt.tif"} <= set(names)
    assert "basic-forged.tif" not in names


def test_forged_batch_is_refused(site):
    from vnarchive.digitization import batches as model

    session = browser(site, ARCHIVIST)
    for content_type in ("text/plain", "multipart/form-data", None):
        response = forged(
            session,
            "POST",
            f"{site['url']}/@batches",
            json.dumps({"folder": "lo-1", "validate_only": True}),
            content_type,
        )
        assert_refused(response)
    fresh()
    assert model.all_batches(site["portal"]) == []


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_forged_ocr_decision_is_refused(site, decision):
    from vnarchive.digitization.review import actions

    session = browser(site, ARCHIVIST)
    for content_type, body in (
        ("text/plain", json.dumps({"comment": "giả mạo"})),
        (None, None),  # an empty POST: approve needs no comment
    ):
        url = f"{site['doc']}/@ocr-review/{decision}"
        assert_refused(forged(session, "POST", url, body, content_type))
    fresh()
    assert actions.review_state(site["document"]) != "approved"
    assert actions.review_state(site["document"]) != "rejected"
    # JSON from the same cookie: the reviewer's own client.
    done = session.post(
        f"{site['doc']}/@ocr-review/{decision}",
        json={"comment": "Đã đối chiếu"},
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert done.status_code == 200, done.text
    assert (
        done.json()["review_state"]
        == {"approve": "approved", "reject": "rejected"}[decision]
    )


def test_forged_ocr_correction_is_refused(site):
    session = browser(site, ARCHIVIST)
    url = f"{site['doc']}/@ocr-pages/1"
    body = json.dumps({"text": "giả mạo", "version": 0})
    assert_refused(forged(session, "PATCH", url, body, "text/plain"))
    fresh()
    assert IRecordFiles(site["document"]).page(1).text == TEXTS["low"]
    saved = session.patch(
        url,
        json={"text": "Đã sửa", "version": 0},
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["text"] == "Đã sửa"


def test_plone_restapi_writes_are_covered_too(site):
    """Not a list of our services: content creation and workflow of plone.restapi."""
    session = browser(site, HEAD)
    dossier = site["records"][PUBLISHED_DOSSIER]
    created = forged(
        session,
        "POST",
        f"{dossier.absolute_url()}/++api++",
        json.dumps({"@type": "ArchivalDocument", "title": "Giả mạo"}),
        "text/plain",
    )
    assert_refused(created)
    withdrawn = forged(
        session,
        "POST",
        f"{dossier.absolute_url()}/++api++/@workflow/withdraw",
        "",
        "application/x-www-form-urlencoded",
    )
    assert_refused(withdrawn)
    fresh()
    assert api.content.get_state(dossier) == "published"
    # The head's own client (JSON, same cookie) withdraws it.
    done = session.post(
        f"{dossier.absolute_url()}/++api++/@workflow/withdraw",
        json={"comment": "Rà soát"},
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert done.status_code == 200, done.text
    fresh()
    assert api.content.get_state(dossier) == "archived"


def test_page_forms_with_their_token_still_work(site):
    session = browser(site, ARCHIVIST)
    url = f"{site['doc']}/@@upload-files"
    token = TOKEN.search(session.get(url, timeout=TIMEOUT).text).group(1)
    scan = ("trang.tif", b"II*\x00 page form", "image/tiff")
    without = session.post(
        url, files={"files:list": scan}, data={"form.upload": "1"}, timeout=TIMEOUT
    )
    assert "trang.tif" not in files_of(site["document"]), without.status_code
    posted = session.post(
        url,
        files={"files:list": scan},
        data={"form.upload": "1", "_authenticator": token},
        timeout=TIMEOUT,
    )
    assert posted.status_code == 200, posted.text[:500]
    assert "trang.tif" in files_of(site["document"])


def test_views_on_get_are_still_journaled(site):
    """A GET that writes the journal (a view of a record that is not public) works."""
    secret = site["records"][SECRET_DOCUMENT]
    before = len(entries(secret))
    session = browser(site, ARCHIVIST)
    page = session.get(secret.absolute_url(), timeout=TIMEOUT)
    assert page.status_code == 200
    fresh()
    log = entries(secret)
    assert len(log) == before + 1
    assert log[-1]["action"] == "viewed"
