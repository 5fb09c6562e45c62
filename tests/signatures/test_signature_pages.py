"""Signatures on the pages, over HTTP: batch signing after review with its progress (page
and REST, POST with the CSRF token only), what staff see when signing is not set up, the
record's "Chữ ký số" section and @signatures for whoever may View the record, and the
generic prober: a secret record's signatures never reach Anonymous, a reader or a curator."""

from datetime import datetime
from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOCUMENT
from helpers import USERS
from pki import ARCHIVE
from prober import Channel
from prober import channels_for
from prober import Prober
from prober import Target
from prober import Visitor
from review_data import set_pages
from signature_records import approve
from signature_records import build
from signature_records import document_with_pages
from signature_records import dossier  # noqa: F401 - a fixture
from signature_records import run_jobs
from signature_records import signing  # noqa: F401 - a fixture
from signature_records import site  # noqa: F401 - a fixture
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.signatures import work
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.policy.journal import entries
from zoneinfo import ZoneInfo

import pytest
import re
import requests
import transaction


ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
CURATOR = (USERS["Curator"], DEMO_PASSWORD)
JSON = {"Accept": "application/json"}
TOKEN = re.compile(
    r'name="_authenticator"\s+type="hidden"\s+value="([^"]+)"|'
    r'name="_authenticator"\s+value="([^"]+)"'
)


def token_of(html):
    found = TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


@pytest.fixture
def batch(site, dossier):
    """A finished batch of three built documents: two approved, one still in review."""
    records = []
    for number in (51, 52, 53):
        record = document_with_pages(site, dossier, f"Quyết định số {number} ký số")
        assert build(site, record) == [("build", "built")]
        records.append(record)
    approve(site, records[0])
    approve(site, records[1])
    made = model.add_batch(site, "folder", "/srv/import/lo-ky-so", USERS["Archivist"])
    made.state = model.DONE
    for position, record in enumerate(records, start=1):
        document = made.add_document(f"{position:05d}", record.docId, position)
        document.uid = record.UID()
        document.state = model.DOC_BUILT
        document.pdfa = pdfa_name(record)
    transaction.commit()
    return made.id, records


def batch_url(site, batch_id):
    return f"{site.absolute_url()}/@@batches/{batch_id}"


