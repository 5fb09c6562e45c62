"""OCR of one page image with Tesseract, kept with its word boxes.

`ocr_page` runs Tesseract exactly once per page (hOCR output, image handed over
as an uncompressed TIFF file, ``OMP_THREAD_LIMIT=1`` so pages are parallelised by the caller, not by
OpenMP threads fighting over the cores) and returns a `PageText`: the text
(lines joined by newlines, NFC), the lines with their word boxes and
confidences, and the mean word confidence. `PageText.to_dict()` gives plain
dicts/lists/str/int/float (stored in the ZODB); `with_text()` lays a reviewer's
corrected text onto the OCR line boxes so the PDF/A text layer can be rebuilt
without running Tesseract again.
"""

from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from vnarchive.content.codelists import LANGUAGE

import os
import re
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET


DEFAULT_LANGUAGE = "vie"
TIMEOUT = 600  # seconds for one page; a stuck page fails instead of blocking a worker

# ISO 639-1 codes people and manifests use, besides the national code list
_ISO = {
    "vi": "vie",
    "lo": "lao",
    "en": "eng",
    "fr": "fra",
    "ru": "rus",
    "zh": "chi_sim",
}


class OcrError(RuntimeError):
    """Tesseract failed on a page (the message carries its stderr)."""


@lru_cache(maxsize=1)
def installed_languages():
    """The Tesseract models installed on this machine (`tesseract --list-langs`)."""
    result = subprocess.run(
        ["tesseract", "--list-langs"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return frozenset(
        line.strip()
        for line in result.stdout.splitlines()[1:]
        if line.strip() and line.strip() != "osd"
    )


def tesseract_languages(codes):
    """Tesseract's language string ("vie+eng") for language codes.

    `codes` is one code or a list: national codes of `codelists.LANGUAGE` ("01",
    "06", "lo"), ISO codes ("vi", "en", "fr", "lo") or Tesseract names ("vie",
    "vie+eng"). Order is kept (the first language leads), duplicates dropped,
    models that are not installed are left out; nothing left means "vie".
    """
    if isinstance(codes, str):
        codes = [codes]
    wanted = []
    for code in codes or ():
        code = (code or "").strip()
        if not code:
            continue
        value = LANGUAGE.fact(code, "tesseract") or _ISO.get(code.lower(), code)
        wanted.extend(part for part in value.split("+") if part)
    installed = installed_languages()
    chosen = []
    for name in wanted:
        if name in installed and name not in chosen:
            chosen.append(name)
    return "+".join(chosen) or DEFAULT_LANGUAGE


def normalize_text(text):
    """NFC, and Lao AM written as one character as Unicode recommends.

    Tesseract's Lao model emits U+0ECD U+0EB2 (NIGGAHITA + AA) for SARA AM
    (U+0EB3): the same on paper, but searches for "ກຳນົດ" would miss "ກໍານົດ".
    """
    text = unicodedata.normalize("NFC", text or "")
    return text.replace("\u0ecd\u0eb2", "\u0eb3")


# -- data -------------------------------------------------------------------------


def _box(value):
    return tuple(round(float(v)) for v in value)


@dataclass
class Word:
    text: str
    bbox: tuple  # (x0, y0, x1, y1) pixels, origin top-left
    confidence: float  # 0..100

    def to_dict(self):
        return {
            "text": self.text,
            "bbox": list(self.bbox),
            "confidence": float(self.confidence),
        }

    @classmethod
    def from_dict(cls, data):
        return cls(data["text"], _box(data["bbox"]), float(data.get("confidence", 0)))


@dataclass
class Line:
    bbox: tuple
    words: list = field(default_factory=list)
    # hOCR baseline: y = slope * x + offset, relative to the bottom-left of bbox
    baseline: tuple = (0.0, 0.0)

    @property
    def text(self):
        return " ".join(word.text for word in self.words)

    def to_dict(self):
        return {
            "bbox": list(self.bbox),
            "baseline": [float(v) for v in self.baseline],
            "words": [word.to_dict() for word in self.words],
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            _box(data["bbox"]),
            [Word.from_dict(word) for word in data.get("words", ())],
            tuple(float(v) for v in data.get("baseline", (0.0, 0.0))),
        )


@dataclass
class PageText:
    text: str
    lines: list
    confidence: float | None  # mean word confidence 0..100, None without words
    width: int
    height: int
    dpi: int
    languages: str

    @property
    def words(self):
        return [word for line in self.lines for word in line.words]

    def to_dict(self):
        return {
            "version": 1,
            "text": self.text,
            "confidence": None if self.confidence is None else float(self.confidence),
            "width": int(self.width),
            "height": int(self.height),
            "dpi": int(self.dpi),
            "languages": self.languages,
            "lines": [line.to_dict() for line in self.lines],
        }

    @classmethod
    def from_dict(cls, data):
        confidence = data.get("confidence")
        return cls(
            text=data.get("text", ""),
            lines=[Line.from_dict(line) for line in data.get("lines", ())],
            confidence=None if confidence is None else float(confidence),
            width=int(data.get("width", 0)),
            height=int(data.get("height", 0)),
            dpi=int(data.get("dpi", 300)),
            languages=data.get("languages", DEFAULT_LANGUAGE),
        )

    def with_text(self, corrected_text):
        """This page with `corrected_text`, laid onto the OCR line boxes.

        The text becomes `corrected_text` (NFC, the reviewer's line breaks kept);
        the lines keep the OCR layout so a regenerated text layer stays on the
        image. Same number of (non-blank) lines: corrected line n goes onto OCR
        line n. Otherwise the corrected words are aligned with the OCR words
        (difflib) and each goes onto the line of the OCR word it replaces;
        words inserted by the reviewer join their neighbour. Within a line an
        unchanged word keeps its box, changed words share the boxes of the words
        they replace. Without any OCR word, lines are stacked down the page.
        Corrected words get confidence 100 (a person read them).
        """
        text = normalize_text(corrected_text).replace("\r\n", "\n").replace("\r", "\n")
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
        wanted = [line.split() for line in text.split("\n") if line.strip()]
        ocr = [line for line in self.lines if line.words]
        if not wanted:
            lines = []
        elif not ocr:
            lines = _stacked(self, wanted)
        elif len(ocr) == len(wanted):
            lines = [
                Line(line.bbox, _place(line.words, words), line.baseline)
                for line, words in zip(ocr, wanted, strict=True)
            ]
        else:
            lines = _realign(ocr, [word for words in wanted for word in words])
        return PageText(
            text=text,
            lines=lines,
            confidence=100.0 if lines else None,
            width=self.width,
            height=self.height,
            dpi=self.dpi,
            languages=self.languages,
        )


def _assign(old, new):
    """For each new word, the (start, end) range of old words it stands for.

    Equal words map one to one; a replaced run of old words is shared out in
    order; inserted words share the range of their left (or right) neighbour.
    """
    from difflib import SequenceMatcher

    ranges = [None] * len(new)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(j2 - j1):
                ranges[j1 + k] = (i1 + k, i1 + k + 1)
        elif tag == "replace":
            n, m = i2 - i1, j2 - j1
            for k in range(m):
                start = i1 + k * n // m
                ranges[j1 + k] = (start, max(start + 1, i1 + (k + 1) * n // m))
    _share_with_inserted(ranges, old)
    return ranges


def _share_with_inserted(ranges, old):
    """Give the inserted words (range None) the range of a neighbour, in place."""
    for j, value in enumerate(ranges):  # insertions: lean on the left neighbour
        if value is None and j > 0:
            ranges[j] = ranges[j - 1]
    for j in range(len(ranges) - 1, -1, -1):  # ... or the right one at the start
        if ranges[j] is None:
            if j + 1 < len(ranges) and ranges[j + 1] is not None:
                ranges[j] = ranges[j + 1]
            else:
                ranges[j] = (0, min(1, len(old))) if old else None


def _union(boxes):
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _boxes_for(old_boxes, ranges, words):
    """Boxes for `words` given their old-word ranges (shared ranges are split)."""
    boxes = [None] * len(words)
    j = 0
    while j < len(words):
        k = j
        while k + 1 < len(words) and ranges[k + 1] == ranges[j]:
            k += 1
        start, end = ranges[j]
        box = _union(old_boxes[start:end])
        group = words[j : k + 1]
        boxes[j : k + 1] = [box] if len(group) == 1 else _spread(box, group)
        j = k + 1
    return boxes


def _place(old_words, words):
    """Corrected `words` on one OCR line whose words were `old_words`."""
    ranges = _assign([w.text for w in old_words], words)
    boxes = _boxes_for([w.bbox for w in old_words], ranges, words)
    return [Word(word, box, 100.0) for word, box in zip(words, boxes, strict=True)]


def _realign(ocr, words):
    """Corrected `words` (whole page) onto the OCR lines they replace."""
    old = [(index, word) for index, line in enumerate(ocr) for word in line.words]
    ranges = _assign([word.text for _, word in old], words)
    per_line = {}
    for word, (start, end) in zip(words, ranges, strict=True):
        line_index = old[start][0]
        # a word standing for several old words keeps those on its first line
        end = next(
            (i for i in range(start, end) if old[i][0] != line_index),
            end,
        )
        per_line.setdefault(line_index, []).append((word, (start, end)))
    lines = []
    for index, line in enumerate(ocr):
        if index not in per_line:
            continue
        placed = per_line[index]
        boxes = _boxes_for(
            [word.bbox for _, word in old],
            [value for _, value in placed],
            [word for word, _ in placed],
        )
        lines.append(
            Line(
                line.bbox,
                [Word(w, b, 100.0) for (w, _), b in zip(placed, boxes, strict=True)],
                line.baseline,
            )
        )
    return lines


def _stacked(page, wanted):
    """Lines stacked down the page, for text without any OCR layout."""
    margin_x, margin_y = page.width // 10, page.height // 12
    step = max(1, min((page.height - 2 * margin_y) // len(wanted), page.dpi // 4))
    lines = []
    for i, words in enumerate(wanted):
        box = (
            margin_x,
            margin_y + i * step,
            page.width - margin_x,
            margin_y + (i + 1) * step,
        )
        lines.append(
            Line(
                box,
                [
                    Word(w, b, 100.0)
                    for w, b in zip(words, _spread(box, words), strict=True)
                ],
            )
        )
    return lines


def _spread(box, words):
    """Word boxes across a box, in proportion to the word lengths."""
    x0, y0, x1, y1 = box
    lengths = [max(1, len(word)) for word in words]
    total = sum(lengths) + (len(words) - 1)  # one character per space
    unit = (x1 - x0) / total if total else 0
    boxes, x = [], float(x0)
    for length in lengths:
        end = x + length * unit
        boxes.append((round(x), y0, max(round(x) + 1, round(end)), y1))
        x = end + unit
    return boxes


# -- hOCR ---------------------------------------------------------------------------

_BBOX = re.compile(r"bbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_WCONF = re.compile(r"x_wconf\s+(-?[\d.]+)")
_BASELINE = re.compile(r"baseline\s+(-?[\d.]+)\s+(-?[\d.]+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_footer", "ocr_caption", "ocr_textfloat"}


def _classes(element):
    return set((element.get("class") or "").split())


def parse_hocr(hocr, width, height, dpi, languages):
    """A `PageText` from Tesseract's hOCR (bytes or str)."""
    root = ET.fromstring(hocr)  # noqa: S314 - hOCR our own Tesseract just wrote
    lines = []
    for element in root.iter():
        if not (_classes(element) & _LINE_CLASSES):
            continue
        title = element.get("title", "")
        found = _BBOX.search(title)
        if not found:
            continue
        baseline = _BASELINE.search(title)
        line = Line(
            _box(found.groups()),
            [],
            (float(baseline.group(1)), float(baseline.group(2)))
            if baseline
            else (0.0, 0.0),
        )
        for child in element.iter():
            if "ocrx_word" not in _classes(child):
                continue
            text = normalize_text("".join(child.itertext())).strip()
            word_title = child.get("title", "")
            box = _BBOX.search(word_title)
            if not text or not box:
                continue
            conf = _WCONF.search(word_title)
            line.words.append(
                Word(text, _box(box.groups()), float(conf.group(1)) if conf else 0.0)
            )
        if line.words:
            lines.append(line)
    words = [word for line in lines for word in line.words]
    confidence = (
        round(sum(word.confidence for word in words) / len(words), 2) if words else None
    )
    return PageText(
        text="\n".join(line.text for line in lines),
        lines=lines,
        confidence=confidence,
        width=width,
        height=height,
        dpi=dpi,
        languages=languages,
    )


def tesseract_env():
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def ocr_page(image, languages=DEFAULT_LANGUAGE, dpi=300, psm=3, timeout=TIMEOUT):
    """OCR one page image (PIL) with one Tesseract run; returns a `PageText`.

    `languages` is a Tesseract language string ("vie", "vie+eng", "lao"); use
    `tesseract_languages()` to get one from the record's language codes. The
    image goes to Tesseract as an uncompressed TIFF in a temporary file: no
    compression cost, and measured cheaper for Tesseract than stdin, PNG or PNM.
    """
    languages = languages or DEFAULT_LANGUAGE
    dpi = int(dpi or 300)
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")
    with tempfile.NamedTemporaryFile(prefix="vnarchive-ocr-", suffix=".tif") as source:
        image.save(source, "TIFF", dpi=(dpi, dpi))
        source.flush()
        command = [
            "tesseract",
            source.name,
            "stdout",
            "-l",
            languages,
            "--dpi",
            str(dpi),
            "--psm",
            str(psm),
            "hocr",
        ]
        try:
            result = subprocess.run(  # noqa: S603 - our command, no shell
                command, capture_output=True, env=tesseract_env(), timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise OcrError(f"tesseract did not finish within {timeout} s") from None
    if result.returncode != 0 or not result.stdout.strip():
        raise OcrError(
            f"tesseract failed ({result.returncode}): "
            + result.stderr.decode("utf-8", "replace").strip()[-500:]
        )
    return parse_hocr(result.stdout, image.width, image.height, dpi, languages)
