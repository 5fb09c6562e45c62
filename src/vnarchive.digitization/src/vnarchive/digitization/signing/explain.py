"""What went wrong while pyHanko signed, in the words of `SigningError`.

pyHanko wraps the certificate validator's verdict (expired, revoked, no path to a trust
anchor, revocation data missing or stale, key usage) in its own `SigningError`; the cause
says which. A timestamp authority that does not answer is a `TimestampRequestError`.
"""

from contextlib import contextmanager
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps import TimestampRequestError
from vnarchive.digitization.signing.certificates import CERTIFICATE_ERRORS
from vnarchive.digitization.signing.certificates import problem_of
from vnarchive.digitization.signing.errors import SigningError

import pkcs11.exceptions


# what each kind of certificate problem says, from the `CertificateProblem`
_ARGUMENTS = {
    "expired": ("subject", "valid_from", "valid_until"),
    "revoked": ("subject", "revoked_on"),
    "revocation": ("subject",),
    "untrusted": ("subject",),
    "certificate": ("subject", "detail"),
}


def _certificate_error(problem):
    mapping = {name: getattr(problem, name) for name in _ARGUMENTS[problem.kind]}
    if "revoked_on" in mapping:
        mapping["date"] = mapping.pop("revoked_on")
    return SigningError(problem.kind, **mapping)


def _causes(error):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _explain_one(cause, certificate, settings):
    if isinstance(cause, TimestampRequestError):
        detail = cause.__cause__ or cause
        return SigningError("timestamp", url=settings.tsa_url, detail=detail)
    problem = problem_of(cause, certificate)
    if problem is not None:
        return _certificate_error(problem)
    if isinstance(cause, pkcs11.exceptions.PKCS11Error):
        return SigningError("failed", detail=f"PKCS#11: {type(cause).__name__}")
    return None


def explain(error, certificate, settings):
    """The `SigningError` for `error` raised while signing with `certificate`."""
    for cause in _causes(error):
        explained = _explain_one(cause, certificate, settings)
        if explained is not None:
            return explained
    return SigningError("failed", detail=f"{type(error).__name__}: {str(error)[:200]}")


@contextmanager
def explain_signing_error(signer, settings):
    """Turn pyHanko's and the validator's errors while signing into `SigningError`."""
    try:
        yield
    except SigningError:
        raise
    except (
        PyHankoSigningError,
        TimestampRequestError,
        *CERTIFICATE_ERRORS,
        pkcs11.exceptions.PKCS11Error,
    ) as error:
        raise explain(error, signer.signing_cert, settings) from error
