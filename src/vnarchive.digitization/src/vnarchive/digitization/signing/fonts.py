"""Liberation Serif for the visible signature: found, measured, embedded.

Liberation Serif is metric-compatible with Times New Roman, the face the national rule
names. Debian's `fonts-liberation` (1.07) has no Vietnamese letters beyond those of
Latin-1 (no ư, ơ, ạ, ế…); `fonts-liberation2` (2.1) has them all, so only that one is used.

pyHanko 0.38's `GlyphAccumulator` writes glyph widths, kerning adjustments and font
metrics in the font's own units, which is right only for fonts of 1000 units per em;
Liberation has 2048, so its text would be spread to twice its width and the widths
would disagree with the font program (PDF/A forbids that). `EmGlyphAccumulator` puts
everything in PDF's glyph space of 1000 units per em.
"""

from functools import lru_cache
from pathlib import Path
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from vnarchive.digitization.signing.errors import SigningError

import uharfbuzz


FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
PDF_UNITS = 1000  # glyph space units per em in PDF
SCALED_METRICS = ("/Ascent", "/Descent", "/CapHeight")


@lru_cache(maxsize=1)
def font_path():
    if not Path(FONT).is_file():
        raise SigningError("font")
    return FONT


@lru_cache(maxsize=1)
def _shaper():
    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(font_path()))
    return uharfbuzz.Font(face), face.upem


def _shape(text):
    font, _ = _shaper()
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {})
    return buffer


@lru_cache(maxsize=256)
def text_width(text, size):
    """Width in points of one line of `text` in Liberation Serif at `size` points."""
    _, units = _shaper()
    advances = sum(position.x_advance for position in _shape(text).glyph_positions)
    return advances * size / units


def _has_glyph(character):
    return character.isspace() or _shape(character).glyph_infos[0].codepoint != 0


def missing_letters(text):
    """The characters of `text` the font has no glyph for ("" when it has them all)."""
    return "".join(sorted({char for char in text if not _has_glyph(char)}))


class EmGlyphAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator, in PDF's 1000 units per em."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._to_pdf_units = PDF_UNITS / self.units_per_em
        self.units_per_em = PDF_UNITS
        self.hb_font.scale = (PDF_UNITS, PDF_UNITS)
        descriptor = self.cidfont_obj._font_descriptor
        for key in SCALED_METRICS:
            descriptor[key] = self._scaled(descriptor[key])
        descriptor["/FontBBox"] = generic.ArrayObject(
            self._scaled(value) for value in descriptor["/FontBBox"]
        )

    def _scaled(self, value):
        return generic.NumberObject(round(int(value) * self._to_pdf_units))

    def _get_cid_and_width(self, glyph_id):
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, round(width * self._to_pdf_units))
        return self._glyphs[glyph_id]


class EmGlyphAccumulatorFactory(GlyphAccumulatorFactory):
    """Makes `EmGlyphAccumulator`s (as pyHanko's factory makes its accumulators)."""

    def create_font_engine(self, writer, obj_stream=None):
        handle = open(self.font_file, "rb")  # noqa: SIM115 - the engine reads it later
        if (
            obj_stream is None
            and writer.stream_xrefs
            and self.create_objstream_if_needed
        ):
            obj_stream = writer.prepare_object_stream()
        return EmGlyphAccumulator(
            writer=writer,
            font_handle=handle,
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
