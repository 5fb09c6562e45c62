"""The "copy" job: a certified copy made, signed with the archive's seal, checked, stored.

    claim (commit) -> read the PDF/A and the entry, abort
      -> certification page (WeasyPrint) + the record's pages (pikepdf) as PDF/A-2b
      -> sign_pdf with the seal -> verify_pdf -> store if still ours (commit)

Asked for by `copies.issue.issue_copy` (the form, POST @copies) for one registered copy:
its task sits in the ledger of `signatures.work` (job "copy", record UID, copy number), so
the sweeper sends it again when a worker dies. The copy goes into its register entry
(not among the record's files: a copy is not part of the archival record) with its
SHA-256, and the record's journal gets `copy_issued` (copy number, SHA-256, signer,
level), acting as the staff member who asked. A record withdrawn or made secret before
the copy was made, a seal or certificate that does not work, pages the PDF/A no longer
has: the copy fails with the reason (`copy_failed`); a timestamp authority or a token
that is away is tried again.
"""

from dataclasses import replace
from datetime import datetime
from typing import NamedTuple
from vnarchive.content.errors import message_text
from vnarchive.digitization import _
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies.certificate import Certificate
from vnarchive.digitization.copies.certificate import CertificateError
from vnarchive.digitization.copies.certificate import KIND_TITLES
from vnarchive.digitization.copies.certificate import render_certificate
from vnarchive.digitization.copies.certificate import seal_rect
from vnarchive.digitization.copies.document import assemble
from vnarchive.digitization.copies.document import CopyBuildError
from vnarchive.digitization.copies.issue import COPY
from vnarchive.digitization.copies.issue import FAILED
from vnarchive.digitization.copies.issue import ISSUED
from vnarchive.digitization.copies.rules import copy_settings
from vnarchive.digitization.copies.rules import reasons_not_to_issue
from vnarchive.digitization.copies.rules import record_pdfa
from vnarchive.digitization.jobs import job
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signing import Seal
from vnarchive.digitization.signing import sign_pdf
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing import verify_pdf
from vnarchive.digitization.signing.appearance import vietnam_time
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.ledger import LedgerTask
from vnarchive.digitization.tasks.ledger import run_task
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.sign import TRANSIENT
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.policy.journal import record as journal
from ZODB.POSException import ConflictError

import hashlib
import logging


logger = logging.getLogger("vnarchive.digitization")

VALID = "valid"


class _Claim(NamedTuple):
    token: str
    sha256: str  # of the record's PDF/A when claimed
    requested_by: str | None


class _Made(NamedTuple):
    data: bytes  # the signed copy
    report: object  # the archive's SignatureReport
    agency: str
    when: datetime


class CopyRefused(Exception):
    """What was made is not what the archive issues (a reason people read)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PdfaChanged(Exception):
    """The record's PDF/A changed after the claim: made again from the new one."""


@job(COPY)
def make_copy(site, uid, number, worker=None):
    """Make copy `number` of record `uid`: certification page, pages, seal, signature."""
    return run_task(_Making(site, uid, number), worker)


