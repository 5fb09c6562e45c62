"""When the archive signs: signing set up, a PDF/A to sign, its review complete.

- Signing is set up when `SigningSettings.from_environ()` succeeds (the
  `VNARCHIVE_SIGNING_*` variables of the web clients and the workers, docs/signatures.md).
- A record is signed once its OCR review is complete: the very rule the publication guard
  applies to unreviewed OCR text (`review.publication.OCRReviewCheck`), so a text nobody
  approved is never sealed with the archive's signature.
- Its PDF/A is the derivative the build job writes (`tasks.records.pdfa_name`, kind
  "pdfa"); it is signed while the record's signature entry for it (`store`) was made by the
  archive from the bytes it has now and its last signature is valid.
"""

from plone.uuid.interfaces import IUUID
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization.review.publication import OCRReviewCheck
from vnarchive.digitization.signatures import store
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing import SigningSettings
from vnarchive.digitization.tasks.records import PDFA
from vnarchive.digitization.tasks.records import pdfa_name


def signing_settings():
    """(settings, None) when signing is set up, else (None, the SigningError saying why)."""
    try:
        return SigningSettings.from_environ(), None
    except SigningError as error:
        return None, error


def configured():
    return signing_settings()[0] is not None


def record_pdfa(record):
    """The record's PDF/A (the stored file), or None."""
    files = IRecordFiles(record, None)
    stored = files.get(pdfa_name(record)) if files is not None else None
    if stored is None or stored.kind != PDFA:
        return None
    return stored


def pdfa_signature(record):
    """The current entry of the archive's signature on the record's PDF/A, or None."""
    entry = store.entry_for(record, record_pdfa(record))
    if entry is None or entry.get("origin") != store.ARCHIVE:
        return None
    return entry


def pdfa_signed(record):
    entry = pdfa_signature(record)
    signatures = (entry or {}).get("signatures") or ()
    return bool(signatures) and signatures[-1]["status"] == store.VALID


def review_reasons(record):
    """Why the record's review is not complete (i18n messages); [] when it is."""
    return list(OCRReviewCheck(record).reasons())


NO_PDFA = _(
    "signing_reason_no_pdfa",
    default="Tài liệu chưa có bản PDF/A để ký (bản PDF/A được tạo sau khi nhận dạng).",
)


def reasons_not_to_sign(record):
    """What stands between the record's PDF/A and the archive's signature (messages)."""
    if record_pdfa(record) is None:
        return [NO_PDFA]
    return review_reasons(record)


def ready_to_sign(record):
    """The record has a PDF/A, not signed yet, and its review is complete."""
    return not reasons_not_to_sign(record) and not pdfa_signed(record)


def sign_when_ready(site, record):
    """After the record's PDF/A was (re)built: ask the workers to sign it when signing is
    set up and the review is complete (the message goes when the caller commits)."""
    if not configured() or not ready_to_sign(record):
        return False
    work.ask(site, work.SIGN, IUUID(record))
    return True
