"""A test PKI made with `cryptography`, and the archive's key on a SoftHSM2 token.

`make_pki(folder)` writes, under `folder`:

- ``anchors/root.pem``: the root CA; ``other-anchors/other-root.pem``: a root that signed
  nothing here (trusting it alone makes every signer here unknown);
- ``chain/intermediate.pem``: the intermediate CA that issues the archive's certificates;
- ``revocation/root.crl`` (DER) and ``revocation/intermediate.crl`` (PEM): the CRLs of both
  CAs, the intermediate's listing the revoked certificate;
- ``archive.p12``, ``revoked.p12``, ``expired.p12`` (passphrase in ``passphrase.txt``):
  the archive's signing certificate (organisation "Trung tâm Lưu trữ lịch sử tỉnh Quảng
  Trị", key usage nonRepudiation + digitalSignature), a revoked one and an expired one;
- ``archive-key.pem``, ``archive.der``: the archive's key and certificate for a token;
- the timestamp authority's certificate and key (`Pki.tsa`).

Every certificate names a CRL distribution point on 127.0.0.1 that nothing serves: the
checks must use the CRLs in the revocation folder or in the file, never fetch.

`softhsm_token(folder, pki)` initialises a SoftHSM2 token in `folder` (its own
SOFTHSM2_CONF) holding the archive's key and certificate, and removes it afterwards.
"""

from contextlib import contextmanager
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path
from vnarchive.digitization.signing import SigningSettings

import os
import shutil
import subprocess


ARCHIVE = "Trung tâm Lưu trữ lịch sử tỉnh Quảng Trị"
PASSPHRASE = "luu-tru-Quang-Tri-2026"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "vnarchive-test"
KEY_LABEL = "archive"
PIN = "246810"
SO_PIN = "13579135"
CRL_BASE = "http://127.0.0.1:9/"  # discard port: a fetch would fail loudly


@dataclass
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self):
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass
class Pki:
    folder: Path
    root: Issued
    intermediate: Issued
    archive: Issued
    revoked: Issued
    expired: Issued
    tsa: Issued
    other_root: Issued
    paths: dict = field(default_factory=dict)

    def settings(self, p12="archive", **changes):
        """PKCS#12 settings of one of the archive's certificates (archive, revoked,
        expired), trusting the root, with the intermediate and the CRLs."""
        values = {
            "kind": "pkcs12",
            "agency": ARCHIVE,
            "pkcs12_path": str(self.folder / f"{p12}.p12"),
            "passphrase_file": str(self.paths["passphrase"]),
            "chain_paths": (str(self.paths["chain"]),),
            "trust_anchors": str(self.paths["anchors"]),
            "revocation": str(self.paths["revocation"]),
        }
        values.update(changes)
        return SigningSettings(**values)

    def token_settings(self, **changes):
        """PKCS#11 settings of the archive's key on the SoftHSM2 token."""
        values = {
            "kind": "pkcs11",
            "agency": ARCHIVE,
            "pkcs11_module": SOFTHSM_MODULE,
            "token_label": TOKEN_LABEL,
            "key_label": KEY_LABEL,
            "pin_file": str(self.paths["pin"]),
            "chain_paths": (str(self.paths["chain"]),),
            "trust_anchors": str(self.paths["anchors"]),
            "revocation": str(self.paths["revocation"]),
        }
        values.update(changes)
        return SigningSettings(**values)


def _name(common_name, organisation):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_usage(*, signing=False, ca=False):
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing and not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _crl_point(name):
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(f"{CRL_BASE}{name}.crl")],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _issue(subject, key, issuer, *, start, end, ca=None, crl=None, usage=None):
    """A certificate for `key` signed by `issuer` (None: self-signed); `ca` is the path
    length of a CA (None: an end entity)."""
    signer = issuer or Issued(None, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.BasicConstraints(ca=ca is not None, path_length=ca), critical=True
        )
        .add_extension(_key_usage(signing=ca is None, ca=ca is not None), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()),
            critical=False,
        )
    )
    if crl:
        builder = builder.add_extension(_crl_point(crl), critical=False)
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=True)
    return Issued(builder.sign(signer.key, hashes.SHA256()), key)


def _crl(issuer, revoked, now):
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=30))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(now - timedelta(days=1))
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


