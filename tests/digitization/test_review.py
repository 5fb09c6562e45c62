"""OCR review (kiểm duyệt): the queue, corrections, decisions, journal and who may do it."""

from helpers import as_user
from helpers import DEMO_PASSWORD
from helpers import PATHS
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME
from review_data import set_pages
from review_data import TEXTS
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import queue as jobs
from vnarchive.digitization.review import actions
from vnarchive.digitization.review import queue
from vnarchive.policy.journal import entries
from zExceptions import Unauthorized

import hashlib
import io
import pytest
import re
import requests
import transaction


def make_set(make_document, holdings, portal):
    """Four documents with OCR text; A approved. Queue order: B (45), D (62), C (88)."""
    docs = {
        "A": make_document(subjectText="Tài liệu A đã duyệt"),
        "B": make_document(subjectText="Tài liệu B kém"),
        "C": make_document(subjectText="Tài liệu C tốt"),
        "D": make_document(subjectText="Tài liệu D vừa"),
    }
    set_pages(docs["A"], [(TEXTS["fine"], 30.0)])
    set_pages(docs["B"], [(TEXTS["good"], 91.0), (TEXTS["low"], 45.0)], low=("Qnyết",))
    set_pages(docs["C"], [(TEXTS["good"], 88.0), (TEXTS["fine"], 96.0)])
    set_pages(docs["D"], [(TEXTS["fine"], 62.0)])
    as_user(portal, USERS["Archivist"])
    actions.approve(docs["A"], "Đúng")
    login(portal, TEST_USER_NAME)
    return docs


@pytest.fixture
def docs(make_document, holdings, portal):
    return make_set(make_document, holdings, portal)


@pytest.fixture
def archivist(portal, holdings):
    as_user(portal, USERS["Archivist"])
    yield portal
    login(portal, TEST_USER_NAME)


def codes(rows):
    return [row["code"] for row in rows]


def code_of(doc):
    return doc.docCode


def queue_rows(**kwargs):
    brains, total = queue.search(**kwargs)
    return [queue.row(brain) for brain in brains], total


# -- Queue -----------------------------------------------------------------------


def test_queue_lists_unapproved_documents_lowest_confidence_first(docs, archivist):
    rows, total = queue_rows()
    assert codes(rows) == [code_of(docs[key]) for key in "BDC"]
    assert total == 3
    first = rows[0]
    assert first["pages"] == 2
    assert first["confidence_lowest"] == 45.0
    assert first["lowest_page"] == 2
    assert first["confidence_mean"] == 68.0
    assert first["review_state"] == "pending"
    assert first["title"] == docs["B"].Title()


def test_queue_pages_and_filters(docs, archivist, holdings):
    rows, total = queue_rows(start=1, size=1)
    assert codes(rows) == [code_of(docs["D"])]
    assert total == 3
    rows, _total = queue_rows(dossier=PROCESSING_DOSSIER)
    assert len(rows) == 3
    rows, total = queue_rows(fonds="UBQT")
    assert total == 3
    rows, total = queue_rows(fonds="KHONGCO")
    assert total == 0
    rows, total = queue_rows(states="approved")
    assert codes(rows) == [code_of(docs["A"])]
    with pytest.raises(actions.ReviewError) as error:
        queue_rows(dossier="000.00.00.H56.1900.99.XX")
    assert error.value.code == "unknown_dossier"
    with pytest.raises(actions.ReviewError) as error:
        queue_rows(states="nonsense")
    assert error.value.code == "bad_state"


def test_queue_is_an_index_query(docs, archivist):
    catalog = api.portal.get_tool("portal_catalog")
    assert "ocr_confidence" in catalog.indexes()
    assert "ocr_review_state" in catalog.indexes()
    assert "ocr_stats" in catalog.schema()
    brain = catalog(UID=docs["B"].UID())[0]
    assert brain.ocr_review_state == "pending"
    assert brain.ocr_stats["lowest"] == 45.0
    # Records without OCR text are not in the review index at all.
    assert len(catalog(ocr_review_state=list(actions.STATES))) == 4


