"""OCR with real Tesseract, the PageText model and character error rates."""

from vnarchive.digitization.cer import character_error_rate
from vnarchive.digitization.cer import levenshtein
from vnarchive.digitization.ocr import normalize_text
from vnarchive.digitization.ocr import ocr_page
from vnarchive.digitization.ocr import OcrError
from vnarchive.digitization.ocr import PageText
from vnarchive.digitization.ocr import parse_hocr
from vnarchive.digitization.ocr import tesseract_languages
from vnarchive.digitization.samples import render_page
from vnarchive.digitization.samples import SAMPLE_TEXTS

import json
import PIL.features
import pytest
import random
import unicodedata


LAO_WORDS = ("ສາທາລະນະລັດ", "ປະຊາທິປະໄຕ", "ປະຊາຊົນລາວ", "ເອກະສານ", "ແຫ່ງຊາດ")


@pytest.fixture(scope="module")
def vietnamese():
    page = render_page(SAMPLE_TEXTS["vi"], "vi", dpi=300, size="a6")
    return page, ocr_page(page, "vie", 300)


@pytest.fixture(scope="module")
def lao():
    page = render_page(SAMPLE_TEXTS["lo"], "lo", dpi=300, size="a6")
    return page, ocr_page(page, "lao", 300)


def test_tesseract_languages():
    assert tesseract_languages(["vi", "en"]) == "vie+eng"
    assert tesseract_languages("06") == "vie+eng"  # national code Việt - Anh
    assert tesseract_languages(["01", "03"]) == "vie+fra"
    assert tesseract_languages(["lo"]) == "lao"
    assert tesseract_languages(["lo", "vi", "lo"]) == "lao+vie"
    assert tesseract_languages("vie+fra") == "vie+fra"
    assert tesseract_languages([]) == "vie"
    assert tesseract_languages(None) == "vie"
    assert tesseract_languages(["", "09", "xx"]) == "vie"  # Hán Nôm: no model


def test_samples_have_full_vietnamese_and_lao_marks():
    assert PIL.features.check("raqm")  # Lao needs shaping to be drawn right
    vi = SAMPLE_TEXTS["vi"]
    assert "đ" in vi
    assert "Đ" in vi
    assert unicodedata.is_normalized("NFC", vi)
    assert any(mark in SAMPLE_TEXTS["lo"] for mark in "\u0ec8\u0ec9")  # tone marks
    page = render_page(SAMPLE_TEXTS["en"], "en", dpi=200, size=(100, 80))
    assert page.mode == "L"
    assert page.info["dpi"] == (200, 200)
    assert page.size == (787, 630)


def test_vietnamese_ocr(vietnamese):
    page, text = vietnamese
    assert character_error_rate(page.info["text"], text.text) < 0.02
    assert "QUYẾT ĐỊNH" in text.text
    assert unicodedata.is_normalized("NFC", text.text)
    assert 80 <= text.confidence <= 100
    assert (text.width, text.height, text.dpi, text.languages) == (
        page.width,
        page.height,
        300,
        "vie",
    )
    assert text.text == "\n".join(line.text for line in text.lines)
    for line in text.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= page.width
        assert 0 <= y0 < y1 <= page.height
        for word in line.words:
            assert x0 <= word.bbox[0] < word.bbox[2] <= x1
            assert 0 <= word.confidence <= 100
    words = text.words
    assert text.confidence == pytest.approx(
        sum(w.confidence for w in words) / len(words), abs=0.01
    )


def test_lao_ocr(lao):
    page, text = lao
    for word in LAO_WORDS:
        assert word in text.text
    assert "\u0ecd\u0eb2" not in text.text  # SARA AM as one character
    assert character_error_rate(page.info["text"], text.text) < 0.06


def test_blank_page_has_no_confidence():
    blank = render_page("", "vi", dpi=200, size="a6")
    text = ocr_page(blank, "vie", 200)
    assert text.text == ""
    assert text.lines == []
    assert text.confidence is None


def test_tesseract_failure_is_an_error(vietnamese):
    page, _ = vietnamese
    with pytest.raises(OcrError):
        ocr_page(page, "no_such_language", 300)


def test_to_dict_round_trip(vietnamese):
    _, text = vietnamese
    data = text.to_dict()
    assert json.loads(json.dumps(data)) == data  # plain types only

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, float)

    assert plain(data)
    assert PageText.from_dict(data) == text
    assert PageText.from_dict(json.loads(json.dumps(data))) == text


