"""Reading the PDF to sign or check: refusals in plain words, page 1's geometry."""

from contextlib import contextmanager
from io import BytesIO
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
from pyhanko.sign.general import SigningError as PyHankoSigningError
from vnarchive.digitization.signing.errors import SigningError


# What a damaged file raises while pyHanko reads it (lazily: some only when an object is
# first needed, so the whole of signing or checking runs under `readable`).
READ_ERRORS = (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError)


@contextmanager
def readable():
    """Turn the errors of a damaged PDF into `SigningError` ("corrupt")."""
    try:
        yield
    except (SigningError, PyHankoSigningError):
        raise  # not the file's fault (pyHanko's SigningError is a ValueError)
    except READ_ERRORS as error:
        raise SigningError("corrupt", detail=_detail(error)) from error


def _detail(error):
    return f"{type(error).__name__}: {str(error)[:200]}"


def open_document(data):
    """A pyHanko reader of `data`; `SigningError` for what is not a readable, unencrypted
    PDF."""
    if not data or b"%PDF-" not in bytes(data[:1024]):
        raise SigningError("corrupt", detail="not a PDF")
    with readable():
        reader = PdfFileReader(BytesIO(data), strict=True)
        if reader.encrypted:
            raise SigningError("encrypted")
        reader.root["/Pages"]
    return reader


def _box(value):
    x0, y0, x1, y1 = (float(number) for number in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _within(box, bounds):
    return (
        max(box[0], bounds[0]),
        max(box[1], bounds[1]),
        min(box[2], bounds[2]),
        min(box[3], bounds[3]),
    )


def first_page(reader):
    """(visible box, rotation) of page 1: its crop box within its media box (inherited
    from the page tree as PDF allows) and its /Rotate as 0, 90, 180 or 270."""
    with readable():
        page_ref, _ = reader.find_page_for_modification(0)
        page = page_ref.get_object()
        box = _box(find_inherited_value_in_tree(page, "/MediaBox", "/Parent"))
        crop = find_inherited_value_in_tree(page, "/CropBox", "/Parent")
        if crop is not None:
            box = _within(_box(crop), box)
        rotation = int(find_inherited_value_in_tree(page, "/Rotate", "/Parent") or 0)
    return box, round(rotation / 90) * 90 % 360
