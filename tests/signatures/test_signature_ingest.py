"""Born-digital signed PDFs that come in are verified by the workers: uploaded (POST
@record-files, as the upload form does) or imported with a batch. The outcome is kept on
the record, journaled, indexed (`signature_status`) and shown; a tampered signature is
invalid, a PDF without one unsigned. Real pyHanko signatures made with the test PKI."""

from batches import document
from batches import document_fields
from batches import make_batch
from batches import start
from helpers import DEMO_PASSWORD
from helpers import USERS
from pki import ARCHIVE
from signature_records import document_with_pages
from signature_records import dossier  # noqa: F401 - a fixture
from signature_records import run_jobs
from signature_records import signing  # noqa: F401 - a fixture
from signature_records import site  # noqa: F401 - a fixture
from vnarchive.digitization.signatures import store
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signing import sign_pdf
from vnarchive.policy.journal import entries

import base64
import pytest
import requests
import transaction


ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)


@pytest.fixture(scope="module")
def signed_pdf(pdfa, pki):
    """A born-digital PDF signed by someone the archive trusts (the test PKI)."""
    return sign_pdf(pdfa, pki.settings())


def tampered(signed, title="Quyết định về công tác lưu trữ"):
    """The same bytes with three letters of the signed title changed."""
    at = signed.index(title.encode())
    return signed[:at] + b"QUY" + signed[at + 3 :]


def upload(record, name, data):
    """POST @record-files as the archivist's upload does; the answer."""
    answer = requests.post(
        f"{record.absolute_url()}/@record-files",
        json={
            "filename": name,
            "data": base64.b64encode(data).decode(),
            "content-type": "application/pdf",
        },
        auth=ARCHIVIST,
        headers={"Accept": "application/json"},
        timeout=120,
    )
    assert answer.status_code == 201, answer.text
    return answer


def verified(record):
    return [e for e in entries(record) if e["action"] == "signatures_verified"]


def indexed(site, record, status):
    catalog = site.portal_catalog
    return len(
        catalog.unrestrictedSearchResults(UID=record.UID(), signature_status=status)
    )