def test_queue_view_renders(docs, archivist, portal):
    view = api.content.get_view("ocr-review", portal, portal.REQUEST)
    html = view()
    assert html.index(code_of(docs["B"])) < html.index(code_of(docs["D"]))
    assert code_of(docs["A"]) not in html
    assert "Chờ kiểm duyệt" in html
    assert "(trang" in html


# -- Corrections -----------------------------------------------------------------


def test_correction_keeps_history_reindexes_and_is_journaled(docs, archivist):
    doc = docs["B"]
    catalog = api.portal.get_tool("portal_catalog")
    assert not catalog(SearchableText="Quyết", UID=doc.UID())
    corrected = TEXTS["low"].replace("Qnyết", "Quyết")
    assert actions.save_correction(doc, 2, corrected, version=0) is True
    page = IRecordFiles(doc).page(2)
    assert page.text == corrected
    assert page.source == "review"
    assert page.confidence == 45.0  # the OCR confidence is kept
    assert page.words["lines"]  # and the word boxes (the PDF/A places the text on them)
    assert page.history == (("ocr", TEXTS["low"], 45.0),)
    assert catalog(SearchableText="Quyết", UID=doc.UID())
    assert catalog(UID=doc.UID())[0].ocr_review_state == "in_progress"
    entry = entries(doc)[-1]
    assert entry["action"] == "ocr_corrected"
    assert entry["page"] == 2
    assert entry["length_before"] == len(TEXTS["low"])
    assert entry["length_after"] == len(corrected)
    assert entry["actor"] == USERS["Archivist"]
    # Saving the same text again changes nothing and journals nothing.
    count = len(entries(doc))
    assert actions.save_correction(doc, 2, corrected + "\r\n") is False
    assert len(entries(doc)) == count
    assert len(page.history) == 1


def test_correction_from_an_old_version_is_refused(docs, archivist):
    doc = docs["D"]
    actions.save_correction(doc, 1, "Bản sửa thứ nhất", version=0)
    with pytest.raises(actions.ReviewError) as error:
        actions.save_correction(doc, 1, "Bản sửa dựa trên bản cũ", version=0)
    assert error.value.code == "conflict"
    assert IRecordFiles(doc).page(1).text == "Bản sửa thứ nhất"


@pytest.mark.parametrize(
    ("page", "text", "code"),
    [
        (9, "văn bản", "no_page"),
        (1, "x" * (actions.MAX_TEXT + 1), "too_long"),
        (1, None, "bad_text"),
    ],
)
def test_bad_corrections_change_nothing(docs, archivist, page, text, code):
    doc = docs["D"]
    count = len(entries(doc))
    with pytest.raises(actions.ReviewError) as error:
        actions.save_correction(doc, page, text)
    assert error.value.code == code
    assert IRecordFiles(doc).page(1).text == TEXTS["fine"]
    assert len(entries(doc)) == count


def test_bad_page_numbers():
    for value in ("abc", "0", "-1", "", None):
        with pytest.raises(actions.ReviewError) as error:
            actions.page_number(value)
        assert error.value.code == "bad_page"
    assert actions.page_number(" 3 ") == 3


def test_an_empty_page_may_be_saved(docs, archivist):
    """A blank page (the back of a sheet) has no text: the OCR noise is kept in history."""
    doc = docs["D"]
    assert actions.save_correction(doc, 1, "   \n") is True
    assert IRecordFiles(doc).page(1).text == ""
    assert IRecordFiles(doc).page(1).history[-1][1] == TEXTS["fine"]


def test_text_is_normalised_to_nfc(docs, archivist):
    doc = docs["D"]
    decomposed = "Quye\u0302\u0301t đi\u0323nh"
    actions.save_correction(doc, 1, decomposed)
    assert IRecordFiles(doc).page(1).text == "Quyết định"


# -- Decisions -------------------------------------------------------------------


