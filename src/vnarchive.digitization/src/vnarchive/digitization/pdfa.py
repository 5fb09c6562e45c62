"""Two-layer PDF/A-2b documents: the page images with an invisible text layer.

How a document is built (no Tesseract, no Ghostscript):

1. Images: each page image (PNG bytes) is embedded by img2pdf, which copies the
   PNG's compressed data as it is (no resampling, no re-encoding); the page is
   ``pixels / dpi * 72`` points, so the image sits at the scan's resolution.
2. Text: OCRmyPDF 17's own renderer (`ocrmypdf.fpdf_renderer.Fpdf2PdfRenderer`,
   fed an `OcrElement` tree built from our `PageText`) writes invisible text
   (render mode 3) on the OCR word boxes and baselines, one BT block per line
   with per-word horizontal scaling.
   Two choices make Lao extract correctly, where OCRmyPDF's default output
   does not (pdftotext inserts spaces inside words after SARA AM, pdfium emits
   control characters): the text is *not* shaped (fpdf2 text shaping off, so
   every character is one glyph in logical order, with a one-to-one ToUnicode
   map) and every word uses OCRmyPDF's glyphless font Occulta (each code point
   has a blank glyph; combining marks have zero width as in real fonts).
   Invisible text needs no shapes, only code points and positions.
3. The text pages are laid over the image pages with pikepdf, then
   `pikepdf.pdfa.save` declares PDF/A-2b (XMP with pdfaid part 2 / B, the
   sRGB OutputIntent from OCRmyPDF's ICC profile, DocInfo agreeing with XMP)
   and validates the bytes it wrote.

`check_pdfa(data)` inspects a finished file with pikepdf: its PDF/A checker
plus our own expectations (declaration, output intent, embedded fonts, title,
language, no encryption). An empty list means no problem was found.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from vnarchive.digitization.ocr import PageText
from vnarchive.digitization.ocr import tesseract_languages

import atexit
import hashlib
import io
import logging
import os
import tempfile


FLAVOUR = "2b"

# Tesseract model -> BCP 47 tag for /Lang and dc:language
_BCP47 = {
    "vie": "vi",
    "lao": "lo",
    "eng": "en",
    "fra": "fr",
    "rus": "ru",
    "chi_sim": "zh-Hans",
}


@dataclass
class PdfPage:
    image_png_bytes: bytes
    dpi: int
    page_text: PageText | None = None


class PdfaBuildError(RuntimeError):
    """The document could not be made into valid PDF/A."""


def language_tag(language):
    """BCP 47 tag ("vi", "lo", ...) of the document's first language.

    `language` may be a national code ("01", "lo"), an ISO code or a Tesseract
    string ("vie+eng"); anything unknown gives "vi".
    """
    if isinstance(language, str) and language.lower() in _BCP47.values():
        return language.lower()
    first = tesseract_languages(language or "vi").split("+")[0]
    return _BCP47.get(first, "vi")


def _icc_profile():
    from ocrmypdf import data

    return (Path(data.__file__).parent / "sRGB.icc").read_bytes()


# Code points of the compact glyphless font: the scripts of our archives (Vietnamese,
# Lao, French, English, Russian) and common symbols. Words with other characters
# (e.g. Chinese) use OCRmyPDF's full Occulta, which covers all of Unicode.
_COMPACT_RANGES = (
    (0x0020, 0x036F),  # Latin, Latin-1, Latin Extended A/B, IPA, combining marks
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese precomposed letters)
    (0x2000, 0x22FF),  # punctuation, currency, letterlike, numbers, arrows, maths
    (0x2460, 0x25FF),  # enclosed numbers, boxes, geometric shapes
    (0x3000, 0x303F),  # CJK punctuation
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFF00, 0xFFEF),  # full- and half-width forms
)


@lru_cache(maxsize=1)
def _compact_glyphless_font():
    """OCRmyPDF's Occulta reduced to `_COMPACT_RANGES`, as a file (fpdf2 wants a path).

    Occulta maps all 65,536 BMP code points; fpdf2 spends ~0.4 s reading such a
    cmap and ~0.1 s subsetting it for every document. The reduced copy (made once
    per process) loads in milliseconds. Same glyphs, same widths.
    """
    from fontTools import subset
    from ocrmypdf import data

    source = Path(data.__file__).parent / "Occulta.ttf"
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.recalc_bounds = True
    font = subset.load_font(str(source), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(
            unicodes=[
                cp for low, high in _COMPACT_RANGES for cp in range(low, high + 1)
            ]
        )
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        # TTFont reads lazily from an open file: left to the garbage collector, its
        # ResourceWarning can fire inside pikepdf's PDF/A check and count as a violation.
        font.close()
    data = buffer.getvalue()
    name = f"glyphless-{hashlib.sha256(data).hexdigest()[:16]}.ttf"
    cache = Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "vnarchive"
    )
    try:  # shared by all processes of the user, written atomically
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / name
        if not target.exists() or target.read_bytes() != data:
            partial = cache / f"{name}.{os.getpid()}.part"
            partial.write_bytes(data)
            os.replace(partial, target)
        return target
    except OSError:  # no writable home: a private file for this process
        handle, path = tempfile.mkstemp(prefix="vnarchive-glyphless-", suffix=".ttf")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        atexit.register(os.unlink, path)
        return Path(path)


@lru_cache(maxsize=1)
def _fonts():
    """OCRmyPDF's font manager, told to use glyphless fonts for every word."""
    from ocrmypdf.font import FontManager
    from ocrmypdf.font import MultiFontManager
    from ocrmypdf.font.font_provider import BuiltinFontProvider

    class GlyphlessFonts(MultiFontManager):
        def __init__(self):
            super().__init__(font_provider=BuiltinFontProvider())
            self.compact = FontManager(_compact_glyphless_font())

        def select_font_for_word(self, word_text, line_language):
            if all(self.compact.has_glyph(ord(char)) for char in word_text):
                return self.compact
            return self.font_provider.get_fallback_font()

    return GlyphlessFonts()


