"""The "sign" job: the archive's signature on a record's PDF/A, checked, stored in its place.

    claim (commit) -> read the PDF/A, abort -> sign, verify -> write if still ours (commit)

Sent by the build job after a PDF/A is (re)built when signing is set up and the review is
complete, and by batch signing after review (`signatures.runs`). The signed file is the
unsigned one plus an incremental update (`signing.sign_pdf`), so it replaces the unsigned
PDF/A under the same name and nothing is lost; it is stored only once `verify_pdf` finds
the archive's signature valid. A record whose review is not complete is not signed; a
PDF/A rebuilt while it was being signed is signed again from its new bytes.
"""

from typing import NamedTuple
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization.jobs import job
from vnarchive.digitization.signatures import rules
from vnarchive.digitization.signatures import runs
from vnarchive.digitization.signatures import store
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signing import sign_pdf
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing import verify_pdf
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.ledger import LedgerTask
from vnarchive.digitization.tasks.ledger import run_task
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.records import PDFA
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.digitization.viewer import convert
from vnarchive.policy.journal import record as journal
from vnarchive.policy.workflow.closed import RecordClosed
from ZODB.POSException import ConflictError

import hashlib
import logging


logger = logging.getLogger("vnarchive.digitization")

PDFA_SIGNED = "pdfa_signed"  # journal action: the archive signed the record's PDF/A
SIGNING_FAILED = "pdfa_signing_failed"  # journal action: it could not
SIGNED_SOURCE = "signed"  # the stored PDF/A's `source` once signed
# Problems that may go away by themselves: the timestamp authority or the token away.
TRANSIENT = ("timestamp", "token_missing")


class _Claim(NamedTuple):
    token: str
    name: str  # the PDF/A's file name
    sha256: str  # of the bytes to sign
    requested_by: str | None


class SigningRefused(Exception):
    """The signed file is not what the archive stores (a reason people read)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@job("sign")
def sign_record(site, uid, worker=None):
    """Sign the PDF/A of record `uid` with the archive's certificate; verify; store."""
    return run_task(_Signing(site, uid), worker)


