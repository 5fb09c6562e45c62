"""`verify_pdf` offline: tampering, unknown and untrusted signers, revoked and expired
certificates, unsigned files, trust from the environment."""

from io import BytesIO
from pdfsig import pdfsig
from pki import ARCHIVE
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from vnarchive.digitization.signing import sign_pdf
from vnarchive.digitization.signing import verify_pdf

import pytest


@pytest.fixture(scope="module")
def signed(pdfa, pki):
    return sign_pdf(pdfa, pki.settings())


def signed_by(pdfa, pki, name):
    """A B-B signature by one of the test PKI's certificates, made by pyHanko without any
    check (as someone else's software would)."""
    signer = signers.SimpleSigner.load_pkcs12(
        str(pki.paths[name]),
        passphrase=pki.paths["passphrase"].read_text().strip().encode(),
    )
    meta = signers.PdfSignatureMetadata(field_name="Sig1")
    writer = IncrementalPdfFileWriter(BytesIO(pdfa))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def test_unsigned_pdf(pdfa, pki):
    assert verify_pdf(pdfa) == []
    assert verify_pdf(pdfa, pki.settings()) == []


def test_bytes_changed_inside_the_signed_range(signed, pki, nssdir, tmp_path):
    title = "Quyết định về công tác lưu trữ".encode()
    at = signed.index(title)  # the XMP title, inside the first signed range
    tampered = signed[:at] + b"QUY" + signed[at + 3 :]
    assert len(tampered) == len(signed)
    (report,) = verify_pdf(tampered, pki.settings())
    assert report.status == "invalid"
    assert "thay đổi" in report.problem
    (finding,) = pdfsig(tampered, nssdir, tmp_path)
    assert not finding["valid"], finding["text"]


def test_page_content_appended_after_signing(signed, pki, nssdir, tmp_path):
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    scribble = generic.StreamObject(stream_data=b"q 0 0 1 rg 20 20 200 200 re f Q")
    writer.add_stream_to_page(0, writer.add_object(scribble))
    output = BytesIO()
    writer.write(output)
    changed = output.getvalue()
    assert changed.startswith(signed)
    (report,) = verify_pdf(changed, pki.settings())
    assert report.status == "invalid"
    assert not report.whole_document
    assert "sửa đổi sau khi ký" in report.problem
    (finding,) = pdfsig(changed, nssdir, tmp_path)
    assert finding["valid"]
    assert not finding["total"]


def test_untrusted_signer(signed, pki):
    (report,) = verify_pdf(
        signed, pki.settings(trust_anchors=str(pki.paths["other_anchors"]))
    )
    assert report.status == "unknown_signer"
    assert report.whole_document
    assert report.signer == ARCHIVE
    assert "chứng thư gốc tin cậy" in report.problem


def test_without_trust_anchors_every_signer_is_unknown(signed):
    (report,) = verify_pdf(signed)
    assert report.status == "unknown_signer"
    assert report.signer == ARCHIVE
    assert "Chưa cấu hình chứng thư gốc" in report.problem


def test_trust_from_the_environment(signed, pki, monkeypatch):
    monkeypatch.setenv("VNARCHIVE_SIGNING_TRUST_ANCHORS", str(pki.paths["anchors"]))
    monkeypatch.setenv("VNARCHIVE_SIGNING_REVOCATION", str(pki.paths["revocation"]))
    (report,) = verify_pdf(signed)
    assert report.status == "valid", report.problem


def test_revoked_certificate(pdfa, pki):
    (report,) = verify_pdf(signed_by(pdfa, pki, "revoked"), pki.settings())
    assert report.status == "unknown_signer"
    assert report.status != "valid"
    assert "thu hồi" in report.problem


def test_expired_certificate(pdfa, pki):
    (report,) = verify_pdf(signed_by(pdfa, pki, "expired"), pki.settings())
    assert report.status == "unknown_signer"
    assert "hết hạn" in report.problem


def test_stale_revocation_data_is_said(pdfa, pki):
    """No revocation data for the signer at all (no DSS, empty folder): not valid, and
    the problem says what to update."""
    (report,) = verify_pdf(signed_by(pdfa, pki, "archive"), pki.settings(revocation=""))
    assert report.status == "unknown_signer"
    assert "dữ liệu thu hồi" in report.problem