def test_with_text_same_lines_keeps_the_boxes(vietnamese):
    _, text = vietnamese
    lines = text.text.split("\n")
    lines[0] = lines[0].replace("VIỆT", "VIET")  # a corrected word
    lines[1] = lines[1] + " NAM"  # a word added at the end
    corrected = text.with_text("\n".join(lines))
    assert corrected.text == "\n".join(lines)
    assert [line.bbox for line in corrected.lines] == [line.bbox for line in text.lines]
    assert corrected.lines[0].words[-1].text == "VIET"
    assert corrected.lines[0].words[-1].bbox == text.lines[0].words[-1].bbox
    assert corrected.lines[0].words[0].bbox == text.lines[0].words[0].bbox
    assert corrected.confidence == 100.0
    # the added word shares the last word's box, within the line
    last, added = corrected.lines[1].words[-2:]
    assert added.text == "NAM"
    assert last.bbox[2] <= added.bbox[0]
    assert added.bbox[2] <= text.lines[1].bbox[2]


def test_with_text_other_line_breaks_follow_the_ocr_layout(vietnamese):
    _, text = vietnamese
    one_paragraph = " ".join(text.text.split("\n"))
    corrected = text.with_text(one_paragraph)
    assert corrected.text == one_paragraph
    assert [line.text for line in corrected.lines] == [line.text for line in text.lines]
    assert [line.bbox for line in corrected.lines] == [line.bbox for line in text.lines]
    words = one_paragraph.split()
    words[3] = "HỘl"
    del words[10]
    words.insert(20, "chèn")
    corrected = text.with_text(
        "\n".join(" ".join(words[i : i + 4]) for i in range(0, len(words), 4))
    )
    assert [w.text for w in corrected.words] == words
    for line in corrected.lines:  # every word stays inside an OCR line box
        assert line.bbox in [ocr.bbox for ocr in text.lines]
        for word in line.words:
            assert line.bbox[0] <= word.bbox[0] < word.bbox[2] <= line.bbox[2]


def test_with_text_without_ocr_lines():
    empty = PageText("", [], None, 1240, 1748, 300, "vie")
    corrected = empty.with_text("Dòng một\n\nDòng hai có ba từ")
    assert [line.text for line in corrected.lines] == ["Dòng một", "Dòng hai có ba từ"]
    first, second = corrected.lines
    assert first.bbox[3] <= second.bbox[1]
    assert empty.with_text("   ").lines == []


def test_parse_hocr_keeps_baseline_and_confidence():
    hocr = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<div class='ocr_page' title='bbox 0 0 800 600'>
 <span class='ocr_line' title="bbox 10 20 300 60; baseline 0.01 -8; x_size 40">
  <span class='ocrx_word' title='bbox 10 20 120 60; x_wconf 90'><strong>Ho\u0300a</strong></span>
  <span class='ocrx_word' title='bbox 130 20 300 60; x_wconf 70'>bi\u0300nh</span>
 </span>
 <span class='ocr_caption' title="bbox 10 100 90 130">
  <span class='ocrx_word' title='bbox 10 100 90 130; x_wconf 50'>ກໍານົດ</span>
 </span>
</div></body></html>"""
    text = parse_hocr(hocr, 800, 600, 300, "vie+lao")
    assert text.text == "Hòa bình\nກຳນົດ"
    assert text.lines[0].baseline == (0.01, -8.0)
    assert text.confidence == pytest.approx(70.0)


def test_levenshtein_matches_the_textbook_definition():
    def reference(a, b):
        previous = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            current = [i]
            for j, cb in enumerate(b, 1):
                current.append(
                    min(
                        previous[j] + 1,
                        current[j - 1] + 1,
                        previous[j - 1] + (ca != cb),
                    )
                )
            previous = current
        return previous[-1]

    rng = random.Random(7)
    for _ in range(500):
        a = "".join(rng.choice("aăâđ ຳ") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("aăâđ ຳ") for _ in range(rng.randint(0, 90)))
        assert levenshtein(a, b) == reference(a, b)


def test_character_error_rate():
    assert character_error_rate("kitten", "sitting") == pytest.approx(3 / 6)
    assert character_error_rate("Hòa  bình\n độc lập", "Hòa bình độc lập") == 0.0
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert character_error_rate("Quyết định", decomposed) == 0.0
    assert character_error_rate("ກຳນົດ", "ກໍານົດ") == 0.0
    assert character_error_rate("", "") == 0.0
    assert character_error_rate("", "x") == 1.0
    assert character_error_rate("abcd", "") == 1.0
    assert normalize_text("ກໍາ") == "ກຳ"
