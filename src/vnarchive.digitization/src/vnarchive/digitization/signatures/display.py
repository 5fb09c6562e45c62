"""The signatures of a record as people read them: the record's section and `@signatures`.

`summary(record, request)` is what both show: per signed file its status in plain words,
who signed, when (Vietnam time, dd/mm/yyyy HH:MM), the PAdES level and the problem if
any. Anyone who may View the record sees that (the trust guard stops the others before any
of this runs); a master's name only to those who may download masters. Staff ("vnarchive:
Manage files") also see whether the archive's PDF/A is signed and, if not, why: its review
is not complete, or signing is not set up on the server.
"""

from datetime import datetime
from plone import api
from vnarchive.content.files import MASTER
from vnarchive.digitization import _
from vnarchive.digitization.signatures import rules
from vnarchive.digitization.signatures import runs
from vnarchive.digitization.signatures import store
from vnarchive.policy.permissions import DOWNLOAD_MASTERS
from vnarchive.policy.permissions import MANAGE_FILES
from zoneinfo import ZoneInfo
from zope.i18n import translate


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
TIME_FORMAT = "%d/%m/%Y %H:%M"

STATUS_TITLES = {
    store.VALID: _("signature_status_valid", default="hợp lệ"),
    store.INVALID: _("signature_status_invalid", default="không hợp lệ"),
    store.UNKNOWN_SIGNER: _(
        "signature_status_unknown_signer", default="không xác định được người ký"
    ),
    store.UNSIGNED: _("signature_status_unsigned", default="chưa ký số"),
}
LEVEL_TITLES = {
    "B-B": _("signature_level_b_b", default="chữ ký cơ bản, không có dấu thời gian"),
    "B-T": _("signature_level_b_t", default="có dấu thời gian"),
    "B-LT": _(
        "signature_level_b_lt",
        default="có dấu thời gian và dữ liệu kiểm tra lâu dài",
    ),
    "B-LTA": _(
        "signature_level_b_lta",
        default="có dấu thời gian, dữ liệu kiểm tra lâu dài và dấu thời gian lưu trữ",
    ),
}
MASTER_LABEL = _("signature_file_master", default="Tệp gốc")
NOT_SET_UP = _(
    "signing_not_set_up",
    default="Chữ ký số chưa được thiết lập trên máy chủ: bản PDF/A của tài liệu sẽ "
    "không được ký cho đến khi quản trị hệ thống cấu hình chứng thư số của cơ quan.",
)


def vietnam_time(value):
    """An ISO time as dd/mm/yyyy HH:MM in Vietnam time ("" when there is none)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    return moment.astimezone(VIETNAM).strftime(TIME_FORMAT)


def _t(message, request):
    return translate(message, context=request) if message is not None else ""


def _signature(item, request):
    level = item.get("level") or ""
    return {
        "status": item["status"],
        "status_title": _t(STATUS_TITLES.get(item["status"]), request),
        "signer": item.get("signer") or "",
        "signed_at": item.get("signed_at"),
        "signed_at_local": vietnam_time(item.get("signed_at")),
        "level": level,
        "level_title": _t(LEVEL_TITLES.get(level), request),
        "problem": item.get("problem") or "",
    }


def _file(stored, entry, request, may_see_masters):
    hidden = stored.role == MASTER and not may_see_masters
    status = store.file_status(entry)
    return {
        "name": None if hidden else stored.name,
        "label": _t(MASTER_LABEL, request) if hidden else stored.name,
        "role": stored.role,
        "kind": stored.kind,
        "origin": entry.get("origin"),
        "status": status,
        "status_title": _t(STATUS_TITLES[status], request),
        "checked": entry.get("checked"),
        "signatures": [
            _signature(item, request) for item in entry.get("signatures") or ()
        ],
        "problem": entry.get("problem") or "",
    }


def _may(permission, record):
    return bool(api.user.has_permission(permission, obj=record))


def files(record, request, staff=False):
    """The record's checked files: those with a signature, and for staff the others."""
    may_see_masters = _may(DOWNLOAD_MASTERS, record)
    shown = []
    for stored, entry in sorted(store.current(record), key=lambda pair: pair[0].name):
        if entry.get("signatures") or (staff and entry.get("problem")):
            shown.append(_file(stored, entry, request, may_see_masters))
    return shown


def pdfa_state(record, request):
    """For staff: the record's PDF/A and why it is not signed (None without a PDF/A)."""
    stored = rules.record_pdfa(record)
    if stored is None:
        return None
    signed = rules.pdfa_signed(record)
    reasons = [] if signed else list(rules.review_reasons(record))
    settings, error = rules.signing_settings()
    if not signed and error is not None:
        reasons.insert(0, NOT_SET_UP)
    return {
        "name": stored.name,
        "signed": signed,
        "configured": settings is not None,
        "reasons": [_t(reason, request) for reason in reasons],
        "setup_problem": _t(error.doc(), request) if error is not None else "",
    }


def summary(record, request):
    """What the record's "Chữ ký số" section and `@signatures` show to this user."""
    staff = _may(MANAGE_FILES, record)
    data = {
        "status": store.record_statuses(record),
        "files": files(record, request, staff),
    }
    if staff:
        data["pdfa"] = pdfa_state(record, request)
    return data


def batch_signing(site, batch, request):
    """Batch signing for the batch page and `@batches/<id>`: `configured`,
    `setup_problem` (why not, for staff), `ready`, `signed`, `to_sign`, `failed`,
    `failures` (document, label, reason in plain Vietnamese), `active`."""
    data = runs.overview(site, batch)
    error = data.pop("setup_error")
    data["setup_problem"] = _t(error.doc(), request) if error is not None else ""
    return data
