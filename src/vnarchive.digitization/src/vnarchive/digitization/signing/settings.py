"""Where the archive's signing key is and whom to trust: `SigningSettings`.

The settings come from the environment (`SigningSettings.from_environ`, the
`VNARCHIVE_SIGNING_*` variables of docs/signatures.md) or are built by the caller.
Nothing here is fetched from the network: trust anchors, intermediate certificates and
revocation data (CRLs, OCSP responses) are files the archive keeps.
"""

from dataclasses import dataclass
from dataclasses import fields
from vnarchive.digitization.signing.errors import SigningError

import os


PREFIX = "VNARCHIVE_SIGNING_"
KINDS = ("pkcs12", "pkcs11")
UNSET = ("", "none", "off", "no", "false", "0")

# field -> environment variable (without the prefix)
ENVIRONMENT = {
    "kind": "KIND",
    "agency": "AGENCY",
    "pkcs12_path": "PKCS12",
    "passphrase_file": "PASSPHRASE_FILE",
    "pkcs11_module": "PKCS11_MODULE",
    "token_label": "TOKEN_LABEL",
    "key_label": "KEY_LABEL",
    "pin_file": "PIN_FILE",
    "certificate_path": "CERTIFICATE",
    "chain_paths": "CHAIN",
    "trust_anchors": "TRUST_ANCHORS",
    "revocation": "REVOCATION",
    "tsa_url": "TSA_URL",
    "seal": "SEAL",
}

# what each kind of key cannot do without (the trust anchors: every signature is checked
# offline against them before it is made)
REQUIRED = {
    "pkcs12": ("agency", "pkcs12_path", "trust_anchors"),
    "pkcs11": (
        "agency",
        "pkcs11_module",
        "token_label",
        "key_label",
        "pin_file",
        "trust_anchors",
    ),
}


@dataclass(frozen=True)
class SigningSettings:
    """The archive's signing key (a PKCS#12 file or a PKCS#11 token) and its trust."""

    kind: str  # "pkcs12" | "pkcs11"
    agency: str  # agency name printed in the visible signature
    # PKCS#12
    pkcs12_path: str = ""
    passphrase_file: str = ""
    # PKCS#11 (the certificate from a file, or from the token under the key's label)
    pkcs11_module: str = ""
    token_label: str = ""
    key_label: str = ""
    pin_file: str = ""
    certificate_path: str = ""
    # intermediate certificates (PEM/DER files) to embed
    chain_paths: tuple = ()
    # a folder of PEM/DER roots (configured, never fetched)
    trust_anchors: str = ""
    # a folder of CRL (*.crl) and OCSP response (*.ocsp) files kept up to date by the
    # archive, embedded at signing
    revocation: str = ""
    # RFC 3161 timestamp authority: when set the signature is PAdES B-LTA
    tsa_url: str = ""
    # the archive's seal (a PNG), shown in the signature of its certified copies; the
    # digitized files' own signature carries no seal image (vn-archives.md §4)
    seal: str = ""

    @classmethod
    def from_environ(cls, environ=os.environ):
        """The settings of the `VNARCHIVE_SIGNING_*` variables; `SigningError`
        ("not_configured") when signing is not configured or incomplete."""
        values = {
            name: environ.get(PREFIX + variable, "").strip()
            for name, variable in ENVIRONMENT.items()
        }
        if values["kind"].lower() in UNSET:
            raise SigningError("not_configured", missing=PREFIX + "KIND")
        values["kind"] = values["kind"].lower()
        values["chain_paths"] = tuple(
            path for path in values["chain_paths"].split(os.pathsep) if path.strip()
        )
        settings = cls(**values)
        settings.check()
        return settings

    def check(self):
        """Refuse settings that cannot sign (`SigningError` "not_configured" naming the
        first missing variable)."""
        if self.kind not in KINDS:
            raise SigningError("not_configured", missing=f"{PREFIX}KIND={KINDS}")
        for name in REQUIRED[self.kind]:
            if not str(getattr(self, name) or "").strip():
                raise SigningError("not_configured", missing=PREFIX + ENVIRONMENT[name])

    def check_seal(self):
        """Refuse settings that cannot sign a certified copy: those that cannot sign,
        and those without the archive's seal (`SigningError` "seal")."""
        self.check()
        if not str(self.seal or "").strip():
            raise SigningError("seal", missing=PREFIX + ENVIRONMENT["seal"])

    def describe(self):
        """The settings without secrets, for logs and status pages."""
        shown = {field.name: getattr(self, field.name) for field in fields(self)}
        return {name: value for name, value in shown.items() if value not in ("", ())}


def trust_from_environ(environ=os.environ):
    """(trust anchors folder, revocation folder) for checking signatures: the
    `VNARCHIVE_SIGNING_TRUST_ANCHORS` and `VNARCHIVE_SIGNING_REVOCATION` folders, whether
    or not this site signs ("" when unset)."""
    anchors = environ.get(PREFIX + "TRUST_ANCHORS", "").strip()
    revocation = environ.get(PREFIX + "REVOCATION", "").strip()
    return anchors, revocation