def test_an_uploaded_signed_pdf_is_verified_journaled_indexed_and_shown(
    site, dossier, signing, signed_pdf
):
    record = document_with_pages(site, dossier, "Văn bản điện tử đã ký số 41", pages=0)
    assert indexed(site, record, "unsigned") == 1  # before: nothing signed
    upload(record, "van-ban-41.pdf", signed_pdf)
    transaction.begin()
    assert work.get(site, work.task_key(work.VERIFY, record.UID(), "van-ban-41.pdf"))

    outcomes = run_jobs(site)
    assert ("verify_signatures", "valid") in outcomes
    (entry,) = verified(record)
    assert (entry["file"], entry["status"], entry["signatures"]) == (
        "van-ban-41.pdf",
        "valid",
        1,
    )
    assert entry["signers"] == [ARCHIVE]
    assert indexed(site, record, "valid") == 1
    assert indexed(site, record, "unsigned") == 0
    (kept,) = [
        kept for stored, kept in store.current(record) if stored.role == "master"
    ]
    assert kept["origin"] == "received"
    (report,) = kept["signatures"]
    assert (report["status"], report["level"], report["signer"]) == (
        "valid",
        "B-B",
        ARCHIVE,
    )

    page = requests.get(record.absolute_url(), auth=ARCHIVIST, timeout=60)
    assert page.status_code == 200
    assert "Chữ ký số" in page.text
    assert "van-ban-41.pdf" in page.text
    assert 'data-status="valid"' in page.text
    assert ">hợp lệ<" in page.text
    assert ARCHIVE in page.text
    rest = requests.get(
        f"{record.absolute_url()}/@signatures",
        auth=ARCHIVIST,
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert rest["status"] == ["valid"]
    (shown,) = rest["files"]
    assert shown["name"] == "van-ban-41.pdf"
    assert shown["signatures"][0]["status_title"] == "hợp lệ"
    found = requests.get(
        f"{site.absolute_url()}/@search",
        params={"signature_status": "valid", "UID": record.UID()},
        auth=ARCHIVIST,
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert [item["@id"] for item in found["items"]] == [record.absolute_url()]


def test_a_tampered_signature_shows_invalid(site, dossier, signing, signed_pdf):
    record = document_with_pages(site, dossier, "Văn bản bị sửa sau khi ký 42", pages=0)
    upload(record, "bi-sua.pdf", tampered(signed_pdf))
    assert ("verify_signatures", "invalid") in run_jobs(site)

    (entry,) = verified(record)
    assert entry["status"] == "invalid"
    assert indexed(site, record, "invalid") == 1
    page = requests.get(record.absolute_url(), auth=ARCHIVIST, timeout=60).text
    assert 'data-status="invalid"' in page
    assert ">không hợp lệ<" in page
    assert "Nội dung đã ký bị thay đổi" in page  # the problem, in plain Vietnamese


def test_an_unsigned_pdf_is_unsigned(site, dossier, signing, pdfa):
    record = document_with_pages(site, dossier, "Văn bản chưa ký 43", pages=0)
    upload(record, "chua-ky.pdf", pdfa)
    assert ("verify_signatures", "unsigned") in run_jobs(site)

    (entry,) = verified(record)
    assert (entry["status"], entry["signatures"]) == ("unsigned", 0)
    assert indexed(site, record, "unsigned") == 1
    assert store.record_statuses(record) == ["unsigned"]
    rest = requests.get(
        f"{record.absolute_url()}/@signatures",
        auth=ARCHIVIST,
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert rest["files"] == []  # nothing signed to show


def test_an_unknown_signer_without_trust_anchors(site, dossier, signed_pdf):
    """Signing not set up and no anchors configured: intact, but nobody vouches for the
    signer."""
    record = document_with_pages(site, dossier, "Văn bản của cơ quan khác 44", pages=0)
    upload(record, "co-quan-khac.pdf", signed_pdf)
    assert ("verify_signatures", "unknown_signer") in run_jobs(site)
    assert indexed(site, record, "unknown_signer") == 1
    page = requests.get(record.absolute_url(), auth=ARCHIVIST, timeout=60).text
    assert ">không xác định được người ký<" in page


def test_a_signed_pdf_imported_with_a_batch_is_verified(
    site, signing, signed_pdf, queue_db
):
    folder = queue_db / "import" / "lo-ky-so"
    folder.mkdir()
    (folder / "van-ban-ky-so.pdf").write_bytes(signed_pdf)
    make_batch(
        folder,
        documents=[document("van-ban-ky-so.pdf", **document_fields(45, docOrdinal=45))],
    )
    start(site, folder)

    outcomes = run_jobs(site)
    assert ("verify_signatures", "valid") in outcomes, outcomes
    (brain,) = site.portal_catalog.unrestrictedSearchResults(
        signature_status="valid", portal_type="ArchivalDocument"
    )
    record = brain._unrestrictedGetObject()
    (entry,) = verified(record)
    assert entry["file"].endswith(".pdf")
    assert entry["status"] == "valid"


def test_full_text_searches_through_solr_filter_on_the_signature_status(
    solr_portal, solr_holdings, solr_server, queue_db, signing, signed_pdf
):
    """A search with words goes to Solr (collective.solr): the status is a Solr field
    there too, updated when the workers verify the file, so the filter is not dropped."""
    from helpers import PROCESSING_DOSSIER

    site = solr_portal
    record = document_with_pages(
        site, solr_holdings[PROCESSING_DOSSIER], "Nghị quyết zqsolrkyso số 46", pages=0
    )
    upload(record, "nghi-quyet-46.pdf", signed_pdf)
    assert ("verify_signatures", "valid") in run_jobs(site)
    assert record.UID() in solr_server.uids("signature_status:valid")

    def found(status):
        answer = requests.get(
            f"{site.absolute_url()}/@search",
            params={"SearchableText": "zqsolrkyso", "signature_status": status},
            auth=ARCHIVIST,
            headers={"Accept": "application/json"},
            timeout=60,
        ).json()
        return [item["@id"] for item in answer["items"]]

    assert found("valid") == [record.absolute_url()]
    assert found("invalid") == []
