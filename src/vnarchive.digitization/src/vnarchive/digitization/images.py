"""Page images out of scanned files: TIFF (multi-page), JPEG, PNG and PDF.

`read_pages(name, data)` returns one `PageImage` per page, decoded, upright and in
mode "1", "L" or "RGB", with its resolution. Anything unusable raises
`PageImageError`, whose `.code` says why and whose message (Vietnamese default,
translated by the i18n machinery) names the file and the page:

- ``empty``: zero bytes;
- ``corrupt``: not decodable (truncated, broken headers, damaged PDF);
- ``encrypted``: an encrypted PDF — any encryption, even without a user password,
  because an archival master must be readable without a key (PDF/A forbids it);
- ``too_large``: a page over `MAX_PIXELS` (150 million pixels, i.e. A2 at 600 dpi
  or A0 at ~300 dpi). Checked from the headers (image header, PDF image dictionary,
  PDF page size) *before* any pixel is decoded, so decompression bombs cost nothing;
- ``unsupported``: not TIFF/JPEG/PNG/PDF (detected from the bytes, not the name);
- ``low_dpi``: resolution below `min_dpi`, *or no resolution recorded at all*: an
  image without DPI cannot be shown to meet the 200-dpi rule nor be placed at its
  true size in the PDF/A, so it is refused with its own message ("no DPI
  information") unless the caller passes `default_dpi` (e.g. after a person has
  confirmed the scanner setting).

PDF pages: a scanned page (one image covering the page, possibly under an
invisible OCR text layer) gives that image at its own resolution, untouched; any
other page (vector text, drawings, several images) is rasterised with pdfium at
`RASTER_DPI` (300).
"""

from dataclasses import dataclass
from PIL import Image
from PIL import ImageFile
from PIL import ImageOps
from vnarchive.content import _
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.errors import message_text
from zope.i18nmessageid import Message

import io
import math
import re
import threading
import warnings


MAX_PIXELS = 150_000_000
RASTER_DPI = 300
CODES = ("empty", "corrupt", "encrypted", "too_large", "unsupported", "low_dpi")

_MESSAGES = {
    "empty": _(
        "digitization_error_empty",
        default="Tệp ${file} rỗng (0 byte). Hãy sao chép lại tệp từ máy quét "
        "hoặc bản gốc rồi nhập lại.",
    ),
    "corrupt": _(
        "digitization_error_corrupt",
        default="Tệp ${file} (trang ${page}) bị hỏng hoặc không đọc được. Hãy "
        "kiểm tra tệp gốc và quét hoặc xuất lại tệp.",
    ),
    "corrupt_file": _(
        "digitization_error_corrupt_file",
        default="Tệp ${file} bị hỏng hoặc không đọc được. Hãy kiểm tra tệp gốc "
        "và quét hoặc xuất lại tệp.",
    ),
    "encrypted": _(
        "digitization_error_encrypted",
        default="Tệp PDF ${file} được mã hóa hoặc đặt mật khẩu. Tài liệu lưu trữ "
        "không được mã hóa: hãy gỡ bỏ mật khẩu/mã hóa rồi nhập lại.",
    ),
    "too_large": _(
        "digitization_error_too_large",
        default="Tệp ${file}, trang ${page}: ảnh quá lớn (${pixels} triệu điểm "
        "ảnh, tối đa ${limit} triệu). Hãy kiểm tra tệp (có thể là tệp độc hại) "
        "hoặc quét lại với độ phân giải phù hợp.",
    ),
    "unsupported": _(
        "digitization_error_unsupported",
        default="Tệp ${file} có định dạng không được hỗ trợ. Chỉ nhận ảnh TIFF, "
        "JPEG, PNG hoặc tệp PDF.",
    ),
    "low_dpi": _(
        "digitization_error_low_dpi",
        default="Tệp ${file}, trang ${page}: độ phân giải ${dpi} dpi thấp hơn "
        "mức tối thiểu ${min_dpi} dpi. Hãy quét lại ở ít nhất ${min_dpi} dpi.",
    ),
    "no_dpi": _(
        "digitization_error_no_dpi",
        default="Tệp ${file}, trang ${page}: ảnh không ghi độ phân giải (DPI), "
        "nên không thể xác nhận đạt mức tối thiểu ${min_dpi} dpi. Hãy quét lại "
        "hoặc lưu ảnh kèm thông tin DPI.",
    ),
}


