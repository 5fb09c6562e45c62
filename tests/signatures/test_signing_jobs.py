"""The "sign" job in the workers: a reviewed record's PDF/A signed with the archive's
certificate (real pyHanko, the test PKI, a real timestamp authority), verified, stored in
place of the unsigned one; an unreviewed one left alone; a rebuilt one signed again;
nothing asked for when signing is not set up; a worker that dies loses nothing."""

from pki import ARCHIVE
from signature_records import approve
from signature_records import build
from signature_records import document_with_pages
from signature_records import dossier  # noqa: F401 - a fixture
from signature_records import run_jobs
from signature_records import signing  # noqa: F401 - a fixture
from signature_records import site  # noqa: F401 - a fixture
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import queue
from vnarchive.digitization.signatures import rules
from vnarchive.digitization.signatures import store
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signing import verify_pdf
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.policy.journal import entries

import hashlib
import time
import transaction


def pdfa(record):
    return IRecordFiles(record).get(pdfa_name(record))


def actions(record):
    return [entry["action"] for entry in entries(record)]


def test_a_reviewed_record_is_signed_by_the_job(site, dossier, signing, pki):
    record = document_with_pages(site, dossier, "Quyết định số 31 về lưu trữ")
    assert build(site, record) == [("build", "built")]  # the review is not complete
    unsigned = pdfa(record).read()
    approve(site, record)

    assert rules.sign_when_ready(site, record)
    transaction.commit()
    assert run_jobs(site) == [("sign", "signed")]

    stored = pdfa(record)
    signed = stored.read()
    assert stored.name == pdfa_name(record)  # in place of the unsigned PDF/A
    assert (stored.kind, stored.source) == ("pdfa", "signed")
    assert signed.startswith(unsigned)  # an incremental update: nothing is lost
    assert stored.sha256 == hashlib.sha256(signed).hexdigest()

    (report,) = verify_pdf(signed, pki.settings())
    assert report.status == "valid", report.problem
    assert report.level == "B-LTA"  # B-LT with the archive timestamp on top
    assert report.whole_document
    assert rules.pdfa_signed(record)

    entry = [e for e in entries(record) if e["action"] == "pdfa_signed"][-1]
    assert entry["signer"] == report.signer == ARCHIVE
    assert entry["level"] == "B-LTA"
    assert entry["unsigned_sha256"] == hashlib.sha256(unsigned).hexdigest()
    assert entry["sha256"] == stored.sha256
    assert entry["actor"] == "vnarchive-digitization"
    assert entry["signed_at"] == store.report_data(report)["signed_at"]
    catalog = site.portal_catalog
    assert [
        b.UID
        for b in catalog.unrestrictedSearchResults(
            signature_status="valid", UID=record.UID()
        )
    ] == [record.UID()]
    assert not work.has_open(site)  # the ledger holds open work only


def test_an_unreviewed_record_is_not_signed(site, dossier, signing):
    record = document_with_pages(site, dossier, "Báo cáo số 32 chưa duyệt")

    assert build(site, record) == [("build", "built")]  # no "sign" asked for
    assert pdfa(record).source == "ocr"
    assert not rules.pdfa_signed(record)
    # Asked anyway (a duplicate message, a batch that raced a correction): nothing signed.
    work.ask(site, work.SIGN, record.UID())
    transaction.commit()
    assert run_jobs(site) == [("sign", "not ready")]
    assert pdfa(record).source == "ocr"
    assert "pdfa_signed" not in actions(record)
    assert store.record_statuses(record) == ["unsigned"]