class _Signing(LedgerTask):
    """The steps of one signature, each in its own transaction (`write`, `read`)."""

    def __init__(self, site, uid):
        super().__init__(site, uid, work.task_key(work.SIGN, uid))

    # ---- claim ----

    def claim(self, worker):
        """A `_Claim`, or None when there is nothing to do (`outcome` says why)."""
        token = work.claim(self.site, self.key, worker)
        if token is None:
            return None
        if token == work.EXHAUSTED:
            task = work.get(self.site, self.key)
            self._give_up(task.error or _attempts(task.attempts))
            return None
        record = find_record(self.site, self.uid)
        if record is None:
            work.finish(self.site, self.key)
            return None
        if rules.pdfa_signed(record):
            self.outcome = "already signed"
            runs.note(self.site, work.finish(self.site, self.key), runs.SIGNED)
            return None
        reasons = rules.reasons_not_to_sign(record)
        if reasons:
            self.outcome = "not ready"
            runs.note(
                self.site, work.finish(self.site, self.key), runs.FAILED, reasons[0]
            )
            return None
        stored = rules.record_pdfa(record)
        task = work.get(self.site, self.key)
        return _Claim(token, stored.name, stored.sha256, task.requested_by)

    # ---- the work ----

    def run(self, claimed):
        settings, error = rules.signing_settings()
        try:
            if error is not None:
                raise error
            data = read(lambda: self.load(claimed))
            signed, reports = _sign(data, settings)
        except ConflictError:
            raise
        except (SigningError, SigningRefused) as refused:
            if getattr(refused, "code", None) in TRANSIENT:
                return self._again(claimed, _reason(refused))
            return self._failed(claimed, _reason(refused))
        except Exception as failure:
            logger.warning("signing %s failed", self.uid, exc_info=True)
            return self._again(claimed, _reason(failure))
        try:
            outcome = write(lambda: self.save(claimed, signed, reports))
        except RecordClosed as closed:
            return self._failed(claimed, failure_reason(closed))
        if outcome == "signed":
            self._viewer()
        return outcome

    def load(self, claimed):
        record = find_record(self.site, self.uid)
        stored = IRecordFiles(record).get(claimed.name) if record is not None else None
        data = stored.read() if stored is not None else b""
        if hashlib.sha256(data).hexdigest() != claimed.sha256:
            raise SigningRefused(
                _(
                    "signing_error_pdfa_changed",
                    default="Bản PDF/A “${name}” đã thay đổi trong khi ký; sẽ ký lại "
                    "bản mới.",
                    mapping={"name": claimed.name},
                )
            )
        return data

    def save(self, claimed, signed, reports):
        """Store the signed PDF/A in place of the unsigned one if still ours and current."""
        if work.held(self.site, self.key, claimed.token) is None:
            return "stale"  # re-leased after our lease expired: the other worker writes
        record = find_record(self.site, self.uid)
        stored = rules.record_pdfa(record) if record is not None else None
        if stored is None or stored.sha256 != claimed.sha256:
            work.again(self.site, self.key, claimed.token)  # rebuilt meanwhile
            return "stale"
        if rules.review_reasons(record):  # a correction came in meanwhile
            task = work.finish(self.site, self.key)
            runs.note(self.site, task, runs.FAILED, rules.review_reasons(record)[0])
            return "not ready"
        signed_file = IRecordFiles(record).set_derivative(
            claimed.name, signed, "application/pdf", kind=PDFA, source=SIGNED_SOURCE
        )
        store.remember(record, signed_file, reports, store.ARCHIVE)
        record.reindexObject(idxs=["signature_status"])
        ours = reports[-1]
        journal(
            record,
            PDFA_SIGNED,
            file=claimed.name,
            sha256=signed_file.sha256,
            unsigned_sha256=claimed.sha256,
            signer=ours.signer,
            level=ours.level,
            signed_at=store.report_data(ours)["signed_at"],
        )
        runs.note(self.site, work.finish(self.site, self.key), runs.SIGNED)
        return "signed"

    # ---- outcomes ----

    def _give_up(self, reason):
        """The task fails for good: its batch run and the record's journal say why."""
        task = work.finish(self.site, self.key)
        runs.note(self.site, task, runs.FAILED, reason)
        record = find_record(self.site, self.uid)
        if record is not None:
            journal(record, SIGNING_FAILED, reason=reason)
        self.outcome = "failed"

    def _viewer(self):
        """The viewer's pages of the signed PDF/A (its first page shows the signature)."""
        try:
            write(lambda: convert(find_record(self.site, self.uid)))
        except Exception:
            logger.exception("viewer conversion of %s failed", self.uid)


def _sign(data, settings):
    """(signed bytes, reports): signed, extending `data`, and the archive's signature valid."""
    signed = sign_pdf(data, settings)
    if not signed.startswith(data):
        raise SigningRefused(
            _(
                "signing_error_not_incremental",
                default="Bản đã ký không giữ nguyên nội dung bản PDF/A chưa ký; không lưu.",
            )
        )
    reports = verify_pdf(signed, settings)
    if not reports or reports[-1].status != store.VALID:
        problem = reports[-1].problem if reports else ""
        raise SigningRefused(
            _(
                "signing_error_not_valid",
                default="Chữ ký vừa tạo không hợp lệ khi kiểm tra lại (${problem}); "
                "bản PDF/A chưa ký được giữ nguyên.",
                mapping={"problem": problem or "?"},
            )
        )
    return signed, reports


def _reason(error):
    """What went wrong, in plain Vietnamese (never a traceback)."""
    if isinstance(error, SigningRefused):
        return text(error.message)
    if isinstance(error, SigningError):
        return str(error)
    return failure_reason(error)


def _attempts(count):
    return text(
        _(
            "signing_error_attempts",
            default="Đã thử ký ${count} lần mà không xong (tiến trình xử lý nền dừng "
            "giữa chừng).",
            mapping={"count": count},
        )
    )
