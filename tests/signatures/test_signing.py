"""Signing a real PDF/A with the archive's key (PKCS#12 file, SoftHSM2 token): pyHanko's
validator and poppler's pdfsig agree, veraPDF still passes, the national appearance."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pdfsig import page_words
from pdfsig import pdfsig
from pki import ARCHIVE
from verapdf import verapdf  # noqa: F401 - the fixture
from verapdf import verapdf_report
from vnarchive.digitization.signing import sign_pdf
from vnarchive.digitization.signing import verify_pdf

import io
import pikepdf
import pytest
import re


ISO_VIETNAM = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


@pytest.fixture(scope="module")
def signed(pdfa, pki):
    return sign_pdf(pdfa, pki.settings())


def stamp_words(signed, unsigned):
    """The words signing added to page 1 (as pdftotext reads the page shown)."""
    before = page_words(unsigned)
    return [word for word in page_words(signed) if word not in before]


def assert_valid_and_whole(report):
    assert report.status == "valid", report.problem
    assert report.whole_document
    assert report.problem == ""
    assert report.signer == ARCHIVE


def test_signature_is_incremental(pdfa, signed):
    assert signed.startswith(pdfa)  # the PDF/A bytes are kept as they were
    assert len(signed) > len(pdfa)


def test_pyhanko_and_pdfsig_agree(signed, pki, nssdir, tmp_path):
    (report,) = verify_pdf(signed, pki.settings())
    assert_valid_and_whole(report)
    (finding,) = pdfsig(signed, nssdir, tmp_path)
    assert finding["valid"], finding["text"]
    assert finding["trusted"], finding["text"]
    assert finding["total"], finding["text"]
    assert finding["type"] == "ETSI.CAdES.detached"
    assert finding["signer"] == ARCHIVE


def test_validation_data_is_embedded(signed, pki):
    """Without a timestamp authority the signature carries the certificates and CRLs
    that validate it (DSS) but no proof of time: ETSI calls that B-B. It validates from
    the file and the trust anchors alone, without the revocation folder."""
    (report,) = verify_pdf(signed, pki.settings(revocation="", chain_paths=()))
    assert report.status == "valid", report.problem
    assert report.level == "B-B"
    with pikepdf.open(io.BytesIO(signed)) as pdf:
        dss = pdf.Root.DSS
        assert len(dss.CRLs) == 2  # the root's and the intermediate's
        assert len(dss.Certs) >= 2


def test_still_pdfa_2b(verapdf, signed, tmp_path):
    report = verapdf_report(verapdf, signed, tmp_path)
    assert report.startswith("PASS"), report


def test_visible_signature(signed, pdfa):
    """Agency and ISO 8601 time in Vietnam time, 10 pt, in the top-right quarter of
    page 1, printable, in an embedded font."""
    with pikepdf.open(io.BytesIO(signed)) as pdf:
        page = pdf.pages[0]
        width, height = float(page.mediabox[2]), float(page.mediabox[3])
        (widget,) = [a for a in page.Annots if a.get("/FT") == "/Sig"]
        assert int(widget.F) & 4  # print
        x0, y0, x1, y1 = (float(v) for v in widget.Rect)
        assert x0 > width / 2
        assert y0 > height / 2
        assert x1 <= width
        assert y1 <= height
        appearance = widget.AP.N
        assert b"/F1 10 Tf" in appearance.read_bytes()
        (font,) = appearance.Resources.Font.values()
        descriptor = font.DescendantFonts[0].FontDescriptor
        assert "LiberationSerif" in str(descriptor.FontName)
        assert "/FontFile2" in descriptor
    words = stamp_words(signed, pdfa)
    lines = [text for text, *_ in words]
    assert " ".join(lines).startswith(ARCHIVE)
    assert any(ISO_VIETNAM.match(line) for line in lines), lines
    for _, left, _top, _right, bottom in words:
        assert left > width / 2
        assert bottom < height / 2


def test_time_printed_in_vietnam_time(pdfa, pki):
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    signed = sign_pdf(pdfa, pki.settings(), when=when)
    shown = (when + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert shown in [text for text, *_ in stamp_words(signed, pdfa)]
    (report,) = verify_pdf(signed, pki.settings())
    assert report.signed_at == when
    assert report.signed_at.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_upright_top_right_on_rotated_page(pdfa, pki, rotation):
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        pdf.pages[0].Rotate = rotation
        width, height = float(pdf.pages[0].mediabox[2]), float(pdf.pages[0].mediabox[3])
        rotated = io.BytesIO()
        pdf.save(rotated)
    signed = sign_pdf(rotated.getvalue(), pki.settings())
    if rotation in (90, 270):
        width, height = height, width  # as shown
    words = stamp_words(signed, rotated.getvalue())
    times = [w for w in words if ISO_VIETNAM.match(w[0])]
    assert times, words
    for _, left, top, right, bottom in words:
        assert left > width / 2
        assert bottom < height / 2
        assert right - left > bottom - top  # horizontal as shown: upright
    (report,) = verify_pdf(signed, pki.settings())
    assert report.status == "valid", report.problem


def test_token_signs(pdfa, pki, token, nssdir, tmp_path):
    signed = sign_pdf(pdfa, pki.token_settings())
    assert signed.startswith(pdfa)
    (report,) = verify_pdf(signed, pki.settings())
    assert_valid_and_whole(report)
    (finding,) = pdfsig(signed, nssdir, tmp_path)
    assert finding["valid"]
    assert finding["trusted"]
    assert finding["total"]


def test_token_with_certificate_from_a_file(pdfa, pki, token):
    settings = pki.token_settings(certificate_path=str(pki.paths["certificate"]))
    (report,) = verify_pdf(sign_pdf(pdfa, settings), pki.settings())
    assert_valid_and_whole(report)


def test_second_signature_keeps_the_first(signed, pki, nssdir, tmp_path):
    twice = sign_pdf(signed, pki.settings())
    assert twice.startswith(signed)
    first, second = verify_pdf(twice, pki.settings())
    assert_valid_and_whole(first)  # what followed it is a permitted update
    assert_valid_and_whole(second)
    one, two = pdfsig(twice, nssdir, tmp_path)
    assert one["field"] != two["field"]
    assert one["valid"]
    assert one["trusted"]
    assert not one["total"]  # pdfsig: the second revision is not covered by the first
    assert two["valid"]
    assert two["total"]
    # (pdfsig 22.12 reports "Unknown issue with Certificate" for a certificate that it
    # already checked for an earlier signature of the same file; OpenSSL and pyHanko
    # validate it: its trust is asserted on the first signature.)
