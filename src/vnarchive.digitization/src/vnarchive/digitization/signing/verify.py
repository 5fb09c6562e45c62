"""`verify_pdf`: every signature of a PDF, checked offline, in a `SignatureReport`.

pyHanko validates each signature (integrity, cryptography, what was appended after it)
and the signer's certificate path, with `allow_fetching=False`: only the configured trust
anchors, the certificates and revocation data embedded in the file (its DSS and the
signatures themselves) and the archive's revocation folder are used.

The certificate is judged at the time the signature proves: the time of its signature
timestamp when it has a valid one (so a certificate that expired since, or revocation
data that has aged since, does not matter: that is what B-LT and B-LTA are for), else now.

- ``invalid``: the signed bytes changed, the signature value is wrong, or something that
  is not a signature, a document timestamp or validation data was appended after it;
- ``unknown_signer``: intact and whole, but the signer does not chain to a configured
  anchor, or the certificate was revoked, expired, or cannot be checked for revocation;
- ``valid``: all is well.
"""

from dataclasses import dataclass
from datetime import datetime
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from vnarchive.digitization.signing.appearance import VIETNAM
from vnarchive.digitization.signing.certificates import certificate_name
from vnarchive.digitization.signing.certificates import diagnose
from vnarchive.digitization.signing.documents import open_document
from vnarchive.digitization.signing.documents import readable
from vnarchive.digitization.signing.material import load_trust
from vnarchive.digitization.signing.material import Trust
from vnarchive.digitization.signing.material import validation_context
from vnarchive.digitization.signing.problems import problem
from vnarchive.digitization.signing.problems import trust_problem
from vnarchive.digitization.signing.settings import trust_from_environ


VALID = "valid"
INVALID = "invalid"
UNKNOWN_SIGNER = "unknown_signer"
PERMITTED_AFTER_SIGNING = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,  # DSS updates, document timestamps
    ModificationLevel.FORM_FILLING,  # further signatures
)


@dataclass(frozen=True)
class SignatureReport:
    status: str  # "valid" | "invalid" | "unknown_signer"
    signer: str  # the signer's name (and organisation), as people read it
    signed_at: datetime | None  # +07:00: the signature timestamp's time, else the claim
    level: str  # "B-B" | "B-T" | "B-LT" | "B-LTA"
    whole_document: bool  # False: changed after signing beyond what signing permits
    problem: str  # "" when valid; otherwise a short Vietnamese explanation


def signer_name(certificate):
    """The common name and the organisation (“name – organisation”), or the one there is."""
    subject = certificate.subject.native
    names = [subject.get("common_name"), subject.get("organization_name")]
    names = [name for name in dict.fromkeys(names) if name]
    return " – ".join(names) or certificate_name(certificate)


def _trust(settings):
    if settings is None:
        anchors, revocation = trust_from_environ()
        return load_trust(anchors, revocation)
    return load_trust(settings.trust_anchors, settings.revocation, settings.chain_paths)


def _dss(reader):
    """What the file's Document Security Store holds, as a `Trust` without anchors."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return Trust()
    context = dss.as_validation_context({"trust_roots": []})
    return Trust(
        certificates=list(dss.load_certs()),
        crls=list(context.crls),
        ocsps=list(context.ocsps),
    )


def _combined(trust, dss, signature):
    return Trust(
        anchors=trust.anchors,
        certificates=[
            *trust.certificates,
            *dss.certificates,
            *signature.other_embedded_certs,
        ],
        crls=[*trust.crls, *dss.crls],
        ocsps=[*trust.ocsps, *dss.ocsps],
    )


def _timestamp_time(signature):
    """The time in the signature's timestamp token (None without one)."""
    attributes = signature.signer_info["unsigned_attrs"]
    if not attributes:
        return None
    for attribute in attributes:
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]
            info = token["content"]["encap_content_info"]["content"].parsed
            return info["gen_time"].native
    return None


def _validate(signature, trust, moment):
    context = validation_context(trust, moment)
    return validate_pdf_signature(signature, context, ts_validation_context=context)