def _authorities(now):
    root = _issue(
        _name("Root CA kiểm thử vnarchive", "Tổ chức chứng thực gốc (kiểm thử)"),
        _key(),
        None,
        start=now - timedelta(days=730),
        end=now + timedelta(days=3650),
        ca=1,
    )
    intermediate = _issue(
        _name("CA kiểm thử cấp cho cơ quan lưu trữ", "Tổ chức chứng thực (kiểm thử)"),
        _key(),
        root,
        start=now - timedelta(days=365),
        end=now + timedelta(days=1825),
        ca=0,
        crl="root",
    )
    return root, intermediate


def _archive_certificate(intermediate, start, end, **kwargs):
    return _issue(
        _name(ARCHIVE, ARCHIVE),
        _key(),
        intermediate,
        start=start,
        end=end,
        crl="intermediate",
        **kwargs,
    )


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _write_p12(path, issued):
    data = pkcs12.serialize_key_and_certificates(
        b"archive",
        issued.key,
        issued.certificate,
        None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )
    return _write(path, data)


def _write_files(pki, now):
    folder = pki.folder
    paths = pki.paths
    paths["anchors"] = _write(folder / "anchors" / "root.pem", pki.root.pem).parent
    paths["other_anchors"] = _write(
        folder / "other-anchors" / "other-root.pem", pki.other_root.pem
    ).parent
    paths["chain"] = _write(folder / "chain" / "intermediate.pem", pki.intermediate.pem)
    root_crl = _crl(pki.root, [], now)
    intermediate_crl = _crl(pki.intermediate, [pki.revoked.certificate], now)
    encoding = serialization.Encoding
    _write(folder / "revocation" / "root.crl", root_crl.public_bytes(encoding.DER))
    paths["revocation"] = _write(
        folder / "revocation" / "intermediate.crl",
        intermediate_crl.public_bytes(encoding.PEM),
    ).parent
    paths["passphrase"] = _write(folder / "passphrase.txt", f"{PASSPHRASE}\n".encode())
    paths["pin"] = _write(folder / "pin.txt", f"{PIN}\n".encode())
    for name in ("archive", "revoked", "expired"):
        paths[name] = _write_p12(folder / f"{name}.p12", getattr(pki, name))
    paths["key"] = _write(
        folder / "archive-key.pem",
        pki.archive.key.private_bytes(
            encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    paths["certificate"] = _write(folder / "archive.der", pki.archive.der)


def make_pki(folder, now=None):
    """The test PKI, written under `folder` (see the module's docstring)."""
    now = now or datetime.now(UTC)
    root, intermediate = _authorities(now)
    pki = Pki(
        folder=Path(folder),
        root=root,
        intermediate=intermediate,
        archive=_archive_certificate(
            intermediate, now - timedelta(days=30), now + timedelta(days=365)
        ),
        revoked=_archive_certificate(
            intermediate, now - timedelta(days=30), now + timedelta(days=365)
        ),
        expired=_archive_certificate(
            intermediate, now - timedelta(days=400), now - timedelta(days=35)
        ),
        tsa=_issue(
            _name("Dịch vụ cấp dấu thời gian (kiểm thử)", "TSA kiểm thử"),
            _key(),
            intermediate,
            start=now - timedelta(days=30),
            end=now + timedelta(days=730),
            crl="intermediate",
            usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        ),
        other_root=_issue(
            _name("Root CA khác", "Tổ chức chứng thực khác (kiểm thử)"),
            _key(),
            None,
            start=now - timedelta(days=730),
            end=now + timedelta(days=3650),
            ca=1,
        ),
    )
    _write_files(pki, now)
    return pki


def _run(*command, env):
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=60)


@contextmanager
def softhsm_token(folder, pki):
    """A SoftHSM2 token (label `TOKEN_LABEL`, user PIN `PIN`) holding the archive's key
    and certificate under `KEY_LABEL`, in `folder`; SOFTHSM2_CONF points at it while the
    context lasts (the PKCS#11 module reads it when first loaded)."""
    folder = Path(folder)
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = dict(os.environ)
    try:
        _run(
            "softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL,
            "--pin", PIN, "--so-pin", SO_PIN, env=env,
        )  # fmt: skip
        _run(
            "softhsm2-util", "--import", str(pki.paths["key"]), "--token", TOKEN_LABEL,
            "--label", KEY_LABEL, "--id", "01", "--pin", PIN, env=env,
        )  # fmt: skip
        _run(
            "pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", TOKEN_LABEL,
            "--login", "--pin", PIN, "--write-object", str(pki.paths["certificate"]),
            "--type", "cert", "--label", KEY_LABEL, "--id", "01", env=env,
        )  # fmt: skip
        yield conf
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
        shutil.rmtree(tokens, ignore_errors=True)