class PageImageError(ArchivalValidationError):
    """A file (or one of its pages) that cannot become page images."""

    def __init__(self, code, name, page=None, message="", **mapping):
        if code not in CODES:
            raise ValueError(f"unknown problem code {code!r}")
        self.code = code
        self.file_name = name
        self.page = page
        if not message and code == "corrupt" and page is None:
            message = "corrupt_file"
        self._details = (message, mapping)
        mapping = {"file": name, "page": page or 1, **mapping}
        super().__init__(Message(_MESSAGES[message or code], mapping=mapping))

    def __str__(self):
        # Logs and stored page reasons read the text, in the archive's own language.
        return message_text(self.message)

    def __reduce__(self):
        # picklable (worker processes hand errors back): rebuild from the arguments
        message, mapping = self._details
        return (
            _rebuild_error,
            (self.code, self.file_name, self.page, message, mapping),
        )


def _rebuild_error(code, name, page, message, mapping):
    return PageImageError(code, name, page, message, **mapping)


@dataclass
class PageImage:
    number: int  # 1-based page number within the file
    image: Image.Image  # mode "1", "L" or "RGB", upright
    dpi: int
    source_name: str


def _kind(data):
    head = data[:8]
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return None


def _check_kind(name, data):
    if not data:
        raise PageImageError("empty", name)
    kind = _kind(data)
    if kind is None:
        raise PageImageError("unsupported", name)
    return kind


def _check_pixels(name, page, width, height):
    if width * height > MAX_PIXELS:
        raise PageImageError(
            "too_large",
            name,
            page,
            pixels=round(width * height / 1e6),
            limit=MAX_PIXELS // 1_000_000,
        )


def _check_dpi(name, page, dpi, min_dpi, default_dpi):
    if not dpi:
        if default_dpi:
            return int(default_dpi)
        if min_dpi:
            raise PageImageError("low_dpi", name, page, "no_dpi", min_dpi=min_dpi)
        return None
    if min_dpi and dpi < min_dpi:
        raise PageImageError("low_dpi", name, page, dpi=dpi, min_dpi=min_dpi)
    return dpi


