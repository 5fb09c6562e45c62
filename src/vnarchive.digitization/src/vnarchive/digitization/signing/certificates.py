"""Why a certificate is not trusted: one reading of the certificate validator's errors,
for signing (`SigningError`) and for checking (`SignatureReport.problem`).

The kinds: ``expired`` (or not yet valid), ``revoked`` (the certificate or a CA above
it), ``revocation`` (no revocation data, or none fresh enough), ``untrusted`` (no path to
a configured trust anchor), ``certificate`` (anything else: key usage, constraints…).
"""

from dataclasses import dataclass
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator import errors

import asyncio


# the first matching class wins: the specific ones come before their bases
_KINDS = (
    (errors.ExpiredError, "expired"),
    (errors.NotYetValidError, "expired"),
    (errors.RevokedError, "revoked"),
    (errors.InsufficientRevinfoError, "revocation"),
    (errors.PathBuildingError, "untrusted"),
    (errors.ValidationError, "certificate"),
    (errors.PathError, "certificate"),
)
CERTIFICATE_ERRORS = (errors.ValidationError, errors.PathError)
SIGNING_USAGE = {"non_repudiation"}


@dataclass(frozen=True)
class CertificateProblem:
    kind: str
    subject: str  # as people read it
    valid_from: str  # ISO dates, "?" when unknown
    valid_until: str
    revoked_on: str
    detail: str


def certificate_name(certificate):
    """The subject of a certificate as people read it (organisation, else common name)."""
    if certificate is None:
        return "?"
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or "?"


def _day(moment):
    return moment.date().isoformat() if moment else "?"


def _kind(error):
    for error_class, kind in _KINDS:
        if isinstance(error, error_class):
            return kind
    return None


def problem_of(error, certificate):
    """The `CertificateProblem` that `error` (of the validator) reports on
    `certificate`, or None when it is not a certificate validation error."""
    kind = _kind(error)
    if kind is None:
        return None
    validity = certificate["tbs_certificate"]["validity"] if certificate else None
    return CertificateProblem(
        kind=kind,
        subject=certificate_name(certificate),
        valid_from=_day(validity["not_before"].native) if validity else "?",
        valid_until=_day(validity["not_after"].native) if validity else "?",
        revoked_on=_day(getattr(error, "revocation_dt", None)),
        detail=str(getattr(error, "failure_msg", None) or error)[:200],
    )


def diagnose(certificate, context, intermediates=()):
    """Validate `certificate` for signing in `context`; its `CertificateProblem`, or
    None when it is trusted."""
    validator = CertificateValidator(
        certificate, intermediate_certs=list(intermediates), validation_context=context
    )
    try:
        asyncio.run(validator.async_validate_usage(SIGNING_USAGE))
    except CERTIFICATE_ERRORS as error:
        return problem_of(error, certificate)
    return None
