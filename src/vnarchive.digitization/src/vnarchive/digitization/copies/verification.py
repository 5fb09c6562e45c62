"""What the public verification page (`@@verify/<number>`, `@verify`) says about a copy.

Anyone may ask, so the answer holds no personal data (the requester is never named, nor
the staff who issued it or the reason of a revocation) and reveals no record that is not
public:

- the verdict: *genuine* when the register has the copy, issued and not revoked, the
  stored bytes still have the SHA-256 registered and the archive's signature in them is
  valid (`verify_pdf`, offline); otherwise revoked, pending, failed (never issued),
  altered (the stored bytes changed) or signature not valid;
- always: the copy number, the date of issue and the issuing archive;
- only while the record is public (Anonymous may see it now, `rules.is_public`): what the
  copy certifies (archival code, title and pages, as registered), its SHA-256 and its
  signature (signer, time, level). A record since withdrawn, made secret, or gone is
  not described: the page says only that the copy was issued on that day and whether it
  is genuine, the same for every such record, so that nobody learns from it what became
  of a record they may not see;
- an uploaded file (or a SHA-256 given) is compared with the registered copy: identical
  or not, and whether the upload's signature is valid. That is about the file the person
  holds, whatever became of the record.

Checking a stored copy's signature takes pyHanko a moment: the result is kept in this
process for a few minutes per copy and hash.
"""

from vnarchive.digitization import _
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies.certificate import KIND_TITLES
from vnarchive.digitization.copies.certificate import page_ranges
from vnarchive.digitization.copies.rules import is_public
from vnarchive.digitization.signatures.display import LEVEL_TITLES
from vnarchive.digitization.signatures.display import STATUS_TITLES
from vnarchive.digitization.signatures.display import vietnam_time
from vnarchive.digitization.signatures.rules import signing_settings
from vnarchive.digitization.signatures.store import report_data
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing import verify_pdf
from vnarchive.digitization.tasks.records import find_record
from zope.i18n import translate

import hashlib
import re
import threading
import time


GENUINE = "genuine"
REVOKED = "revoked"
PENDING = "pending"
FAILED = "failed"
ALTERED = "altered"
NOT_VALID = "signature_not_valid"
VALID = "valid"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
CACHE_SECONDS = 600
CACHE_SIZE = 256

VERDICTS = {
    GENUINE: _(
        "copy_verdict_genuine",
        default="Bản sao hợp lệ: do cơ quan lưu trữ cấp ngày ${date}, còn giá trị, "
        "chữ ký số hợp lệ.",
    ),
    REVOKED: _(
        "copy_verdict_revoked",
        default="Bản sao này đã bị cơ quan lưu trữ thu hồi ngày ${revoked}; không còn "
        "giá trị.",
    ),
    PENDING: _(
        "copy_verdict_pending",
        default="Bản sao này đã được đăng ký nhưng chưa được cấp (đang tạo).",
    ),
    FAILED: _(
        "copy_verdict_failed",
        default="Bản sao có số này đã không được cấp; không có bản sao hợp lệ nào mang "
        "số này.",
    ),
    ALTERED: _(
        "copy_verdict_altered",
        default="Bản sao lưu trong sổ đăng ký không còn nguyên vẹn; hãy liên hệ cơ quan "
        "lưu trữ.",
    ),
    NOT_VALID: _(
        "copy_verdict_signature",
        default="Chữ ký số của bản sao không được xác nhận hợp lệ; hãy liên hệ cơ quan "
        "lưu trữ.",
    ),
}
NOT_PUBLIC = _(
    "copy_record_not_public",
    default="Nội dung tài liệu được sao hiện không công khai nên không được hiển thị "
    "tại đây.",
)

_cache = {}
_lock = threading.Lock()


def _settings():
    settings, _error = signing_settings()
    return settings  # None: the trust anchors of the environment (verify_pdf)


def _reports(data):
    """verify_pdf's reports on `data` ([] for a file that cannot be read)."""
    try:
        return verify_pdf(data, _settings())
    except SigningError:
        return []


def stored_reports(entry):
    """(SHA-256 of the stored bytes, reports on them), kept CACHE_SECONDS."""
    key = (entry.number, entry.sha256)
    now = time.monotonic()
    with _lock:
        found = _cache.get(key)
    if found is not None and now - found[0] < CACHE_SECONDS:
        return found[1]
    data = entry.read()
    value = (hashlib.sha256(data).hexdigest(), _reports(data))
    with _lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = (now, value)
    return value


