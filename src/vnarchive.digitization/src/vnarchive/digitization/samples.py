"""Printed pages with known text, for tests and the OCR benchmark.

`render_page` draws text as a scanner would see a printed page: white paper,
black serif type, margins, optional skew and salt-and-pepper noise, the
resolution recorded in ``image.info["dpi"]``. The text that actually fits on
the page is kept in ``image.info["text"]`` (the ground truth for error rates).

Shaping: Lao needs a shaping engine (tone marks stacked over vowels and
consonants). Pillow uses libraqm (HarfBuzz + FriBiDi) when it is available;
``render_page`` refuses to draw Lao without it rather than draw broken Lao.
"""

from pathlib import Path
from PIL import features
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

import numpy as np
import unicodedata


FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/lao"),
)

# First existing file wins (Debian: fonts-noto-core, fonts-dejavu-core, fonts-lao).
FONTS = {
    "latin": ("NotoSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "lo": ("Phetsarath_OT.ttf", "NotoSerifLao-Regular.ttf", "NotoSansLao-Regular.ttf"),
}

PAGE_SIZES_MM = {
    "a4": (210, 297),
    "a5": (148, 210),
    "a6": (105, 148),
}

SAMPLE_TEXTS = {
    "vi": (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n"
        "QUYẾT ĐỊNH về việc ban hành Quy chế công tác văn thư, lưu trữ của Ủy ban "
        "nhân dân tỉnh. Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý, "
        "bảo quản và khai thác tài liệu lưu trữ tại cơ quan. Điều 2. Chánh Văn "
        "phòng, Giám đốc các sở, thủ trưởng các cơ quan, đơn vị có liên quan chịu "
        "trách nhiệm thi hành Quyết định này kể từ ngày ký. Hồ sơ có thời hạn bảo "
        "quản vĩnh viễn phải được nộp vào Lưu trữ lịch sử đúng thời hạn quy định; "
        "đơn vị nào để thất lạc tài liệu sẽ bị xử lý theo quy định của pháp luật."
    ),
    "lo": (
        "ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ\n"
        "ສັນຕິພາບ ເອກະລາດ ປະຊາທິປະໄຕ ເອກະພາບ ວັດທະນະຖາວອນ\n"
        "ແຈ້ງການ ກ່ຽວກັບການເກັບຮັກສາເອກະສານ ແລະ ການຈັດຕັ້ງປະຕິບັດວຽກງານເອກະສານ "
        "ໃນຂອບເຂດທົ່ວປະເທດ. ບັນດາກະຊວງ ອົງການ ແລະ ແຂວງ ຕ້ອງສົ່ງເອກະສານທີ່ມີຄຸນຄ່າ "
        "ໃຫ້ຫໍເອກະສານແຫ່ງຊາດ ພາຍໃນກຳນົດເວລາ ສິບປີ ນັບແຕ່ວັນທີ່ເອກະສານໄດ້ສຳເລັດ. "
        "ຜູ້ທີ່ເຮັດໃຫ້ເອກະສານເສຍຫາຍ ຈະຖືກລົງໂທດຕາມກົດໝາຍ."
    ),
    "en": (
        "SOCIALIST REPUBLIC OF VIETNAM\n"
        "Independence - Freedom - Happiness\n"
        "DECISION on the records management regulation of the Provincial People's "
        "Committee. Article 1. The regulation on the management, preservation and "
        "use of archival records attached to this Decision is hereby issued. "
        "Article 2. The Chief of Office, the directors of departments and the heads "
        "of the agencies concerned are responsible for implementing this Decision "
        "from the date of signature. Files kept permanently shall be transferred to "
        "the historical archives within ten years."
    ),
    "fr": (
        "RÉPUBLIQUE SOCIALISTE DU VIETNAM\n"
        "Indépendance - Liberté - Bonheur\n"
        "DÉCISION portant règlement des archives du Comité populaire de la "
        "province. Article premier. Est approuvé le règlement relatif à la "
        "gestion, à la conservation et à la communication des archives annexé à "
        "la présente décision. Article 2. Le chef de cabinet, les directeurs des "
        "services et les responsables des organismes concernés sont chargés de "
        "l'exécution de la présente décision, qui prend effet à la date de sa "
        "signature. Les dossiers à conservation définitive sont versés aux "
        "archives historiques dans un délai de dix ans."
    ),
}


def font_path(language="vi"):
    """The Debian font file used for `language` (Lao: Phetsarath OT)."""
    names = FONTS["lo"] if language in ("lo", "lao") else FONTS["latin"]
    for name in names:
        for directory in FONT_DIRS:
            path = directory / name
            if path.exists():
                return str(path)
    raise FileNotFoundError(f"no font for {language!r}: install {', '.join(names)}")


def _page_pixels(size, dpi):
    if isinstance(size, str):
        size = PAGE_SIZES_MM[size.lower()]
    width_mm, height_mm = size
    return round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)


def _wrap(draw, text, font, width):
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and draw.textlength(candidate, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def render_page(
    text,
    language="vi",
    dpi=300,
    skew_degrees=0.0,
    noise=0.0,
    size="a4",
    font=None,
    font_size_pt=12,
    seed=0,
):
    """A grayscale page with `text` printed on it, as a scan at `dpi`.

    `size` is "a4", "a5", "a6" or (width_mm, height_mm); margins are 20 mm (less on
    small pages). `skew_degrees` rotates the printed page (counter-clockwise);
    `noise` is the fraction of pixels turned to salt-and-pepper (0..1), with a
    fixed `seed` so pages are reproducible. Lines that do not fit are left out;
    ``image.info["text"]`` holds what was printed (NFC, one line per line).
    """
    lao = language in ("lo", "lao")
    if lao and not features.check("raqm"):
        raise RuntimeError("Pillow without libraqm cannot shape Lao text")
    width, height = _page_pixels(size, dpi)
    margin = min(round(20 / 25.4 * dpi), width // 10)
    face = ImageFont.truetype(
        font or font_path(language),
        size=round(font_size_pt / 72 * dpi),
        layout_engine=ImageFont.Layout.RAQM
        if features.check("raqm")
        else ImageFont.Layout.BASIC,
    )
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    text = unicodedata.normalize("NFC", text)
    ascent, descent = face.getmetrics()
    leading = round((ascent + descent) * (1.5 if lao else 1.35))
    y = margin
    printed = []
    for line in _wrap(draw, text, face, width - 2 * margin):
        if y + ascent + descent > height - margin:
            break
        if line:
            draw.text((margin, y), line, font=face, fill=0)
        printed.append(line)
        y += leading
    if skew_degrees:
        page = page.rotate(
            skew_degrees, resample=Image.Resampling.BICUBIC, fillcolor=255
        )
    if noise:
        pixels = np.asarray(page).copy()
        rng = np.random.default_rng(seed)
        hit = rng.random(pixels.shape)
        pixels[hit < noise / 2] = 0
        pixels[(hit >= noise / 2) & (hit < noise)] = 255
        page = Image.fromarray(pixels, mode="L")
    page.info["dpi"] = (dpi, dpi)
    page.info["text"] = "\n".join(line for line in printed if line)
    return page