def _ocr_tree(page_text, width, height, dpi, language):
    """OCRmyPDF's `OcrElement` page for `page_text`, scaled to the image size."""
    from ocrmypdf.models.ocr_element import Baseline
    from ocrmypdf.models.ocr_element import BoundingBox
    from ocrmypdf.models.ocr_element import OcrElement

    sx = width / page_text.width if page_text.width else 1.0
    sy = height / page_text.height if page_text.height else 1.0

    def box(bbox):
        x0, y0, x1, y1 = bbox
        x0, x1 = sorted((max(0.0, x0 * sx), min(width, x1 * sx)))
        y0, y1 = sorted((max(0.0, y0 * sy), min(height, y1 * sy)))
        return BoundingBox(x0, y0, x1, y1)

    page = OcrElement("ocr_page", bbox=BoundingBox(0, 0, width, height), dpi=dpi)
    for line in page_text.lines:
        line_box = box(line.bbox)
        if line_box.height <= 0 or line_box.width <= 0:
            continue
        slope, offset = line.baseline
        element = OcrElement(
            "ocr_line",
            bbox=line_box,
            baseline=Baseline(slope=slope * sy / sx, intercept=offset * sy),
            language=language,
        )
        for word in line.words:
            if word.text.strip():
                element.children.append(
                    OcrElement("ocrx_word", bbox=box(word.bbox), text=word.text)
                )
        if element.children:
            page.children.append(element)
    return page


def _text_layer(pages, sizes, language):
    """A PDF of invisible text pages, same sizes as the image pages."""
    from fpdf import FPDF
    from fpdf.enums import TextMode
    from ocrmypdf.fpdf_renderer import Fpdf2PdfRenderer

    fonts = _fonts()
    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(auto=False)
    pdf.c_margin = 0
    pdf.text_mode = TextMode.INVISIBLE
    # no pdf.set_text_shaping(): one glyph per character, in logical order
    registered = {}
    tesseract = tesseract_languages(language)
    for page, (width, height) in zip(pages, sizes, strict=True):
        text = page.page_text or PageText("", [], None, width, height, page.dpi, "")
        renderer = Fpdf2PdfRenderer(
            page=_ocr_tree(text, width, height, page.dpi, tesseract),
            dpi=page.dpi,
            multi_font_manager=fonts,
            invisible_text=True,
        )
        renderer._registered_fonts = registered  # one embedded font for all pages
        renderer.render_to_pdf(pdf)
    return bytes(pdf.output())