class _Making(LedgerTask):
    """The steps of one copy, each in its own transaction (`write`, `read`)."""

    def __init__(self, site, uid, number):
        super().__init__(site, uid, work.task_key(COPY, uid, number))
        self.number = number

    # ---- claim ----

    def claim(self, worker):
        """A `_Claim`, or None when there is nothing to do (`outcome` says why)."""
        token = work.claim(self.site, self.key, worker)
        if token is None:
            return None
        entry = register.get_entry(self.site, self.number)
        if entry is None or entry.state != register.PENDING:
            work.finish(self.site, self.key)  # made already (a duplicate message)
            return None
        task = work.get(self.site, self.key)
        if token == work.EXHAUSTED:
            self._give_up(task.error or _attempts(task.attempts))
            return None
        record = find_record(self.site, self.uid)
        reasons = reasons_not_to_issue(record) if record is not None else [GONE]
        if reasons:
            self._give_up(text(reasons[0]))
            return None
        return _Claim(token, record_pdfa(record).sha256, task.requested_by)

    # ---- the work ----

    def run(self, claimed):
        settings, error = copy_settings()
        try:
            if error is not None:
                raise error
            pdfa, certificate = read(lambda: self.load(claimed))
            made = _make(pdfa, certificate, settings)
        except ConflictError:
            raise
        except SigningError as refused:
            if refused.code in TRANSIENT:
                return self._again(claimed, str(refused))
            return self._failed(claimed, str(refused))
        except (CopyRefused, CopyBuildError, CertificateError) as refused:
            return self._failed(claimed, _reason(refused))
        except PdfaChanged:
            return self._again(claimed, None)
        except Exception as failure:
            logger.warning("copy %s failed", self.number, exc_info=True)
            return self._again(claimed, failure_reason(failure))
        return write(lambda: self.save(claimed, made))

    def load(self, claimed):
        """(the record's PDF/A, the `Certificate` of the copy) as they are now."""
        record = find_record(self.site, self.uid)
        stored = record_pdfa(record) if record is not None else None
        data = stored.read() if stored is not None else b""
        if hashlib.sha256(data).hexdigest() != claimed.sha256:
            raise PdfaChanged()
        entry = register.get_entry(self.site, self.number)
        certificate = Certificate(
            number=entry.number,
            kind=entry.kind,
            agency="",  # the signing settings' agency, set by _make
            code=entry.code,
            title=entry.title,
            pages=entry.pages,
            total_pages=entry.total_pages,
            issued=None,
            requester=entry.requester.get("name", ""),
            verify_url=entry.verify_url,
        )
        return data, (certificate, entry.language)

    def save(self, claimed, made):
        """Store the signed copy in its entry if the task is still ours."""
        if work.held(self.site, self.key, claimed.token) is None:
            return "stale"  # re-leased after our lease expired: the other worker writes
        entry = register.get_entry(self.site, self.number)
        record = find_record(self.site, self.uid)
        reasons = reasons_not_to_issue(record) if record is not None else [GONE]
        if reasons:  # withdrawn or made secret meanwhile
            self._give_up(text(reasons[0]))
            return "failed"
        register.issued(entry, made.data, made.report, made.agency, made.when)
        journal(
            record,
            ISSUED,
            copy=entry.number,
            sha256=entry.sha256,
            signer=made.report.signer,
            level=made.report.level,
            signed_at=entry.signed_at,
        )
        work.finish(self.site, self.key)
        self.outcome = "issued"
        return "issued"

    # ---- outcomes ----

    def _give_up(self, reason):
        """The copy fails for good: its entry and the record's journal say why."""
        work.finish(self.site, self.key)
        entry = register.get_entry(self.site, self.number)
        if entry is not None and entry.state == register.PENDING:
            register.failed(entry, reason)
        record = find_record(self.site, self.uid)
        if record is not None:
            journal(record, FAILED, copy=self.number, reason=reason)
        self.outcome = "failed"


GONE = _(
    "copy_refused_record_gone",
    default="Tài liệu của bản sao không còn trong hệ thống.",
)


def _make(pdfa, facts, settings):
    """The signed copy (`_Made`): certification page, the pages, the seal; checked."""
    certificate, language = facts
    when = vietnam_time()
    certificate = replace(certificate, agency=settings.agency, issued=when.date())
    page = render_certificate(certificate)
    title = f"{message_text(KIND_TITLES[certificate.kind])} {certificate.number}"
    unsigned = assemble(page, pdfa, certificate.pages, title, language)
    seal = Seal(settings.seal, seal_rect(), 0)
    signed = sign_pdf(unsigned, settings, when=when, seal=seal)
    if not signed.startswith(unsigned):
        raise CopyRefused(
            _(
                "copy_error_not_incremental",
                default="Bản đã ký không giữ nguyên nội dung bản sao chưa ký; không lưu.",
            )
        )
    reports = verify_pdf(signed, settings)
    if not reports or reports[-1].status != VALID:
        raise CopyRefused(
            _(
                "copy_error_not_valid",
                default="Chữ ký số vừa tạo trên bản sao không hợp lệ khi kiểm tra lại "
                "(${problem}); bản sao không được lưu.",
                mapping={"problem": (reports[-1].problem if reports else "") or "?"},
            )
        )
    return _Made(signed, reports[-1], settings.agency, when)


def _reason(error):
    if isinstance(error, CopyRefused):
        return text(error.message)
    if isinstance(error, CopyBuildError | CertificateError):
        return text(
            _(
                "copy_error_build",
                default="Không tạo được bản sao PDF/A (${detail}).",
                mapping={"detail": str(error)[:300]},
            )
        )
    return failure_reason(error)


def _attempts(count):
    return text(
        _(
            "copy_error_attempts",
            default="Đã thử tạo bản sao ${count} lần mà không xong (tiến trình xử lý "
            "nền dừng giữa chừng).",
            mapping={"count": count},
        )
    )