def _verdict(entry):
    """(verdict, the archive's SignatureReport or None) of copy `entry` as stored."""
    if entry.state in (register.PENDING, register.FAILED):
        return entry.state, None
    sha256, reports = stored_reports(entry)
    if sha256 != entry.sha256:
        return ALTERED, None
    report = reports[-1] if reports else None
    if report is None or report.status != VALID:
        return NOT_VALID, report
    return (REVOKED if entry.state == register.REVOKED else GENUINE), report


def _t(message, request):
    return translate(message, context=request) if message is not None else ""


def _day(value):
    """dd/mm/yyyy in Vietnam of an ISO time ("" for none)."""
    return vietnam_time(value)[:10] if value else ""


def _iso_day(value):
    """yyyy-mm-dd in Vietnam of an ISO time (None for none)."""
    if not value:
        return None
    day, month, year = _day(value).split("/")
    return f"{year}-{month}-{day}"


def _signature(report, request):
    data = report_data(report)
    return {
        "status": data["status"],
        "status_title": _t(STATUS_TITLES.get(data["status"]), request),
        "signer": data["signer"],
        "signed_at": data["signed_at"],
        "signed_at_local": vietnam_time(data["signed_at"]),
        "level": data["level"],
        "level_title": _t(LEVEL_TITLES.get(data["level"]), request),
        "problem": data["problem"],
    }


def _described(site, entry):
    """The record of the copy when it is public now, else None."""
    record = find_record(site, entry.record_uid)
    return record if record is not None and is_public(record) else None


def _certified(entry, record, report, request):
    """What a copy of a public record certifies, with its hash and signature."""
    return {
        "kind": entry.kind,
        "kind_title": _t(KIND_TITLES.get(entry.kind), request),
        "archival_code": entry.code,
        "title": entry.title,
        "pages": page_ranges(entry.pages),
        "page_count": len(entry.pages),
        "total_pages": entry.total_pages,
        "url": record.absolute_url(),
        "sha256": entry.sha256,
        "signature": _signature(report, request) if report is not None else None,
    }


def check(site, entry, request):
    """The public answer about copy `entry` (plain data, translated for `request`)."""
    verdict, report = _verdict(entry)
    issued = _day(entry.issued_at)
    message = VERDICTS[verdict]
    mapping = {"date": issued, "revoked": _day(entry.revoked_at)}
    answer = {
        "number": entry.number,
        "genuine": verdict == GENUINE,
        "verdict": verdict,
        "message": translate(message, mapping=mapping, context=request),
        "issued": _iso_day(entry.issued_at),
        "issued_local": issued or None,
        "issuer": entry.agency or None,
        "record_public": False,
        "certifies": None,
    }
    issued_once = entry.state in (register.ISSUED, register.REVOKED)
    record = _described(site, entry) if issued_once else None
    if record is not None:
        answer["record_public"] = True
        answer["certifies"] = _certified(entry, record, report, request)
    elif issued_once:
        answer["record_note"] = _t(NOT_PUBLIC, request)
    return answer


NO_SIGNATURE = _(
    "copy_upload_no_signature",
    default="Tệp không có chữ ký số, hoặc không phải tệp PDF đọc được.",
)


def compare(entry, request, data=None, sha256=None):
    """A file someone holds (its bytes, or only its SHA-256) against the registered
    copy: {"identical", "sha256", "signature_valid", "signer", "problem"}."""
    issued_once = entry.state in (register.ISSUED, register.REVOKED)
    if data is not None:
        sha256 = hashlib.sha256(data).hexdigest()
    sha256 = str(sha256 or "").strip().lower()
    found = {
        "identical": bool(issued_once and sha256 and sha256 == entry.sha256),
        "sha256": sha256 if SHA256.match(sha256) else None,
        "signature_valid": None,
        "signer": None,
        "problem": None,
    }
    if data is not None:
        reports = _reports(data)
        last = reports[-1] if reports else None
        found["signature_valid"] = last is not None and last.status == VALID
        found["signer"] = last.signer if last is not None else None
        found["problem"] = (
            last.problem if last is not None else _t(NO_SIGNATURE, request)
        )
        found["problem"] = found["problem"] or None
    return found
