"""Two-layer PDF/A-2b: images at scan resolution, a text layer poppler reads
correctly in Vietnamese and Lao (real Tesseract, pdftotext, pikepdf)."""

from verapdf import verapdf  # noqa: F401 - the fixture
from verapdf import verapdf_report
from vnarchive.digitization.cer import normalise
from vnarchive.digitization.ocr import ocr_page
from vnarchive.digitization.pdfa import build_pdfa
from vnarchive.digitization.pdfa import check_pdfa
from vnarchive.digitization.pdfa import PdfPage
from vnarchive.digitization.samples import render_page
from vnarchive.digitization.samples import SAMPLE_TEXTS

import io
import pikepdf
import pytest
import subprocess


def png(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def pdftotext(data, page=None):
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def pages():
    vi = render_page(SAMPLE_TEXTS["vi"], "vi", dpi=300, size="a6")
    lo = render_page(SAMPLE_TEXTS["lo"], "lo", dpi=200, size="a6")
    return [
        (vi, PdfPage(png(vi), 300, ocr_page(vi, "vie", 300))),
        (lo, PdfPage(png(lo), 200, ocr_page(lo, "lao", 200))),
    ]


@pytest.fixture(scope="module")
def document(pages):
    return build_pdfa(
        [page for _, page in pages], "Quyết định về công tác lưu trữ", "vi"
    )


def test_text_layer_extracts_vietnamese_and_lao(pages, document):
    (_, vi), (_, lo) = pages
    vietnamese, lao = pdftotext(document, 1), pdftotext(document, 2)
    # exactly the OCR text, character for character (layout spacing aside)
    assert normalise(vietnamese) == normalise(vi.page_text.text)
    assert normalise(lao) == normalise(lo.page_text.text)
    assert "QUYẾT ĐỊNH" in vietnamese
    assert "Độc lập - Tự do - Hạnh phúc" in vietnamese
    for word in ("ສາທາລະນະລັດ", "ປະຊາທິປະໄຕ", "ເອກະສານ", "ແຫ່ງຊາດ", "ກຳນົດ"):
        assert word in lao
    # the text layer is invisible: rendering mode 3 everywhere
    with pikepdf.open(io.BytesIO(document)) as pdf:
        modes = set()
        for page in pdf.pages:
            for form in page.resources.XObject.values():
                if form.Subtype == "/Form":
                    for operands, operator in pikepdf.parse_content_stream(form):
                        if str(operator) == "Tr":
                            modes.add(int(operands[0]))
        assert modes == {3}


def test_pages_keep_the_scan_resolution(pages, document):
    with pikepdf.open(io.BytesIO(document)) as pdf:
        assert len(pdf.pages) == 2
        for (image, page), pdf_page in zip(pages, pdf.pages, strict=True):
            box = [float(v) for v in pdf_page.mediabox]
            assert box[2] - box[0] == pytest.approx(
                image.width / page.dpi * 72, abs=0.01
            )
            assert box[3] - box[1] == pytest.approx(
                image.height / page.dpi * 72, abs=0.01
            )
            (xobject,) = [
                x for x in pdf_page.resources.XObject.values() if x.Subtype == "/Image"
            ]
            assert (int(xobject.Width), int(xobject.Height)) == image.size
            embedded = pikepdf.PdfImage(xobject).as_pil_image()
            assert embedded.tobytes() == image.tobytes()  # not resampled, lossless


def test_document_is_pdfa_2b(document):
    assert check_pdfa(document) == []
    with pikepdf.open(io.BytesIO(document)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == "Quyết định về công tác lưu trữ"
        assert str(pdf.Root.Lang) == "vi"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert len(intent.DestOutputProfile.read_bytes()) > 1000
        for page in pdf.pages:
            for form in page.resources.XObject.values():
                for font in form.get("/Resources", {}).get("/Font", {}).values():
                    descendant = font.DescendantFonts[0]
                    assert "/FontFile2" in descendant.FontDescriptor
                    assert "/ToUnicode" in font


def test_check_pdfa_finds_problems(pages):
    image, _ = pages[0]
    plain = io.BytesIO()
    image.save(plain, "PDF", resolution=300)
    problems = check_pdfa(plain.getvalue())
    assert any("not 2 / B" in problem for problem in problems)
    assert any("output intent" in problem for problem in problems)
    assert check_pdfa(b"not a pdf")


def test_regenerated_pdf_extracts_the_corrected_text(pages):
    (_image, page), _ = pages
    lines = page.page_text.text.split("\n")
    lines[0] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM (đã sửa)"
    del lines[1]  # the OCR split the first line; the reviewer joined it
    corrected = page.page_text.with_text("\n".join(lines))
    regenerated = build_pdfa(
        [PdfPage(page.image_png_bytes, page.dpi, corrected)], "Đã kiểm duyệt", "01"
    )
    assert check_pdfa(regenerated) == []
    extracted = pdftotext(regenerated)
    assert normalise(extracted) == normalise(corrected.text)
    assert "(đã sửa)" in extracted


def test_lao_document_language_and_empty_text(pages):
    _, (_image, page) = pages
    data = build_pdfa([PdfPage(page.image_png_bytes, 200, None)], "ແຈ້ງການ", "lo")
    assert check_pdfa(data) == []
    assert pdftotext(data).strip() == ""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "lo"
        assert pdf.open_metadata()["dc:title"] == "ແຈ້ງການ"


def test_verapdf_agrees(verapdf, document, tmp_path):
    report = verapdf_report(verapdf, document, tmp_path)
    assert report.startswith("PASS"), report