def _normalise_mode(image):
    """Mode "1", "L" or "RGB"; alpha flattened onto white paper."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale the used range to 8 bits
        import numpy as np

        pixels = np.asarray(image, dtype=np.float64)
        low, high = float(pixels.min()), float(pixels.max())
        if high <= low:
            high = low + 1
        pixels = (pixels - low) * (255.0 / (high - low))
        return Image.fromarray(pixels.clip(0, 255).astype("uint8"), mode="L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        paper.alpha_composite(rgba)
        grey = image.mode in ("LA", "La")
        return paper.convert("L" if grey else "RGB")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, F ...


def _image_dpi(image):
    """The resolution recorded in the image, rounded; None when unknown."""
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    try:
        values = [float(v) for v in dpi]
    except (TypeError, ValueError):
        return None
    if not values or min(values) <= 1 or not all(math.isfinite(v) for v in values):
        # 1 or 0 dpi is what many tools write for "unknown" (e.g. JFIF aspect ratio)
        return None
    return round(min(values))


def _open_image(name, data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        # over Pillow's own limit (2 x 89 Mpx), found while reading the header
        found = re.search(r"\((\d+) pixels\)", str(error))
        pixels = int(found.group(1)) if found else 2 * Image.MAX_IMAGE_PIXELS
        raise PageImageError(
            "too_large",
            name,
            1,
            pixels=round(pixels / 1e6),
            limit=MAX_PIXELS // 1_000_000,
        ) from None
    except Exception:
        raise PageImageError("corrupt", name) from None


def _frames(name, image, kind):
    if kind != "tiff":
        return 1
    try:
        return image.n_frames
    except Exception:
        raise PageImageError("corrupt", name) from None


_strict = threading.Lock()


def _load_strictly(image):
    """Decode, refusing truncated data even where Plone (plone.scale) has set
    ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` for the whole process."""
    with _strict:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _decode_frame(name, image, number):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            _load_strictly(image)
            frame = ImageOps.exif_transpose(image) or image
            frame = _normalise_mode(frame)
            if frame is image:
                frame = image.copy()
        except PageImageError:
            raise
        except Exception:
            raise PageImageError("corrupt", name, number) from None
    return frame


def _iter_raster(name, data, kind, min_dpi, default_dpi, only=None):
    image = _open_image(name, data)
    count = _frames(name, image, kind)
    numbers = [only] if only else range(1, count + 1)
    for number in numbers:
        if number > count:
            raise IndexError(number)
        if kind == "tiff":
            try:
                image.seek(number - 1)
            except Exception:
                raise PageImageError("corrupt", name, number) from None
        _check_pixels(name, number, *image.size)
        dpi = _check_dpi(name, number, _image_dpi(image), min_dpi, default_dpi)
        yield PageImage(number, _decode_frame(name, image, number), dpi, name)


# -- PDF ------------------------------------------------------------------------


def _open_pdf(name, data):
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise PageImageError("encrypted", name) from None
    except Exception:
        raise PageImageError("corrupt", name) from None
    if pdf.is_encrypted:
        pdf.close()
        raise PageImageError("encrypted", name)
    return pdf


_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "BI", "EI", "ID"}
_SHOW = {"Tj", "TJ", "'", '"'}


def _multiply(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


class _NotAScan(Exception):
    pass


def _placed_images(owner, resources, ctm, placed, depth=0):
    """Collect (image xobject, matrix) drawn by a content stream; raise
    `_NotAScan` on visible text, vector drawing or inline images.

    Form XObjects are followed (an OCR text layer is often wrapped in one).
    """
    if depth > 8:
        raise _NotAScan
    stack = [ctm]
    render_mode = 0
    for operands, operator in _instructions(owner):
        op = str(operator)
        if op == "q":
            stack.append(stack[-1])
        elif op == "Q":
            if len(stack) > 1:
                stack.pop()
        elif op == "cm":
            stack[-1] = _multiply(tuple(float(x) for x in operands), stack[-1])
        elif op == "Tr":
            render_mode = int(operands[0])
        elif (op in _SHOW and render_mode != 3) or op in _PAINT:
            raise _NotAScan  # visible text or drawings: not a plain scan
        elif op == "Do":
            _draw_xobject(resources, operands[0], stack[-1], placed, depth)


def _instructions(owner):
    """The parsed content stream; one pikepdf cannot parse is no plain scan either."""
    import pikepdf

    try:
        return pikepdf.parse_content_stream(owner)
    except Exception:
        raise _NotAScan from None


def _draw_xobject(resources, name, ctm, placed, depth):
    """The `Do` of `_placed_images`: an image is placed, a form followed."""
    xobjects = resources.get("/XObject", {}) if resources else {}
    xobject = xobjects.get(name)
    if xobject is None:
        raise _NotAScan
    if xobject.get("/Subtype") == "/Image":
        placed.append((xobject, ctm))
    elif xobject.get("/Subtype") == "/Form":
        matrix = tuple(float(x) for x in xobject.get("/Matrix", (1, 0, 0, 1, 0, 0)))
        _placed_images(
            xobject,
            xobject.get("/Resources", resources),
            _multiply(matrix, ctm),
            placed,
            depth + 1,
        )
    else:
        raise _NotAScan


def _scanned_image(page):
    """(image xobject, placed width pt, height pt) when the page is one scan."""
    if int(page.obj.get("/Rotate", 0)) % 360:
        return None
    placed = []
    try:
        _placed_images(page, page.obj.get("/Resources"), (1, 0, 0, 1, 0, 0), placed)
    except _NotAScan:
        return None
    if len(placed) != 1:
        return None
    xobject, (a, b, c, d, _e, _f) = placed[0]
    if abs(b) > 1e-6 or abs(c) > 1e-6 or a <= 0 or d <= 0:
        return None  # rotated or mirrored placement: let pdfium draw it
    if "/SMask" in xobject or "/Mask" in xobject or xobject.get("/ImageMask"):
        return None
    box = [float(x) for x in page.mediabox]
    page_w, page_h = abs(box[2] - box[0]), abs(box[3] - box[1])
    if a * d < 0.9 * page_w * page_h:
        return None  # the image does not cover the page
    return xobject, a, d


def _pdf_page(name, pdf, document, number, min_dpi):
    import pikepdf

    page = pdf.pages[number - 1]
    scan = _scanned_image(page)
    if scan is not None:
        xobject, width_pt, height_pt = scan
        width, height = int(xobject.Width), int(xobject.Height)
        _check_pixels(name, number, width, height)
        dpi = round(min(width / (width_pt / 72), height / (height_pt / 72)))
        try:
            image = pikepdf.PdfImage(xobject).as_pil_image()
        except Exception:
            image = None  # a filter pikepdf cannot decode (e.g. JBIG2): rasterise
        if image is not None:
            dpi = _check_dpi(name, number, dpi, min_dpi, None)
            return PageImage(number, _normalise_mode(image), dpi, name)
    box = [float(x) for x in page.mediabox]
    width = abs(box[2] - box[0]) / 72 * RASTER_DPI
    height = abs(box[3] - box[1]) / 72 * RASTER_DPI
    _check_pixels(name, number, round(width), round(height))
    try:
        bitmap = document[number - 1].render(scale=RASTER_DPI / 72)
        image = bitmap.to_pil()
    except Exception:
        raise PageImageError("corrupt", name, number) from None
    return PageImage(number, _normalise_mode(image), RASTER_DPI, name)


def _iter_pdf(name, data, min_dpi, only=None):
    import pypdfium2

    pdf = _open_pdf(name, data)
    try:
        try:
            document = pypdfium2.PdfDocument(data)
        except Exception:
            raise PageImageError("corrupt", name) from None
        try:
            count = len(pdf.pages)
            if not count:
                raise PageImageError("empty", name)
            numbers = [only] if only else range(1, count + 1)
            for number in numbers:
                if number > count:
                    raise IndexError(number)
                yield _pdf_page(name, pdf, document, number, min_dpi)
        finally:
            document.close()
    finally:
        pdf.close()


# -- API ------------------------------------------------------------------------


def iter_pages(name, data, min_dpi=200, default_dpi=None):
    """Yield the pages of a file one by one (for long multi-page files)."""
    kind = _check_kind(name, data)
    if kind == "pdf":
        yield from _iter_pdf(name, data, min_dpi)
    else:
        yield from _iter_raster(name, data, kind, min_dpi, default_dpi)


def read_pages(name, data, min_dpi=200, default_dpi=None):
    """All pages of a scanned file, as `PageImage`s; raises `PageImageError`.

    `name` is the file name shown in messages; `data` the bytes. Pages below
    `min_dpi` (or without DPI, unless `default_dpi` is given) are refused;
    `min_dpi=0` accepts any resolution (dpi is then None when unknown).
    """
    return list(iter_pages(name, data, min_dpi, default_dpi))


def read_page(name, data, number, min_dpi=200, default_dpi=None):
    """Only page `number` (1-based) of a file; IndexError when there is none."""
    kind = _check_kind(name, data)
    if number < 1:
        raise IndexError(number)
    if kind == "pdf":
        pages = _iter_pdf(name, data, min_dpi, only=number)
    else:
        pages = _iter_raster(name, data, kind, min_dpi, default_dpi, only=number)
    return next(iter(pages))


def page_count(name, data):
    """How many pages the file has, without decoding any pixel."""
    kind = _check_kind(name, data)
    if kind == "pdf":
        pdf = _open_pdf(name, data)
        with pdf:
            count = len(pdf.pages)
        if not count:
            raise PageImageError("empty", name)
        return count
    image = _open_image(name, data)
    return _frames(name, image, kind)


def to_png(image, dpi=None):
    """PNG bytes of a page image (e.g. the clean-page derivative) with its DPI.

    zlib level 3 instead of Pillow's 6: on a 300-dpi A4 grayscale page it is
    about twice as fast for a file ~20 % larger, and the PNG goes into the
    PDF/A as it is (no re-encoding).
    """
    buffer = io.BytesIO()
    params = {"compress_level": 3}
    if dpi:
        params["dpi"] = (dpi, dpi)
    image.save(buffer, "PNG", **params)
    return buffer.getvalue()