def signing_of(site, batch_id):
    answer = requests.get(
        f"{site.absolute_url()}/@batches/{batch_id}",
        auth=ARCHIVIST,
        headers=JSON,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["signing"]


def signed(record):
    return [e for e in entries(record) if e["action"] == "pdfa_signed"]


def test_batch_signing_after_review_with_progress(site, batch, signing):
    batch_id, (first, second, unreviewed) = batch
    page = requests.get(batch_url(site, batch_id), auth=ARCHIVIST, timeout=60)
    assert "Ký số các tài liệu đã duyệt" in page.text
    assert signing_of(site, batch_id)["ready"] == 2
    token = token_of(page.text)

    # POST only, with the page's token: otherwise refused and nothing asked for.
    url = f"{batch_url(site, batch_id)}/sign"
    assert requests.get(url, auth=ARCHIVIST, timeout=60).status_code == 403
    refused = requests.post(url, auth=ARCHIVIST, allow_redirects=False, timeout=60)
    assert refused.status_code == 403
    assert queue.length() == 0
    asked = requests.post(
        url,
        data={"_authenticator": token},
        auth=ARCHIVIST,
        allow_redirects=False,
        timeout=60,
    )
    assert asked.status_code == 302
    assert queue.length() == 2  # the approved ones; no worker ran in the request
    progress = signing_of(site, batch_id)
    assert (progress["signed"], progress["to_sign"], progress["failed"]) == (0, 2, 0)
    assert progress["active"]
    assert progress["ready"] == 0

    # A correction comes in before the workers get to the second one.
    from helpers import as_user
    from plone.app.testing import login
    from plone.app.testing import TEST_USER_NAME
    from vnarchive.digitization.review import actions as review

    transaction.begin()
    as_user(site, USERS["Archivist"])
    review.save_correction(second, 1, "Quyết định số 52 sửa lại")
    login(site, TEST_USER_NAME)
    transaction.commit()
    outcomes = run_jobs(site)
    assert sorted(o for o in outcomes if o[0] == "sign") == [
        ("sign", "not ready"),
        ("sign", "signed"),
    ]
    progress = signing_of(site, batch_id)
    assert (progress["signed"], progress["to_sign"], progress["failed"]) == (1, 0, 1)
    (failure,) = progress["failures"]
    assert failure["label"] == second.docId
    assert "chưa được duyệt" in failure["reason"]  # plain Vietnamese
    assert signed(first)
    assert not signed(second)
    assert not signed(unreviewed)
    html = requests.get(batch_url(site, batch_id), auth=ARCHIVIST, timeout=60).text
    assert "chưa được duyệt" in html
    assert 'class="signing-signed"' in html

    # Approved again, signed through REST (JSON: no form token needed).
    transaction.begin()
    approve(site, second)
    answer = requests.post(
        f"{site.absolute_url()}/@batches/{batch_id}/sign",
        json={},
        auth=ARCHIVIST,
        headers=JSON,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["asked"] == 1
    run_jobs(site)
    progress = signing_of(site, batch_id)
    assert (progress["signed"], progress["to_sign"], progress["failed"]) == (2, 0, 0)
    assert not work.has_open(site)


def test_signing_not_set_up_asks_for_nothing_and_staff_see_why(site, batch):
    batch_id, (first, _second, _third) = batch
    page = requests.get(batch_url(site, batch_id), auth=ARCHIVIST, timeout=60).text
    assert "Chữ ký số chưa được thiết lập trên máy chủ" in page
    assert "VNARCHIVE_SIGNING_KIND" in page  # what the operator has to set
    assert "Ký số các tài liệu đã duyệt" not in page  # no button
    # Asked anyway (a form kept open, a script): refused, nothing enqueued.
    form = requests.get(
        f"{site.absolute_url()}/@@import-batch", auth=ARCHIVIST, timeout=60
    )
    requests.post(
        f"{batch_url(site, batch_id)}/sign",
        data={"_authenticator": token_of(form.text)},
        auth=ARCHIVIST,
        timeout=60,
    )
    answer = requests.post(
        f"{site.absolute_url()}/@batches/{batch_id}/sign",
        json={},
        auth=ARCHIVIST,
        headers=JSON,
        timeout=60,
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "SigningError"
    assert "Chưa cấu hình chữ ký số" in answer.json()["error"]["message"]
    assert queue.length() == 0
    assert not work.has_open(site)
    record_page = requests.get(first.absolute_url(), auth=ARCHIVIST, timeout=60).text
    assert "Bản PDF/A chưa được ký số." in record_page
    assert "Chữ ký số chưa được thiết lập trên máy chủ" in record_page


@pytest.fixture
def published(site, functional_holdings):
    """The published demo document with OCR pages, approved, and its PDF/A built (and
    signed when signing is set up)."""
    record = functional_holdings[PUBLISHED_DOCUMENT]
    set_pages(record, [("Báo cáo tổng kết công tác lưu trữ năm 2010", 93.0)])
    transaction.commit()
    approve(site, record)
    build(site, record)
    return record


def test_staff_only_see_that_signing_is_not_set_up(published):
    staff = requests.get(published.absolute_url(), auth=ARCHIVIST, timeout=60).text
    assert "Chữ ký số chưa được thiết lập trên máy chủ" in staff
    for auth in (None, READER):
        page = requests.get(published.absolute_url(), auth=auth, timeout=60)
        assert page.status_code == 200
        assert published.Title() in page.text
        assert "Chữ ký số" not in page.text  # nothing signed: no section at all
        answer = requests.get(
            f"{published.absolute_url()}/@signatures",
            auth=auth,
            headers=JSON,
            timeout=60,
        ).json()
        assert answer["files"] == []
        assert "pdfa" not in answer


@pytest.fixture
def signed_published(signing, published):
    return published


@pytest.mark.parametrize(
    "auth", [None, READER, ARCHIVIST], ids=["anonymous", "reader", "archivist"]
)
def test_the_record_shows_its_signature_to_whoever_may_view_it(signed_published, auth):
    record = signed_published
    (entry,) = signed(record)
    when = datetime.fromisoformat(entry["signed_at"]).astimezone(
        ZoneInfo("Asia/Ho_Chi_Minh")
    )
    page = requests.get(record.absolute_url(), auth=auth, timeout=60)
    assert page.status_code == 200
    assert "Chữ ký số" in page.text
    assert ">hợp lệ<" in page.text
    assert ARCHIVE in page.text
    assert when.strftime("%d/%m/%Y %H:%M") in page.text  # Vietnam time
    assert "B-LTA" in page.text
    assert ("Bản PDF/A đã được cơ quan lưu trữ ký số." in page.text) is (
        auth == ARCHIVIST
    )
    answer = requests.get(
        f"{record.absolute_url()}/@signatures", auth=auth, headers=JSON, timeout=60
    ).json()
    assert answer["status"] == ["valid"]
    (shown,) = answer["files"]
    assert (shown["name"], shown["origin"]) == (pdfa_name(record), "archive")
    (signature,) = shown["signatures"]
    assert signature["signer"] == ARCHIVE
    assert signature["level"] == "B-LTA"
    assert signature["signed_at_local"] == when.strftime("%d/%m/%Y %H:%M")
    assert ("pdfa" in answer) is (auth == ARCHIVIST)


MARKER = "zqkysobimat"
MISSING_UID = "0" * 32


@pytest.fixture
def secret_signed(site, functional_holdings, signing, pdfa, pki):
    """The secret demo document with a signed PDF master (marker in its name), verified."""
    from plone.app.testing import login
    from plone.app.testing import setRoles
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import TEST_USER_NAME
    from vnarchive.digitization.signing import sign_pdf
    from vnarchive.policy.files import add_master_file

    record = functional_holdings[SECRET_DOCUMENT]
    setRoles(site, TEST_USER_ID, ["Manager"])
    login(site, TEST_USER_NAME)
    add_master_file(
        record, f"{MARKER}.pdf", sign_pdf(pdfa, pki.settings()), "application/pdf"
    )
    setRoles(site, TEST_USER_ID, ["Member"])
    transaction.commit()
    assert ("verify_signatures", "valid") in run_jobs(site)
    return record


def test_the_prober_finds_no_leak_of_a_secret_records_signatures(site, secret_signed):
    record = secret_signed
    url = record.absolute_url()
    # An empty answer cannot pass: the archivist sees the section and the status.
    staff = requests.get(url, auth=ARCHIVIST, timeout=60).text
    assert f"{MARKER}.pdf" in staff
    assert ">hợp lệ<" in staff
    found = requests.get(
        f"{site.absolute_url()}/@search",
        params={"signature_status": "valid", "UID": record.UID()},
        auth=ARCHIVIST,
        headers=JSON,
        timeout=60,
    ).json()
    assert found["items_total"] == 1

    offered = channels_for(record)
    ours = [Channel("service", "@signatures"), Channel("view", "@@view")]
    assert all(channel in offered for channel in ours)  # found, not listed by hand
    markers = (MARKER, record.Title(), record.UID(), SECRET_DOCUMENT)
    twin = Target("missing", f"{url.rsplit('/', 1)[0]}/9999")
    root = site.absolute_url()
    batches = [
        Channel("view", "@@batches"),
        Channel("view", "@@batches/x/sign", "POST"),
        Channel("service", "@batches"),
        Channel("service", "@batches/x/sign", "POST"),
        Channel("service", "@search"),
    ]
    asking = Target(
        "site", root, params={"signature_status": "valid", "UID": record.UID()}
    )
    asking_twin = Target(
        "site", root, params={"signature_status": "valid", "UID": MISSING_UID}
    )
    prober = Prober(
        [Visitor("anonymous"), Visitor("reader", READER), Visitor("curator", CURATOR)],
        workers=2,
    )
    report = prober.probe(
        [
            (Target("secret", url, markers=markers), twin, ours, markers),
            (asking, asking_twin, batches, markers),
        ]
    )
    print(report.summary())
    assert report.probes >= 2 * 3 * (len(ours) + len(batches))
    assert report.failures == set()
    assert [str(leak) for leak in report.leaks] == []
