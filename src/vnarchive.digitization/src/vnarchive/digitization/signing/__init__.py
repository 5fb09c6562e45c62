"""The archive's digital signatures on its PDF/A files (PAdES, pyHanko), as pure code.

    from vnarchive.digitization.signing import SigningSettings, sign_pdf, verify_pdf

    settings = SigningSettings.from_environ()  # VNARCHIVE_SIGNING_* (docs/signatures.md)
    signed = sign_pdf(pdfa_bytes, settings)  # incremental: pdfa_bytes is a prefix of it
    for report in verify_pdf(signed, settings):
        report.status, report.signer, report.signed_at, report.level, report.problem

- `sign_pdf`: a PAdES signature with the visible appearance of the national rule (agency
  and ISO 8601 time in Vietnam time, Liberation Serif 10 pt, top right of page 1), the
  certificates and revocation data that validate it in the file (DSS), and with a
  timestamp authority a signature timestamp and a document timestamp (B-LTA). The key is
  a PKCS#12 file or a PKCS#11 token. The signed file stays PDF/A-2b.
  With `seal=Seal(png, rect, page)` the appearance is a certified copy's instead: the
  archive's seal image with the same text, in the box given (docs/copies.md).
- `verify_pdf`: every signature checked offline against the configured trust anchors.
- `SigningError`: every refusal, with a message for people (`.doc()`), the input
  untouched.

Nothing here needs Zope or a site, and nothing is fetched from the network
(`allow_fetching=False`): trust anchors and revocation data are files the archive keeps.
"""

from vnarchive.digitization.signing.appearance import Seal
from vnarchive.digitization.signing.errors import SigningError
from vnarchive.digitization.signing.settings import SigningSettings
from vnarchive.digitization.signing.sign import sign_pdf
from vnarchive.digitization.signing.verify import SignatureReport
from vnarchive.digitization.signing.verify import verify_pdf


__all__ = [
    "Seal",
    "SignatureReport",
    "SigningError",
    "SigningSettings",
    "sign_pdf",
    "verify_pdf",
]
