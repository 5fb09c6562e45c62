"""The files behind the settings: certificates, revocation data and secrets.

Certificates and CRLs may be PEM (one or several blocks) or DER; OCSP responses are DER.
In the revocation folder, `*.crl` files are CRLs and `*.ocsp` files are OCSP responses;
in the trust anchor folder every `*.pem`, `*.crt`, `*.cer` and `*.der` file is a root.
A file that cannot be read or parsed is a `SigningError` naming it: a broken trust or
revocation folder must not silently weaken the checks.
"""

from asn1crypto import crl
from asn1crypto import ocsp
from asn1crypto import pem
from asn1crypto import x509
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from pyhanko_certvalidator import ValidationContext
from vnarchive.digitization.signing.errors import SigningError


CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")
CRL_SUFFIXES = (".crl",)
OCSP_SUFFIXES = (".ocsp", ".ors")


@dataclass
class Trust:
    """What checks a certificate offline: roots, other certificates, revocation data."""

    anchors: list = field(default_factory=list)  # asn1crypto x509.Certificate
    certificates: list = field(default_factory=list)  # intermediates to use
    crls: list = field(default_factory=list)  # asn1crypto crl.CertificateList
    ocsps: list = field(default_factory=list)  # asn1crypto ocsp.OCSPResponse


def read_bytes(path):
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SigningError("file", file=path, detail=error.strerror or error) from error


def read_secret(path):
    """A passphrase or PIN kept in a file (its trailing line break is not part of it)."""
    if not path:
        return None
    return read_bytes(path).decode("utf-8").rstrip("\r\n")


def _blocks(data):
    if pem.detect(data):
        return [der for _, _, der in pem.unarmor(data, multiple=True)]
    return [data]


def _parsed(path, loader, der):
    try:
        value = loader.load(der)
        value.native  # noqa: B018 - parse it all now: a broken file fails here, named
    except ValueError as error:
        raise SigningError("file", file=path, detail=error) from error
    return value


def load_certificates(path):
    data = read_bytes(path)
    return [_parsed(path, x509.Certificate, der) for der in _blocks(data)]


def load_crls(path):
    data = read_bytes(path)
    return [_parsed(path, crl.CertificateList, der) for der in _blocks(data)]


def load_ocsp(path):
    return [_parsed(path, ocsp.OCSPResponse, read_bytes(path))]


def _folder_files(folder, suffixes):
    if not folder:
        return []
    path = Path(folder)
    if not path.is_dir():
        raise SigningError("file", file=folder, detail="not a folder")
    return sorted(
        child
        for child in path.iterdir()
        if child.is_file() and child.suffix.lower() in suffixes
    )


def load_folder(folder, suffixes, loader):
    return [item for path in _folder_files(folder, suffixes) for item in loader(path)]


def load_trust(anchors="", revocation="", chain_paths=()):
    """The `Trust` of an anchors folder, a revocation folder and intermediate files."""
    return Trust(
        anchors=load_folder(anchors, CERTIFICATE_SUFFIXES, load_certificates),
        certificates=[cert for path in chain_paths for cert in load_certificates(path)],
        crls=load_folder(revocation, CRL_SUFFIXES, load_crls),
        ocsps=load_folder(revocation, OCSP_SUFFIXES, load_ocsp),
    )


def validation_context(trust, moment=None):
    """pyHanko's validation context for `trust` at `moment` (now when None): offline
    (`allow_fetching=False`), the configured roots only, and revocation data required
    wherever a certificate says where to find it ("hard-fail")."""
    return ValidationContext(
        trust_roots=list(
            trust.anchors
        ),  # a list, even empty: None means the OS's roots
        other_certs=list(trust.certificates),
        crls=list(trust.crls),
        ocsps=list(trust.ocsps),
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
    )