def test_approve_and_reject_are_journaled_and_leave_or_stay_in_the_queue(
    docs, archivist
):
    doc = docs["B"]
    with pytest.raises(actions.ReviewError) as error:
        actions.reject(doc, "  ")
    assert error.value.code == "comment_required"
    actions.reject(doc, "Trang 2 mờ, cần quét lại")
    entry = entries(doc)[-1]
    assert entry["action"] == "ocr_rejected"
    assert entry["comment"] == "Trang 2 mờ, cần quét lại"
    assert actions.review_state(doc) == "rejected"
    rows, _total = queue_rows()
    assert code_of(doc) in codes(rows)  # rejected documents stay to be dealt with
    with pytest.raises(actions.ReviewError) as error:
        actions.reject(doc, "lần nữa")
    assert error.value.code == "already_decided"
    actions.approve(doc, "Đã đối chiếu bản gốc")
    entry = entries(doc)[-1]
    assert entry["action"] == "ocr_approved"
    assert entry["comment"] == "Đã đối chiếu bản gốc"
    assert entry["pages"] == 2
    assert entry["confidence"] == 45.0
    rows, _total = queue_rows()
    assert code_of(doc) not in codes(rows)
    # A later correction is not covered by the approval: back in the queue.
    actions.save_correction(doc, 1, "Báo cáo tổng kết công tác lưu trữ năm 2021")
    assert actions.review_state(doc) == "in_progress"
    assert code_of(doc) in codes(queue_rows()[0])


def test_new_ocr_after_a_rejection_is_pending_again(docs, archivist):
    doc = docs["D"]
    actions.reject(doc, "Chữ mờ")
    IRecordFiles(doc).page(1).set_text(
        "Văn bản nhận dạng lại", source="ocr", confidence=80.0
    )
    doc.reindexObject()
    assert actions.review_state(doc) == "pending"


def test_no_ocr_text_nothing_to_approve(make_document, portal):
    doc = make_document()
    as_user(portal, USERS["Archivist"])
    with pytest.raises(actions.ReviewError) as error:
        actions.approve(doc)
    assert error.value.code == "no_text"


@pytest.mark.parametrize("state", ["transferred", "review_destruction"])
def test_records_nobody_may_edit_cannot_be_corrected(make_document, portal, state):
    maintenance = "01" if state == "transferred" else "06"
    doc = make_document(state="archived", maintenance=maintenance)
    set_pages(doc, [(TEXTS["fine"], 50.0)])  # OCR'd before it left the archive
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=doc, transition=PATHS[state][-1], comment="test")
    as_user(portal, USERS["Archivist"])
    for call in (
        lambda: actions.save_correction(doc, 1, "sửa"),
        lambda: actions.approve(doc),
    ):
        with pytest.raises(actions.ReviewError) as error:
            call()
        assert error.value.code == "read_only"
    # Nobody could act on it: it does not wait in the queue.
    assert code_of(doc) not in codes(queue_rows(states="pending")[0])
    login(portal, TEST_USER_NAME)


@pytest.mark.parametrize("role", ["Appraiser", "Curator", "ArchiveReader"])
def test_others_may_not_review(docs, portal, role):
    as_user(portal, USERS[role])
    with pytest.raises(Unauthorized):
        actions.save_correction(docs["B"], 1, "sửa")
    with pytest.raises(Unauthorized):
        actions.approve(docs["B"])
    login(portal, TEST_USER_NAME)


def test_low_confidence_words_are_found(docs):
    page = IRecordFiles(docs["B"]).page(2)
    low = actions.low_confidence_words(page)
    assert [word["text"] for word in low] == ["Qnyết"]
    assert low[0]["confidence"] == 35.0


# -- Over HTTP: REST and pages ---------------------------------------------------


class Client:
    def __init__(self, base, auth=None):
        self.base, self.auth = base, auth
        self.session = requests.Session()

    def request(self, method, url, json=None, accept="application/json", **kwargs):
        headers = {"Accept": accept} if accept else {}
        return self.session.request(
            method,
            url if url.startswith("http") else f"{self.base}/{url}",
            auth=self.auth,
            json=json,
            headers=headers,
            timeout=60,
            allow_redirects=False,
            **kwargs,
        )