def _status(signature, trust):
    """pyHanko's status, judged at the time the timestamp proves when it holds."""
    proved = _timestamp_time(signature)
    if proved is not None:
        status = _validate(signature, trust, proved)
        stamp = status.timestamp_validity
        if stamp is not None and stamp.intact and stamp.valid and stamp.trusted:
            return status, proved
    return _validate(signature, trust, None), None


def _untrusted_because(signature, status, trust, proved):
    """Why the signer is not trusted, said by validating its certificate again."""
    context = validation_context(trust, proved)
    found = diagnose(signature.signer_cert, context, trust.certificates)
    return trust_problem(found, status)


def _whole(status):
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.docmdp_ok is not False
        and status.modification_level in PERMITTED_AFTER_SIGNING
    )


def _has_revocation_data(certificate, dss):
    issuer = certificate.issuer
    if any(crl["tbs_cert_list"]["issuer"] == issuer for crl in dss.crls):
        return True
    serial = certificate.serial_number
    for response in dss.ocsps:
        basic = response["response_bytes"]["response"].parsed
        for single in basic["tbs_response_data"]["responses"]:
            if single["cert_id"]["serial_number"].native == serial:
                return True
    return False


def _archived_after(signature, timestamps, trust):
    """A document timestamp over the signature's revision that is intact and valid."""
    for stamp in timestamps:
        if stamp.signed_revision > signature.signed_revision:
            status = validate_pdf_timestamp(stamp, validation_context(trust, None))
            if status.intact and status.valid:
                return True
    return False


def _level(signature, has_timestamp, dss, trust, timestamps):
    if not has_timestamp:
        return "B-B"
    if not _has_revocation_data(signature.signer_cert, dss):
        return "B-T"
    if _archived_after(signature, timestamps, trust):
        return "B-LTA"
    return "B-LT"


def _verdict(signature, status, proved, trust):
    if not status.intact:
        return INVALID, problem("modified")
    if not status.valid:
        return INVALID, problem("signature")
    if not _whole(status):
        return INVALID, problem("not_whole")
    if status.trusted:
        return VALID, ""
    if not trust.anchors:
        return UNKNOWN_SIGNER, problem("no_anchors")
    return UNKNOWN_SIGNER, _untrusted_because(signature, status, trust, proved)


def _signed_at(status, proved):
    moment = proved or status.signer_reported_dt
    return moment.astimezone(VIETNAM) if moment else None


def _report(signature, trust, dss, timestamps):
    combined = _combined(trust, dss, signature)
    try:
        status, proved = _status(signature, combined)
    except (SignatureValidationError, ValueError, KeyError) as error:
        return SignatureReport(
            INVALID, _name(signature), None, "B-B", False, problem("malformed", error)
        )
    verdict, explanation = _verdict(signature, status, proved, combined)
    return SignatureReport(
        status=verdict,
        signer=signer_name(status.signing_cert),
        signed_at=_signed_at(status, proved),
        level=_level(
            signature, status.timestamp_validity is not None, dss, combined, timestamps
        ),
        whole_document=_whole(status),
        problem=explanation,
    )


def _name(signature):
    try:
        return signer_name(signature.signer_cert)
    except (ValueError, KeyError, AttributeError):
        return "?"


def verify_pdf(data, settings=None):
    """A `SignatureReport` for each signature of `data`, in signing order ([] when it has
    none). Trust comes from `settings` (its anchors, intermediates and revocation folder),
    or, when None, from `VNARCHIVE_SIGNING_TRUST_ANCHORS` and `…_REVOCATION` if set;
    without anchors every intact signer is an unknown signer. Never fetches anything."""
    reader = open_document(bytes(data))
    with readable():
        signatures = list(reader.embedded_regular_signatures)
        if not signatures:
            return []
        trust = _trust(settings)
        dss = _dss(reader)
        timestamps = list(reader.embedded_timestamp_signatures)
        return [_report(signature, trust, dss, timestamps) for signature in signatures]
