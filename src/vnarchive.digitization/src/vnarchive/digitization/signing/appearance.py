"""The visible signature the national rule gives digitized files.

vn-archives.md §4: the agency's name and the signing time (ISO 8601, Vietnam time),
upright Times New Roman 10 pt, black, at the top right of page 1, no seal image.
Liberation Serif 2 (Debian's fonts-liberation2, metric-compatible with Times New Roman)
is embedded as an OpenType subset through pyHanko's glyph accumulator (`fonts`), so
Vietnamese letters with their marks render and extract as text.

The box is measured (HarfBuzz, as pyHanko shapes the text) so that the text is set at its
natural 10 pt, never scaled; an agency name wider than half the page is wrapped on word
boundaries. The box is placed against the top-right corner of page 1 *as it is shown*:
for a page with /Rotate, the appearance is turned the other way so that the text reads
upright. Appearance for PDF/A: no border, no background (no transparency), text in the
default black, the font embedded, the widget printable (pyHanko sets the print flag).

A certified copy (docs/copies.md) is signed with the archive's seal, as copies made by an
archive are stamped: `Seal` names the seal image (a PNG, `SigningSettings.seal`) and the
box the caller chose on its own certification page; the seal fills the height of the box
at its left, and the same two lines (agency, time) start over its right part, as a stamp
pressed over a signature. The seal's transparency is kept (PDF/A-2 allows it).
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp.text import TextStamp
from pyhanko.stamp.text import TextStampStyle
from vnarchive.digitization.signing import fonts
from vnarchive.digitization.signing.errors import SigningError


# Vietnam has kept UTC+7 without daylight saving since 1975.
VIETNAM = timezone(timedelta(hours=7), "+07:00")
FONT_SIZE = 10
LEADING = 12
MARGIN = 18  # points between the box and the edges of the page
PADDING = 3  # points between the text and the edges of the box
SLACK = 1  # points added to the measured width (rounding in the shaper)
TEXT = "%(agency)s\n%(signed_at)s"
SEAL_OVERLAP = 0.6  # the text starts this far across the seal (of the box's height)
SEAL_PIXELS = 600  # a larger seal image is scaled down to this (about 300 dpi at 5 cm)


def vietnam_time(moment=None):
    """`moment` (now when None; a naive one is taken as Vietnam time) in +07:00."""
    if moment is None:
        return datetime.now(VIETNAM).replace(microsecond=0)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM)


def iso_time(moment):
    """ISO 8601 with the Vietnam offset: 2026-05-04T09:30:00+07:00."""
    return vietnam_time(moment).isoformat(timespec="seconds")


def text_width(text):
    return fonts.text_width(text, FONT_SIZE)


def wrap(text, width):
    """`text` in lines no wider than `width` (a word wider than that stands alone)."""
    lines = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Placement:
    """Where the signature goes on page 1 and what it says."""

    rect: tuple  # (x1, y1, x2, y2) in the page's default user space
    rotation: int  # the page's /Rotate (0, 90, 180, 270)
    agency_lines: tuple
    signed_at: str  # ISO 8601, +07:00

    @property
    def text_params(self):
        return {"agency": "\n".join(self.agency_lines), "signed_at": self.signed_at}


def _shown_size(box, rotation):
    x0, y0, x1, y1 = box
    if rotation in (90, 270):
        return y1 - y0, x1 - x0
    return x1 - x0, y1 - y0


def _to_user_space(box, rotation, x, y):
    """A point of the page as shown (origin bottom left) in default user space."""
    x0, y0, x1, y1 = box
    return {
        0: (x0 + x, y0 + y),
        90: (x1 - y, y0 + x),
        180: (x1 - x, y1 - y),
        270: (x0 + y, y1 - x),
    }[rotation]


def place(box, rotation, agency, moment):
    """The `Placement` of the signature on a page with visible `box` and `rotation`."""
    missing = fonts.missing_letters(agency)
    if missing:
        raise SigningError("font_letters", missing=missing)
    signed_at = iso_time(moment)
    shown_width, shown_height = _shown_size(box, rotation)
    widest = max(shown_width / 2 - MARGIN - 2 * PADDING, text_width(signed_at))
    lines = tuple(wrap(agency, widest))
    text = max(text_width(line) for line in (*lines, signed_at)) + SLACK
    width = text + 2 * PADDING
    height = LEADING * (len(lines) + 1) + 2 * PADDING
    right, top = shown_width - MARGIN, shown_height - MARGIN
    corners = [
        _to_user_space(box, rotation, x, y)
        for x in (right - width, right)
        for y in (top - height, top)
    ]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    rect = (min(xs), min(ys), max(xs), max(ys))
    return Placement(rect, rotation, lines, signed_at)


# Turns the text counter-clockwise by the page's /Rotate, so that it reads upright.
_MATRICES = {
    90: (0, 1, -1, 0, 0, 0),
    180: (-1, 0, 0, -1, 0, 0),
    270: (0, -1, 1, 0, 0, 0),
}


@dataclass(frozen=True)
class UprightTextStampStyle(TextStampStyle):
    """A text stamp that reads upright on a page with /Rotate."""

    rotation: int = 0

    def create_stamp(self, writer, box, text_params):
        if self.rotation in (90, 270):
            box = layout.BoxConstraints(width=box.height, height=box.width)
        return UprightTextStamp(
            writer=writer, style=self, box=box, text_params=text_params
        )


class UprightTextStamp(TextStamp):
    def as_form_xobject(self):
        xobject = super().as_form_xobject()
        matrix = _MATRICES.get(self.style.rotation)
        if matrix:
            xobject["/Matrix"] = generic.ArrayObject(
                generic.NumberObject(value) for value in matrix
            )
        return xobject


def _text_box_style():
    return TextBoxStyle(
        font=fonts.EmGlyphAccumulatorFactory(fonts.font_path(), font_size=FONT_SIZE),
        font_size=FONT_SIZE,
        leading=LEADING,
        border_width=0,
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


def stamp_style(placement):
    """pyHanko's style for the national appearance at `placement`."""
    top_left = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MAX,
        margins=layout.Margins.uniform(PADDING),
        inner_content_scaling=layout.InnerScaling.NO_SCALING,
    )
    return UprightTextStampStyle(
        text_box_style=_text_box_style(),
        inner_content_layout=top_left,
        stamp_text=TEXT,
        border_width=0,
        background=None,
        rotation=placement.rotation,
    )