@pytest.fixture
def http(functional_portal, functional_holdings, queue_db):
    from helpers import document_data
    from vnarchive.policy.records import create_record

    portal = functional_portal
    dossier = functional_holdings[PROCESSING_DOSSIER]
    as_user(portal, USERS["Archivist"])
    docs = {}
    for key, text, confidence in (
        ("B", TEXTS["low"], 45.0),
        ("C", TEXTS["good"], 88.0),
        ("D", TEXTS["fine"], 62.0),
    ):
        docs[key] = create_record(
            dossier, "ArchivalDocument", document_data(subjectText=f"Tài liệu {key}")
        )
        set_pages(docs[key], [(text, confidence)], low=("Qnyết",))
    # A published document with OCR text: anonymous sees the record, not its review.
    set_pages(functional_holdings[PUBLISHED_DOCUMENT], [(TEXTS["good"], 70.0)])
    login(portal, TEST_USER_NAME)
    transaction.commit()
    site = portal.absolute_url()
    return {
        "jobs": jobs,
        "site": site,
        "docs": {key: doc.absolute_url() for key, doc in docs.items()},
        "codes": {key: doc.docCode for key, doc in docs.items()},
        "published": functional_holdings[PUBLISHED_DOCUMENT].absolute_url(),
        "archivist": Client(site, (USERS["Archivist"], DEMO_PASSWORD)),
        "reader": Client(site, (USERS["ArchiveReader"], DEMO_PASSWORD)),
        "appraiser": Client(site, (USERS["Appraiser"], DEMO_PASSWORD)),
        "anonymous": Client(site),
        "admin": Client(site, (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)),
    }


