"""PAdES B-LTA with a real RFC 3161 timestamp authority over HTTP (127.0.0.1), and the
levels `verify_pdf` reads from what it finds."""

from io import BytesIO
from pdfsig import pdfsig
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_signer import DSSContentSettings
from pyhanko.sign.signers.pdf_signer import SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper
from verapdf import verapdf  # noqa: F401 - the fixture
from verapdf import verapdf_report
from vnarchive.digitization.signing import sign_pdf
from vnarchive.digitization.signing import verify_pdf
from vnarchive.digitization.signing.material import load_trust
from vnarchive.digitization.signing.material import validation_context

import pytest


@pytest.fixture(scope="module")
def archived(pdfa, pki, tsa):
    url, authority = tsa
    before = authority.requests
    signed = sign_pdf(pdfa, pki.settings(tsa_url=url))
    assert authority.requests > before  # the tokens came over HTTP
    return signed


def test_b_lta(archived, pdfa, pki):
    assert archived.startswith(pdfa)
    (report,) = verify_pdf(archived, pki.settings())
    assert report.status == "valid", report.problem
    assert report.level == "B-LTA"
    assert report.whole_document  # the DSS and document timestamp are permitted


def test_b_lta_validates_from_the_file_alone(archived, pki):
    (report,) = verify_pdf(archived, pki.settings(revocation="", chain_paths=()))
    assert report.status == "valid", report.problem


def test_signed_at_is_the_timestamp(archived, pki):
    (report,) = verify_pdf(archived, pki.settings())
    assert report.signed_at is not None
    assert report.signed_at.utcoffset().total_seconds() == 7 * 3600


def test_pdfsig_agrees(archived, nssdir, tmp_path):
    signature, timestamp = pdfsig(archived, nssdir, tmp_path)
    assert signature["valid"], signature["text"]
    assert signature["trusted"], signature["text"]
    assert not signature["total"]  # the document timestamp follows it
    assert timestamp["field"].startswith("Timestamp")
    assert timestamp["total"]


def test_b_lta_still_pdfa(verapdf, archived, tmp_path):
    report = verapdf_report(verapdf, archived, tmp_path)
    assert report.startswith("PASS"), report


def test_second_b_lta_signature(archived, pki, tsa):
    url, _ = tsa
    twice = sign_pdf(archived, pki.settings(tsa_url=url))
    reports = verify_pdf(twice, pki.settings())
    assert [r.status for r in reports] == ["valid", "valid"]
    assert [r.level for r in reports] == ["B-LTA", "B-LTA"]


def _pyhanko_signed(pdfa, pki, url, *, embed):
    """Signed by pyHanko itself with a signature timestamp, with or without the
    validation data (B-LT, B-T), no document timestamp."""
    trust = load_trust(
        pki.paths["anchors"], pki.paths["revocation"], [pki.paths["chain"]]
    )
    signer = signers.SimpleSigner.load_pkcs12(
        str(pki.paths["archive"]),
        passphrase=pki.paths["passphrase"].read_text().strip().encode(),
        other_certs=trust.certificates,
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Sig1",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed,
        validation_context=validation_context(trust, None) if embed else None,
        dss_settings=DSSContentSettings(
            include_vri=False,
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
        ),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdfa))
    pdf_signer = signers.PdfSigner(meta, signer, timestamper=HTTPTimeStamper(url))
    return pdf_signer.sign_pdf(writer).getvalue()


@pytest.mark.parametrize(("embed", "level"), [(False, "B-T"), (True, "B-LT")])
def test_levels_as_found(pdfa, pki, tsa, embed, level):
    url, _ = tsa
    (report,) = verify_pdf(_pyhanko_signed(pdfa, pki, url, embed=embed), pki.settings())
    assert report.status == "valid", report.problem
    assert report.level == level
