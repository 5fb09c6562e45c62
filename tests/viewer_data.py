"""A real two-page PDF/A for the viewer tests, made by the digitization pipeline.

Page 1: the Vietnamese sample page, OCR'd by Tesseract. Page 2: the same image with a
reviewed text that the image does not show (only the PDF's text layer holds it).
"""

from vnarchive.digitization.ocr import ocr_page
from vnarchive.digitization.pdfa import build_pdfa
from vnarchive.digitization.pdfa import PdfPage
from vnarchive.digitization.samples import render_page
from vnarchive.digitization.samples import SAMPLE_TEXTS

import functools
import io


PDFA_KIND = "pdfa"
REVIEWED_TEXT = "Biên bản kiểm kê kho lưu trữ lịch sử tỉnh Quảng Trị năm 1977"


@functools.cache
def _page():
    image = render_page(SAMPLE_TEXTS["vi"], "vi", dpi=300, size="a6")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), ocr_page(image, "vie", 300)


@functools.cache
def sample_pdfa(reviewed=REVIEWED_TEXT):
    png, text = _page()
    return build_pdfa(
        [PdfPage(png, 300, text), PdfPage(png, 300, text.with_text(reviewed))],
        "Tài liệu thử trang xem",
        "vi",
    )