# ---- certified copies: the seal ----


@dataclass(frozen=True)
class Seal:
    """The signature of a certified copy: the seal image `image` (a PNG file) with the
    agency's name and the signing time, in `rect` (x1, y1, x2, y2, default user space)
    of page `page` (0 is the first)."""

    image: str
    rect: tuple
    page: int = 0


def load_seal(path):
    """The seal image (RGBA, at most SEAL_PIXELS wide or high); `SigningError`
    ("seal_file") when it is not a PNG that can be read."""
    try:
        with Image.open(path) as image:
            if image.format != "PNG":
                raise SigningError("seal_file", file=path, detail=f"{image.format}")
            seal = image.convert("RGBA")
    except OSError as error:
        raise SigningError("seal_file", file=path, detail=str(error)[:200]) from error
    seal.thumbnail((SEAL_PIXELS, SEAL_PIXELS))
    return seal


def place_sealed(seal, agency, moment):
    """The `Placement` of the text beside the seal in `seal.rect` (upright)."""
    missing = fonts.missing_letters(agency)
    if missing:
        raise SigningError("font_letters", missing=missing)
    signed_at = iso_time(moment)
    x1, y1, x2, y2 = seal.rect
    widest = (x2 - x1) - (y2 - y1) * SEAL_OVERLAP - 2 * PADDING
    lines = tuple(wrap(agency, max(widest, text_width(signed_at))))
    return Placement((x1, y1, x2, y2), 0, lines, signed_at)


def sealed_style(placement, image):
    """pyHanko's style for a certified copy: `image` (from `load_seal`) at the left of
    the box, as high as the box, the text over its right part, centred vertically."""
    height = placement.rect[3] - placement.rect[1]
    beside_seal = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins(left=height * SEAL_OVERLAP + PADDING, right=PADDING),
        inner_content_scaling=layout.InnerScaling.NO_SCALING,
    )
    seal_at_left = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MIN,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins.uniform(0),
        inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
    )
    return TextStampStyle(
        text_box_style=_text_box_style(),
        inner_content_layout=beside_seal,
        stamp_text=TEXT,
        border_width=0,
        background=PdfImage(
            image, box=layout.BoxConstraints(image.width, image.height)
        ),
        background_layout=seal_at_left,
        background_opacity=1.0,
    )
