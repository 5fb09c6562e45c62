"""The archive's key as a pyHanko signer: a PKCS#12 file or a PKCS#11 token.

`open_signer(settings, trust)` is a context manager: a token's session is closed when the
signing is done, whatever happens. Wrong passphrases and PINs, a missing token, module or
key are `SigningError`s that say which setting to check.
"""

from contextlib import contextmanager
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.signers import SimpleSigner
from vnarchive.digitization.signing.errors import SigningError
from vnarchive.digitization.signing.material import load_certificates
from vnarchive.digitization.signing.material import read_bytes
from vnarchive.digitization.signing.material import read_secret

import pkcs11
import pkcs11.exceptions


PIN_ERRORS = (
    pkcs11.exceptions.PinIncorrect,
    pkcs11.exceptions.PinLocked,
    pkcs11.exceptions.PinLenRange,
    pkcs11.exceptions.PinInvalid,
    pkcs11.exceptions.PinExpired,
)


@contextmanager
def open_signer(settings, trust):
    """The signer of `settings` (a `SigningSettings`), with `trust.certificates` as its
    chain."""
    if settings.kind == "pkcs12":
        yield pkcs12_signer(settings, trust)
        return
    with pkcs11_signer(settings, trust) as signer:
        yield signer


def pkcs12_signer(settings, trust):
    data = read_bytes(settings.pkcs12_path)
    secret = read_secret(settings.passphrase_file)
    passphrase = secret.encode("utf-8") if secret else None
    try:
        return SimpleSigner.load_pkcs12_data(
            data, other_certs=trust.certificates, passphrase=passphrase
        )
    except (ValueError, TypeError) as error:
        raise SigningError(
            "passphrase",
            file=settings.pkcs12_path,
            secret=settings.passphrase_file or "-",
        ) from error


def _library(module):
    try:
        return pkcs11.lib(module)
    except (OSError, RuntimeError, pkcs11.exceptions.PKCS11Error) as error:
        raise SigningError("module", module=module, detail=error) from error


def _session(settings):
    pin = read_secret(settings.pin_file)
    library = _library(settings.pkcs11_module)
    try:
        token = library.get_token(token_label=settings.token_label)
    except (
        pkcs11.exceptions.NoSuchToken,
        pkcs11.exceptions.TokenNotPresent,
        pkcs11.exceptions.TokenNotRecognised,
        pkcs11.exceptions.MultipleTokensReturned,
    ) as error:
        raise SigningError("token_missing", token=settings.token_label) from error
    try:
        return token.open(user_pin=pin)
    except PIN_ERRORS as error:
        raise SigningError(
            "pin", token=settings.token_label, secret=settings.pin_file
        ) from error
    except pkcs11.exceptions.PKCS11Error as error:
        raise SigningError("token_missing", token=settings.token_label) from error


def _token_signer(session, settings, trust):
    certificate = None
    if settings.certificate_path:
        certificate = load_certificates(settings.certificate_path)[0]
    signer = PKCS11Signer(
        session,
        cert_label=None if certificate else settings.key_label,
        signing_cert=certificate,
        key_label=settings.key_label,
        ca_chain=trust.certificates,
    )
    try:
        signer.signing_cert  # noqa: B018 - loads the key and certificate from the token
    except pkcs11.exceptions.PKCS11Error as error:
        raise SigningError(
            "key_missing", key=settings.key_label, token=settings.token_label
        ) from error
    return signer


@contextmanager
def pkcs11_signer(settings, trust):
    session = _session(settings)
    try:
        yield _token_signer(session, settings, trust)
    finally:
        session.close()