def _image_pages(pages):
    """(pikepdf.Pdf with one image page per page, [(width px, height px)])."""
    from PIL import Image

    import img2pdf
    import pikepdf

    document = pikepdf.new()
    sizes = []
    for number, page in enumerate(pages, start=1):
        if not page.dpi or page.dpi <= 0:
            raise PdfaBuildError(f"page {number}: no resolution")
        with Image.open(io.BytesIO(page.image_png_bytes)) as image:
            sizes.append(image.size)
        single = img2pdf.convert(
            page.image_png_bytes,
            layout_fun=img2pdf.get_fixed_dpi_layout_fun((page.dpi, page.dpi)),
            rotation=img2pdf.Rotation.ifvalid,
            nodate=True,
        )
        with pikepdf.open(io.BytesIO(single)) as part:
            document.pages.extend(part.pages)
    return document, sizes


def build_pdfa(pages, title, language="vi"):
    """A PDF/A-2b document (bytes) from `pages` (list of `PdfPage`).

    `title` goes into the XMP (dc:title) and DocInfo; `language` (national,
    ISO or Tesseract code) sets the document language (/Lang, dc:language).
    Raises `PdfaBuildError` if the written file does not validate.
    """
    import pikepdf

    if not pages:
        raise PdfaBuildError("a document needs at least one page")
    document, sizes = _image_pages(pages)
    text = pikepdf.open(io.BytesIO(_text_layer(pages, sizes, language)))
    for page, text_page in zip(document.pages, text.pages, strict=True):
        page.add_overlay(text_page)
    try:
        return save_pdfa(
            document, title, language, "vnarchive (Tesseract, OCRmyPDF renderer)"
        )
    finally:
        text.close()
        document.close()


def save_pdfa(document, title, language, creator_tool):
    """`document` (an open pikepdf.Pdf) written as PDF/A-2b bytes, with its language
    (/Lang, dc:language), title and the archive as producer. Raises `PdfaBuildError`
    if the written file does not validate."""
    import pikepdf
    import pikepdf.pdfa

    tag = language_tag(language)
    document.Root.Lang = pikepdf.String(tag)
    document.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    with document.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title or ""
        meta["dc:language"] = [tag]
        meta["pdf:Producer"] = "vnarchive"
        meta["xmp:CreatorTool"] = creator_tool
    output = io.BytesIO()
    logging.getLogger("pikepdf").setLevel(logging.WARNING)
    try:
        pikepdf.pdfa.save(
            document,
            output,
            FLAVOUR,
            output_intent=_icc_profile(),
            output_condition_identifier="sRGB IEC61966-2.1",
        )
    except pikepdf.pdfa.PdfaError as error:
        raise PdfaBuildError(error.report.summary()) from error
    return output.getvalue()


def check_pdfa(data):
    """Problems that keep `data` from being our PDF/A-2b (empty list: none)."""
    from ocrmypdf.pdfa import find_nonembedded_fonts

    import pikepdf
    import pikepdf.pdfa

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return ["the file is encrypted"]
    except Exception as error:
        return [f"not a readable PDF: {error}"]
    problems = []
    with pdf:
        if pdf.is_encrypted:
            problems.append("the file is encrypted")
        meta = pdf.open_metadata()
        part, conformance = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        if (part, conformance) != ("2", "B"):
            problems.append(
                f"XMP declares PDF/A part {part!r} conformance {conformance!r}, "
                "not 2 / B"
            )
        intents = pdf.Root.get("/OutputIntents", [])
        if not any(
            intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent
            for intent in intents
        ):
            problems.append("no PDF/A output intent with an ICC profile")
        missing = find_nonembedded_fonts(pdf)
        if missing:
            problems.append(f"fonts not embedded: {', '.join(sorted(missing))}")
        if not meta.get("dc:title"):
            problems.append("no document title (dc:title)")
        if not str(pdf.Root.get("/Lang", "")):
            problems.append("no document language (/Lang)")
        report = pikepdf.pdfa.check(pdf, FLAVOUR)
        problems.extend(
            f"{finding.rule} {finding.where}: {finding.message}"
            for finding in report.findings
        )
    return problems
