"""OCR page data for the review tests, set directly so that no worker is needed.

Pages get text, a confidence and word boxes laid out as PageText.to_dict() keeps them
(lines of words with bbox and confidence), and a cleaned page image (`page-0001.png`,
kind "clean-page") rendered with the sample page renderer.
"""

from io import BytesIO
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.samples import render_page

import functools


DPI = 100


@functools.lru_cache(maxsize=32)
def page_png(text):
    image = render_page(text, language="vi", dpi=DPI, size="a5")
    out = BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue(), image.width, image.height


def words_dict(text, confidence, width, height, low=()):
    """Word boxes in reading order; the words in `low` read with 35, the others 95."""
    lines = []
    x0, y, line_height = 80, 80, 40
    for line_text in text.split("\n"):
        x = x0
        words = []
        for word in line_text.split():
            w = 18 * len(word)
            words.append(
                {
                    "text": word,
                    "bbox": [x, y, x + w, y + 30],
                    "confidence": 35.0 if word in low else 95.0,
                }
            )
            x += w + 14
        lines.append({"bbox": [x0, y, max(x, x0 + 1), y + 30], "words": words})
        y += line_height
    return {
        "text": text,
        "lines": lines,
        "confidence": float(confidence),
        "width": width,
        "height": height,
        "dpi": DPI,
        "languages": "vie",
    }


def set_pages(record, pages, low=()):
    """pages: [(text, confidence)]; page n gets OCR text and page-000n.png."""
    files = IRecordFiles(record)
    for number, (text, confidence) in enumerate(pages, start=1):
        png, width, height = page_png(text)
        files.set_derivative(
            f"page-{number:04d}.png",
            png,
            "image/png",
            kind="clean-page",
            source=None,
        )
        files.page(number, create=True).set_text(
            text,
            source="ocr",
            confidence=confidence,
            words=words_dict(text, confidence, width, height, low),
            language="vi",
        )
    record.reindexObject()
    return record


# The sample set: the queue must show B (45, its 2nd page), D (62), C (88); A is approved.
TEXTS = {
    "low": "Qnyết định về việc ban hành quy chế\nĐiều 1. Ban hành kèm theo",
    "good": "Báo cáo tổng kết công tác lưu trữ năm 2020",
    "fine": "Thông báo lịch tiếp công dân tháng 3",
}