def test_rest_queue_page_correction_search_and_decision(http):
    archivist = http["archivist"]
    response = archivist.request("GET", "@ocr-review")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["code"] for item in body["items"]] == [
        http["codes"]["B"],
        http["codes"]["D"],
        PUBLISHED_DOCUMENT,
        http["codes"]["C"],
    ]
    first = body["items"][0]
    assert first["confidence_lowest"] == 45.0
    assert first["confidence_mean"] == 45.0
    assert first["review_state"] == "pending"
    assert first["pages"] == 1
    assert (
        archivist.request("GET", "@ocr-review?b_size=1&b_start=1").json()["items"][0][
            "code"
        ]
        == http["codes"]["D"]
    )

    doc = http["docs"]["B"]
    page = archivist.request("GET", f"{doc}/@ocr-pages/1").json()
    assert page["text"] == TEXTS["low"]
    assert page["version"] == 0
    assert page["history"] == []
    assert [word["text"] for word in page["low_confidence_words"]] == ["Qnyết"]
    image = archivist.request("GET", page["image"], accept=None)
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")

    search = archivist.request(
        "GET", "@search?SearchableText=Quyết&portal_type=ArchivalDocument"
    )
    assert doc not in [item["@id"] for item in search.json()["items"]]
    corrected = TEXTS["low"].replace("Qnyết", "Quyết")
    response = archivist.request(
        "PATCH", f"{doc}/@ocr-pages/1", json={"text": corrected, "version": 0}
    )
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["changed"] is True
    assert saved["text"] == corrected
    assert saved["source"] == "review"
    assert saved["version"] == 1
    assert saved["history"][0]["text"] == TEXTS["low"]
    assert saved["review_state"] == "in_progress"
    assert http["jobs"].length() == 1  # the PDF/A rebuild, sent once committed
    search = archivist.request(
        "GET", "@search?SearchableText=Quyết&portal_type=ArchivalDocument"
    )
    assert doc in [item["@id"] for item in search.json()["items"]]

    stale = archivist.request(
        "PATCH", f"{doc}/@ocr-pages/1", json={"text": "cũ", "version": 0}
    )
    assert stale.status_code == 409
    assert "vừa được người khác sửa" in stale.json()["error"]["message"]
    for url, payload, status, words in (
        (f"{doc}/@ocr-pages/7", {"text": "x"}, 404, "không có trang 7"),
        (f"{doc}/@ocr-pages/abc", {"text": "x"}, 400, "không phải là số trang"),
        (f"{doc}/@ocr-pages/1", {"text": "x" * 100_001}, 400, "quá dài"),
        (f"{doc}/@ocr-pages/1", {}, 400, "Thiếu nội dung"),
    ):
        bad = archivist.request("PATCH", url, json=payload)
        assert bad.status_code == status, (url, bad.text)
        assert words in bad.json()["error"]["message"]
        assert "Traceback" not in bad.text

    refused = archivist.request("POST", f"{doc}/@ocr-review/reject", json={})
    assert refused.status_code == 400
    assert "lý do" in refused.json()["error"]["message"]
    approved = archivist.request(
        "POST", f"{doc}/@ocr-review/approve", json={"comment": "Đã đối chiếu"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["review_state"] == "approved"
    assert approved.json()["decision"]["comment"] == "Đã đối chiếu"
    queue_codes = [
        item["code"] for item in archivist.request("GET", "@ocr-review").json()["items"]
    ]
    assert http["codes"]["B"] not in queue_codes
    journal = archivist.request("GET", f"{doc}/@journal").json()["items"]
    actions_done = [entry["action"] for entry in journal]
    assert "ocr_corrected" in actions_done
    assert actions_done[-1] == "ocr_approved"
    rejected = archivist.request(
        "POST", f"{http['docs']['D']}/@ocr-review/reject", json={"comment": "Mờ"}
    )
    assert rejected.json()["review_state"] == "rejected"
    journal = archivist.request("GET", f"{http['docs']['D']}/@journal").json()["items"]
    assert journal[-1]["action"] == "ocr_rejected"
    assert journal[-1]["comment"] == "Mờ"


FILE_KEYS = {
    "name",
    "content_type",
    "role",
    "kind",
    "source",
    "size",
    "sha256",
    "created",
    "download",
}


def test_rest_pages_describe_their_files_as_record_files_does(http):
    """A page's image file in @ocr-pages is serialize_file's: the shape of @record-files."""
    archivist = http["archivist"]
    doc = http["docs"]["B"]
    listed = archivist.request("GET", f"{doc}/@ocr-pages").json()["items"]
    record_files = archivist.request("GET", f"{doc}/@record-files").json()["items"]
    by_name = {item["name"]: item for item in record_files}
    page = listed[0]
    assert set(page["file"]) == FILE_KEYS
    assert page["file"] == by_name["page-0001.png"]
    assert (page["file"]["role"], page["file"]["kind"]) == ("derivative", "clean-page")
    assert page["file"]["download"] == f"{doc}/@@record-file/page-0001.png"
    assert page["image"] == f"{doc}/@@ocr-page-image/1"  # kept: the review's image
    download = archivist.request("GET", page["file"]["download"], accept=None)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == page["file"]["sha256"]
    assert len(download.content) == page["file"]["size"]
    detail = archivist.request("GET", page["@id"]).json()
    assert detail["file"] == page["file"]


def review_urls(http):
    doc = http["docs"]["B"]
    return [
        ("GET", f"{http['site']}/@@ocr-review", None),
        ("GET", f"{doc}/@@ocr-review", None),
        ("POST", f"{doc}/@@ocr-review", None),
        ("GET", f"{http['published']}/@@ocr-review", None),
    ], [
        ("GET", f"{http['site']}/@ocr-review", None),
        ("GET", f"{doc}/@ocr-review", None),
        ("GET", f"{http['published']}/@ocr-review", None),
        ("POST", f"{doc}/@ocr-review/approve", {"comment": "x"}),
        ("POST", f"{doc}/@ocr-review/reject", {"comment": "x"}),
        ("GET", f"{doc}/@ocr-pages", None),
        ("GET", f"{doc}/@ocr-pages/1", None),
        ("GET", f"{http['published']}/@ocr-pages/1", None),
        ("PATCH", f"{doc}/@ocr-pages/1", {"text": "x"}),
        ("PATCH", f"{http['published']}/@ocr-pages/1", {"text": "x"}),
    ]


@pytest.mark.parametrize("who", ["anonymous", "reader", "appraiser"])
def test_who_is_not_staff_is_refused_everywhere(http, who):
    client = http[who]
    pages, services = review_urls(http)
    for method, url, _payload in pages:
        response = client.request(method, url, accept="text/html")
        # Plone sends them to its login page (insufficient privileges), nothing else; under
        # a record they may not see, the page is not there (the trust guard).
        assert response.status_code in (302, 401, 403, 404), (who, method, url)
        if response.status_code == 302:
            assert "require_login" in response.headers["Location"]
        assert "vnarchive-review" not in response.text
        assert "Traceback" not in response.text
    for method, url, payload in services:
        response = client.request(method, url, json=payload)
        assert response.status_code in (401, 403, 404), (
            who,
            method,
            url,
            response.status_code,
        )
        assert "Traceback" not in response.text
    # The record page itself shows no review box to them.
    record_page = client.request("GET", http["published"], accept="text/html")
    assert "vnarchive-review-status" not in record_page.text
    front_page = client.request("GET", http["site"], accept="text/html")
    assert front_page.status_code == 200
    assert "vnarchive-review-queue-link" not in front_page.text
    # The page image follows the record's permissions: who cannot see the (not public)
    # record cannot see its pages either (the appraisal council may: it sees the record).
    image = client.request(
        "GET", f"{http['docs']['B']}/@@ocr-page-image/1", accept=None
    )
    if who == "appraiser":
        assert image.status_code == 200
    else:
        assert image.status_code in (302, 401, 403, 404)
    # Nothing changed.
    archivist = http["archivist"]
    page = archivist.request("GET", f"{http['docs']['B']}/@ocr-pages/1").json()
    assert page["version"] == 0
    assert (
        archivist.request("GET", f"{http['docs']['B']}/@ocr-review").json()[
            "review_state"
        ]
        == "pending"
    )


def test_forms_need_the_authenticator(http):
    """A forged form post (no CSRF token) changes nothing."""
    archivist = http["archivist"]
    doc = http["docs"]["B"]
    response = archivist.request(
        "POST",
        f"{doc}/@@ocr-review",
        data={"form.save": "1", "page": "1", "text": "giả mạo"},
        accept="text/html",
    )
    assert response.status_code == 403
    assert "Traceback" not in response.text
    page = archivist.request("GET", f"{doc}/@ocr-pages/1").json()
    assert page["text"] == TEXTS["low"]
    response = archivist.request(
        "POST",
        f"{doc}/@@ocr-review",
        data={"form.approve": "1", "comment": ""},
        accept="text/html",
    )
    assert response.status_code == 403
    assert (
        archivist.request("GET", f"{doc}/@ocr-review").json()["review_state"]
        == "pending"
    )


def test_review_screen_form_saves_with_the_authenticator(http):
    archivist = http["archivist"]
    doc = http["docs"]["B"]
    record_page = archivist.request("GET", doc, accept="text/html").text
    assert "vnarchive-review-status" in record_page
    assert f"{doc}/@@ocr-review" in record_page
    screen = archivist.request("GET", f"{doc}/@@ocr-review", accept="text/html")
    assert screen.status_code == 200
    html = screen.text
    assert "Trang 1" in html
    assert "Qnyết" in html
    assert 'class="vnarchive-low-box"' in html  # the low-confidence word on the image
    token = re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)
    corrected = TEXTS["low"].replace("Qnyết", "Quyết")
    response = archivist.request(
        "POST",
        f"{doc}/@@ocr-review",
        data={
            "form.save": "1",
            "page": "1",
            "version": "0",
            "text": corrected.replace("\n", "\r\n"),
            "_authenticator": token,
        },
        accept="text/html",
    )
    assert response.status_code == 302
    page = archivist.request("GET", f"{doc}/@ocr-pages/1").json()
    assert page["text"] == corrected
    # An error keeps what was typed and says what to do.
    response = archivist.request(
        "POST",
        f"{doc}/@@ocr-review",
        data={
            "form.save": "1",
            "page": "1",
            "version": "0",
            "text": "bản gõ của tôi",
            "_authenticator": token,
        },
        accept="text/html",
    )
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.text
    assert "bản gõ của tôi" in response.text
    response = archivist.request(
        "POST",
        f"{doc}/@@ocr-review",
        data={"form.reject": "1", "comment": "", "_authenticator": token},
        accept="text/html",
    )
    assert "Hãy ghi lý do từ chối" in response.text


# -- The PDF/A follows the corrected text ------------------------------------------


def run_queue(site, jobs):
    """Run the queued jobs as a worker does; [(job, outcome)]."""
    from vnarchive.digitization import worker

    huey = jobs.get_huey()
    worker._current.update(site=site, id="review-test", job=None)
    done = []
    while (message := huey.dequeue()) is not None:
        done.append((message.args[0], huey.execute(message)))
        transaction.abort()
    return done


def test_pdfa_is_rebuilt_with_the_corrected_text(
    functional_portal, functional_holdings, queue_db, tmp_path
):
    """Real OCR of a page, a correction, the real rebuild job: pdftotext reads the fix."""
    from helpers import document_data
    from io import BytesIO
    from vnarchive.digitization.ocr import ocr_page
    from vnarchive.digitization.samples import render_page
    from vnarchive.digitization.tasks.records import pdfa_name
    from vnarchive.digitization.tasks.records import PDFA_REBUILT
    from vnarchive.policy.records import create_record

    import subprocess

    portal = functional_portal
    as_user(portal, USERS["Archivist"])
    doc = create_record(
        functional_holdings[PROCESSING_DOSSIER],
        "ArchivalDocument",
        document_data(subjectText="Quyết định số 12"),
    )
    image = render_page(
        "Quyết định số 12 năm 1975\nvề việc thu thập tài liệu lưu trữ",
        dpi=300,
        size="a6",
    )
    page_text = ocr_page(image, "vie", 300)
    assert "1975" in page_text.text
    png = BytesIO()
    image.save(png, format="PNG", dpi=(300, 300))
    files = IRecordFiles(doc)
    files.set_derivative(
        "page-0001.png", png.getvalue(), "image/png", kind="clean-page"
    )
    files.page(1, create=True).set_text(
        page_text.text,
        source="ocr",
        confidence=page_text.confidence,
        words=page_text.to_dict(),
        language="vi",
    )
    doc.reindexObject()
    transaction.commit()
    assert jobs.length() == 0

    corrected = page_text.text.replace("1975", "1976")
    actions.save_correction(doc, 1, corrected)
    transaction.commit()  # the rebuild is asked for when the correction is committed
    assert jobs.length() == 1
    login(portal, TEST_USER_NAME)

    assert run_queue(portal, jobs) == [("build", "built")]
    transaction.begin()
    pdf = IRecordFiles(doc).get(pdfa_name(doc))
    assert pdf.kind == "pdfa"
    path = tmp_path / "rebuilt.pdf"
    path.write_bytes(pdf.read())
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "1976" in extracted
    assert "1975" not in extracted
    assert "Quyết định" in extracted
    assert entries(doc)[-1]["action"] == PDFA_REBUILT


def test_page_image_falls_back_to_the_master_for_those_who_may_download_it(
    holdings, portal
):
    from vnarchive.digitization.review.images import page_image
    from zExceptions import NotFound

    doc = holdings[PUBLISHED_DOCUMENT]  # a published document with a master scan
    IRecordFiles(doc).page(1, create=True).set_text("văn bản", source="ocr")
    data, content_type = page_image(doc, 1, may_masters=True)
    assert content_type == "image/png"
    assert data.startswith(b"\x89PNG")
    assert page_image(doc, 1, may_masters=False) is None
    assert page_image(doc, 2, may_masters=True) is None
    as_user(portal, USERS["Archivist"])
    view = api.content.get_view("ocr-page-image", doc, portal.REQUEST)
    view.publishTraverse(portal.REQUEST, "1")
    assert view().startswith(b"\x89PNG")
    for number in ("2", "abc"):
        view = api.content.get_view("ocr-page-image", doc, portal.REQUEST)
        view.publishTraverse(portal.REQUEST, number)
        with pytest.raises(NotFound):
            view()
    # A page without word boxes (text typed in, or from another tool) is reviewed too.
    html = api.content.get_view("ocr-review", doc, portal.REQUEST)()
    assert "@@ocr-page-image/1" in html
    assert 'class="vnarchive-low-box"' not in html
    login(portal, TEST_USER_NAME)


def test_the_master_page_is_shown_beside_the_cleaned_one_to_compare(holdings, portal):
    """Before and after clean-up: the scan as imported next to the cleaned page."""
    from PIL import Image
    from zExceptions import NotFound

    doc = holdings[PUBLISHED_DOCUMENT]  # a published document with a master scan
    cleaned = io.BytesIO()
    Image.new("L", (40, 60), 255).save(cleaned, "PNG")
    files = IRecordFiles(doc)
    files.set_derivative(
        "page-0001.png", cleaned.getvalue(), "image/png", kind="clean-page"
    )
    files.page(1, create=True).set_text("văn bản", source="ocr")
    master_url = f"{doc.absolute_url()}/@@ocr-page-image/1/master"

    as_user(portal, USERS["Archivist"])
    html = api.content.get_view("ocr-review", doc, portal.REQUEST)()
    assert master_url in html
    view = api.content.get_view("ocr-page-image", doc, portal.REQUEST)
    view.publishTraverse(portal.REQUEST, "1")
    assert view() == cleaned.getvalue()  # the page itself is the cleaned one
    view = api.content.get_view("ocr-page-image", doc, portal.REQUEST)
    view.publishTraverse(portal.REQUEST, "1")
    view.publishTraverse(portal.REQUEST, "master")
    master = Image.open(io.BytesIO(view()))
    assert master.size != (40, 60)  # the scan, not the cleaned page
    view = api.content.get_view("ocr-page-image", doc, portal.REQUEST)
    view.publishTraverse(portal.REQUEST, "1")
    view.publishTraverse(portal.REQUEST, "master")
    with pytest.raises(NotFound):
        view.publishTraverse(portal.REQUEST, "master")

    # A registered reader sees the published record and its cleaned page, never the master.
    as_user(portal, USERS["ArchiveReader"])
    view = api.content.get_view("ocr-page-image", doc, portal.REQUEST)
    view.publishTraverse(portal.REQUEST, "1")
    view.publishTraverse(portal.REQUEST, "master")
    with pytest.raises(NotFound):
        view()
    login(portal, TEST_USER_NAME)


# -- Listings in batches: plone.restapi's `batching` block -----------------------------------


def test_review_queue_comes_in_batches(http):
    archivist = http["archivist"]
    whole = archivist.request("GET", "@ocr-review").json()
    codes = [item["code"] for item in whole["items"]]
    assert whole["items_total"] == len(codes) == 4
    assert "batching" not in whole  # one batch: no links, as in plone.restapi

    first = archivist.request("GET", "@ocr-review?b_size=3").json()
    assert first["items_total"] == 4
    assert [item["code"] for item in first["items"]] == codes[:3]
    links = first["batching"]
    assert set(links) == {"@id", "first", "last", "next"}
    assert "b_start=3" in links["next"]
    assert "b_start=3" in links["last"]
    second = archivist.request("GET", links["next"]).json()
    assert [item["code"] for item in second["items"]] == codes[3:]
    assert set(second["batching"]) == {"@id", "first", "last", "prev"}
    middle = archivist.request("GET", "@ocr-review?b_size=2&b_start=1").json()
    assert [item["code"] for item in middle["items"]] == codes[1:3]

    assert len(archivist.request("GET", "@ocr-review?b_size=1000").json()["items"]) == 4
    bad = archivist.request("GET", "@ocr-review?b_size=abc")
    assert bad.status_code == 400
    assert "Traceback" not in bad.text
    assert bad.json()["error"]["type"] == "BadRequest"  # the services' own error shape