def test_a_rebuilt_pdfa_is_signed_again(site, dossier, signing, pki):
    from vnarchive.digitization.review import actions as review

    record = document_with_pages(site, dossier, "Công văn số 33 sửa lại")
    approve(site, record)
    build(site, record)
    first = pdfa(record).sha256
    assert rules.pdfa_signed(record)

    # A correction after approval: the PDF/A is rebuilt (its signature is gone) and,
    # once approved again, signed again.
    from helpers import as_user
    from plone.app.testing import login
    from plone.app.testing import TEST_USER_NAME

    as_user(site, "luutruvien")
    review.save_correction(
        record, 1, "Công văn số 33 đã sửa\nTrang 1 về công tác lưu trữ"
    )
    review.approve(record, "Duyệt lại sau khi sửa")
    login(site, TEST_USER_NAME)
    transaction.commit()
    assert run_jobs(site) == [("build", "built"), ("sign", "signed")]

    again = pdfa(record)
    assert again.sha256 != first
    assert again.source == "signed"
    (report,) = verify_pdf(again.read(), pki.settings())
    assert report.status == "valid", report.problem
    assert actions(record).count("pdfa_signed") == 2
    assert actions(record).index("pdfa_rebuilt") < len(actions(record)) - 1


def test_an_old_signature_does_not_cover_a_rebuilt_pdfa(site, dossier, signing):
    record = document_with_pages(site, dossier, "Tờ trình số 34")
    approve(site, record)
    build(site, record)
    assert store.record_statuses(record) == ["valid"]
    # Rebuilt while the review is open again: unsigned, and the catalog says so.
    from helpers import as_user
    from plone.app.testing import login
    from plone.app.testing import TEST_USER_NAME
    from vnarchive.digitization.review import actions as review

    as_user(site, "luutruvien")
    review.save_correction(record, 1, "Tờ trình số 34 đang sửa")
    login(site, TEST_USER_NAME)
    transaction.commit()
    assert run_jobs(site) == [("build", "built")]
    assert not rules.pdfa_signed(record)
    assert store.record_statuses(record) == ["unsigned"]
    catalog = site.portal_catalog
    assert (
        len(
            catalog.unrestrictedSearchResults(
                signature_status="valid", UID=record.UID()
            )
        )
        == 0
    )
    assert (
        len(
            catalog.unrestrictedSearchResults(
                signature_status="unsigned", UID=record.UID()
            )
        )
        == 1
    )


def test_signing_not_set_up_asks_for_nothing(site, dossier):
    record = document_with_pages(site, dossier, "Quyết định số 35 không ký")
    approve(site, record)

    assert build(site, record) == [("build", "built")]
    assert queue.length() == 0
    assert not work.has_open(site)
    settings, error = rules.signing_settings()
    assert settings is None
    assert error.code == "not_configured"


def test_a_signature_that_fails_is_journaled_with_its_reason(
    site, dossier, signing, pki, monkeypatch
):
    record = document_with_pages(site, dossier, "Quyết định số 36 chứng thư thu hồi")
    approve(site, record)
    # The operator configured the revoked certificate: refused before signing.
    monkeypatch.setenv("VNARCHIVE_SIGNING_PKCS12", str(pki.paths["revoked"]))

    assert build(site, record) == [("build", "built"), ("sign", "failed")]
    assert pdfa(record).source == "ocr"  # the unsigned PDF/A stays as it was
    failed = [e for e in entries(record) if e["action"] == "pdfa_signing_failed"]
    assert "thu hồi" in failed[-1]["reason"]
    assert "Traceback" not in failed[-1]["reason"]
    assert not work.has_open(site)


def test_a_dead_worker_loses_no_signature(site, dossier, signing, monkeypatch):
    """The worker dies after claiming (its lease stays, its message is gone); the
    sweeper sends the task again once the lease expired, and another worker signs."""
    from vnarchive.digitization.tasks.sweep import sweep

    record = document_with_pages(site, dossier, "Quyết định số 37 tiến trình dừng")
    build(site, record)
    approve(site, record)
    monkeypatch.setenv("VNARCHIVE_LEASE_SECONDS", "1")
    key = work.task_key(work.SIGN, record.UID())
    work.ask(site, work.SIGN, record.UID())
    transaction.commit()
    queue.flush()  # the message went with the worker that took it
    token = work.claim(site, key, "dead-worker")
    transaction.commit()
    assert run_jobs(site) == []
    assert work.get(site, key).token == token

    time.sleep(1.2)
    assert sweep(site)["signatures"] == 1
    transaction.commit()
    assert run_jobs(site) == [("sign", "signed")]
    assert rules.pdfa_signed(record)
    assert not work.has_open(site)
