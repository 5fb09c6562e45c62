"""Asking for a certified copy (the form and POST @copies): checked, registered, sent to
the workers. Nothing is made in the request: the "copy" job makes, signs and stores it.

    entry = issue_copy(site, record, requester, pages, by, site_url)

refuses with `CopyRefused` (its `doc()` says why, for people) when the record is not a
published, public record with a PDF/A, when signing or the seal is not set up, when the
requester is not named or the pages are not the record's. Otherwise the copy is
registered with the next number (pending), the job is asked for in the same transaction
(its message goes when it commits; the ledger of `signatures.work` keeps the work if a
worker dies) and the record's journal notes who asked for which copy — not for whom:
the requester's personal data stay in the register.
"""

from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.indexers import main_code
from vnarchive.digitization import _
from vnarchive.digitization.copies import pages as selection
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies.certificate import page_ranges
from vnarchive.digitization.copies.document import CopyBuildError
from vnarchive.digitization.copies.document import page_count
from vnarchive.digitization.copies.rules import copy_settings
from vnarchive.digitization.copies.rules import reasons_not_to_issue
from vnarchive.digitization.copies.rules import record_pdfa
from vnarchive.digitization.signatures import work
from vnarchive.digitization.tasks.records import record_languages
from vnarchive.policy.journal import record as journal


COPY = work.COPY  # the job (tasks/copies.py), in the ledger of signatures.work
REGISTERED = "copy_registered"  # journal actions on the record
ISSUED = "copy_issued"
FAILED = "copy_failed"
REVOKED = "copy_revoked"

LIMITS = {"name": 200, "identity": 200, "purpose": 1000}
REQUIRED = ("name", "identity")


class CopyRefused(ArchivalValidationError):
    """A copy that cannot be issued as asked; `doc()` says why."""


def requester_data(values):
    """{"name", "identity", "purpose"} from a form or JSON, checked (`CopyRefused`)."""
    values = values if isinstance(values, dict) else {}
    data = {key: " ".join(str(values.get(key) or "").split()) for key in LIMITS}
    for key in REQUIRED:
        if not data[key]:
            raise CopyRefused(
                _(
                    "copy_error_requester_missing",
                    default="Hãy ghi họ tên người yêu cầu và số giấy tờ tùy thân (căn "
                    "cước, hộ chiếu) hoặc tên cơ quan, tổ chức yêu cầu.",
                )
            )
    for key, limit in LIMITS.items():
        if len(data[key]) > limit:
            raise CopyRefused(
                _(
                    "copy_error_requester_long",
                    default="Thông tin người yêu cầu quá dài (tối đa ${limit} ký tự "
                    "mỗi mục).",
                    mapping={"limit": limit},
                )
            )
    return data


def check_record(record):
    """Raise `CopyRefused` when no copy of `record` can be issued now (record or set-up);
    the number of pages of its PDF/A otherwise."""
    reasons = reasons_not_to_issue(record)
    if reasons:
        raise CopyRefused(reasons[0])
    _settings, error = copy_settings()
    if error is not None:
        raise CopyRefused(error.doc())
    stored = record_pdfa(record)
    try:
        with stored.open() as stream:
            return page_count(stream)
    except CopyBuildError as error:
        raise CopyRefused(
            _(
                "copy_refused_pdfa_unreadable",
                default="Không đọc được bản PDF/A của tài liệu (${detail}); hãy tạo lại "
                "bản PDF/A rồi cấp bản sao.",
                mapping={"detail": str(error)[:200]},
            )
        ) from error


def issue_copy(site, record, requester, pages, by, site_url):
    """Register a copy of `record` for `requester` (pages: "1-3, 5", a list, or empty
    for all) and ask the workers to make it; the pending `CopyEntry`."""
    total = check_record(record)
    person = requester_data(requester)
    try:
        chosen = selection.parse_pages(pages, total)
    except selection.PageSelectionError as error:
        raise CopyRefused(error.doc()) from error
    kind = selection.kind_of(chosen, total)
    uid = record.UID()
    entry = register.register_copy(
        site,
        uid,
        kind,
        chosen,
        total,
        person,
        code=main_code(record),
        title=record.Title(),
        language=record_languages(record)[0],
        requested_by=by,
    )
    entry.verify_url = f"{site_url}/@@verify/{entry.number}"
    work.ask(site, COPY, uid, name=entry.number, by=by)
    journal(record, REGISTERED, copy=entry.number, kind=kind, page=page_ranges(chosen))
    return entry


def revoke_copy(record, entry, by, reason):
    """Withdraw an issued copy (`CopyRefused` when it is not issued, or no reason)."""
    reason = " ".join(str(reason or "").split())[:1000]
    if entry.state != register.ISSUED:
        raise CopyRefused(
            _(
                "copy_error_revoke_state",
                default="Chỉ thu hồi được bản sao đã cấp; bản sao ${number} đang ở "
                "trạng thái “${state}”.",
                mapping={"number": entry.number, "state": entry.state},
            )
        )
    if not reason:
        raise CopyRefused(
            _("copy_error_revoke_reason", default="Hãy ghi lý do thu hồi bản sao.")
        )
    register.revoke(entry, by, reason)
    journal(record, REVOKED, copy=entry.number, reason=reason)
