"""The register of a record's copies as staff read it: the @@issue-copy page and @copies.

`entry_data(entry, record_url, request)` is one copy with everything the register holds,
the requester included (personal data: only the pages and services of staff who may
issue copies call this); `register_data` adds whether a copy may be issued now and why
not.
"""

from vnarchive.digitization import _
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies.certificate import KIND_TITLES
from vnarchive.digitization.copies.certificate import page_ranges
from vnarchive.digitization.copies.rules import copy_settings
from vnarchive.digitization.copies.rules import reasons_not_to_issue
from vnarchive.digitization.signatures.display import vietnam_time
from zope.i18n import translate


STATE_TITLES = {
    register.PENDING: _("copy_state_pending", default="Đang tạo"),
    register.ISSUED: _("copy_state_issued", default="Đã cấp"),
    register.FAILED: _("copy_state_failed", default="Không tạo được"),
    register.REVOKED: _("copy_state_revoked", default="Đã thu hồi"),
}


def _t(message, request):
    return translate(message, context=request) if message is not None else ""


def download_url(record_url, entry):
    return f"{record_url}/@@issue-copy/{entry.number}.pdf"


def entry_data(entry, record_url, request):
    """One copy of the register, for staff."""
    has_file = entry.state in (register.ISSUED, register.REVOKED)
    return {
        "number": entry.number,
        "state": entry.state,
        "state_title": _t(STATE_TITLES.get(entry.state), request),
        "kind": entry.kind,
        "kind_title": _t(KIND_TITLES.get(entry.kind), request),
        "pages": list(entry.pages),
        "pages_text": page_ranges(entry.pages),
        "total_pages": entry.total_pages,
        "archival_code": entry.code,
        "title": entry.title,
        "requester": dict(entry.requester),
        "requested_by": entry.requested_by,
        "registered_at": entry.registered_at,
        "registered_local": vietnam_time(entry.registered_at),
        "issued_at": entry.issued_at or None,
        "issued_local": vietnam_time(entry.issued_at),
        "agency": entry.agency or None,
        "signer": entry.signer or None,
        "level": entry.level or None,
        "sha256": entry.sha256,
        "size": entry.size,
        "error": entry.error or None,
        "revoked_at": entry.revoked_at or None,
        "revoked_by": entry.revoked_by or None,
        "revoke_reason": entry.revoke_reason or None,
        "verify_url": entry.verify_url,
        "download": download_url(record_url, entry) if has_file else None,
    }


def register_data(site, record, request):
    """{"items": the record's copies (newest first), "items_total", "can_issue",
    "reasons": why not (texts)} for staff."""
    url = record.absolute_url()
    items = [
        entry_data(entry, url, request)
        for entry in register.entries_for(site, record.UID())
    ]
    reasons = [_t(reason, request) for reason in reasons_not_to_issue(record)]
    if not reasons:
        _settings, error = copy_settings()
        if error is not None:
            reasons.append(_t(error.doc(), request))
    return {
        "items": items,
        "items_total": len(items),
        "can_issue": not reasons,
        "reasons": reasons,
    }
