"""Queries as people type them: NFC, Vietnamese folding, Telex and VNI residue."""

from vnarchive.content.search_text import decode
from vnarchive.content.search_text import decode_token
from vnarchive.content.search_text import fold
from vnarchive.content.search_text import is_vietnamese_syllable
from vnarchive.content.search_text import normalize_query
from vnarchive.content.search_text import query_variants

import pytest
import unicodedata


def nfd(text):
    return unicodedata.normalize("NFD", text)


# -- NFC and folding -------------------------------------------------------------------------


def test_decomposed_input_becomes_composed():
    typed = nfd("Lưu trữ Đà Nẵng")
    assert typed != "Lưu trữ Đà Nẵng"
    assert normalize_query(typed) == "Lưu trữ Đà Nẵng"
    assert query_variants(typed) == ["Lưu trữ Đà Nẵng"]


def test_normalize_collapses_space_and_drops_control_characters():
    assert normalize_query("  lưu\t\ttrữ \x00 \n hồ sơ ") == "lưu trữ hồ sơ"
    assert normalize_query(None) == ""
    assert query_variants("   ") == []


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("lưu trữ", "luu tru"),
        ("LƯU TRỮ", "luu tru"),
        ("luu tru", "luu tru"),
        (nfd("lưu trữ"), "luu tru"),
        ("Đà Nẵng", "da nang"),
        ("đường", "duong"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Quyết định số 12/QĐ-UBND", "quyet dinh so 12/qd-ubnd"),
        ("Nghị quyết", "nghi quyet"),
        ("ảnh, ấp, ổn, ứng, ước", "anh, ap, on, ung, uoc"),
        ("Thuở", "thuo"),
        ("Hồ Chí Minh", "ho chi minh"),
        ("République française", "republique francaise"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


# -- Syllables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "lưu",
        "trữ",
        "Việt",
        "nghiêng",
        "khuya",
        "quốc",
        "giáo",
        "gì",
        "thủy",
        "hòa",
        "trường",
        "đường",
        "người",
        "ngoài",
        "thuở",
        "uyên",
        "yêu",
        "anh",
        "ếch",
        nfd("Việt"),
    ],
)
def test_vietnamese_syllables(word):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize(
    "word",
    [
        "mêt",  # a stop final needs the sắc or nặng tone
        "tet",
        "str",
        "ca1",
        "ngi",  # ngh before i
        "ghu",
        "cê",  # k before ê
        "ăn2",
        "world",
        "",
    ],
)
def test_not_vietnamese_syllables(word):
    assert not is_vietnamese_syllable(word)


def test_k_and_c_spelling():
    assert is_vietnamese_syllable("kê")
    assert not is_vietnamese_syllable("cê")
    assert is_vietnamese_syllable("ca")
    assert not is_vietnamese_syllable("ka")


# -- Telex -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("luwu truwx", "lưu trữ"),
        ("Vieejt Nam", "Việt Nam"),
        ("Vieetj Nam", "Việt Nam"),
        ("LUWU TRUWX", "LƯU TRỮ"),
        ("dduwowngf", "đường"),
        ("truwowngf", "trường"),
        ("truowngf", "trường"),
        ("nguwowif", "người"),
        ("thuowr", "thuở"),
        ("ddaauf", "đầu"),
        ("tieengs Vieejt", "tiếng Việt"),
        ("nguyeenx", "nguyễn"),
        ("nghieeng", "nghiêng"),
        ("hoaf binhf", "hòa bình"),
        ("giaos ducj", "giáo dục"),
        ("gif", "gì"),
        ("thanhf phoos Hoof Chis Minh", "thành phố Hồ Chí Minh"),
        ("chuyeenr ddooir soos", "chuyển đổi số"),
        ("uyr ban nhaan daan", "ủy ban nhân dân"),
        ("quoocs hooij", "quốc hội"),
        ("thuyr luwcj", "thủy lực"),
        (
            "cacs vaanx",
            "các vẫn",
        ),  # "cacs" alone could be English; with company it decodes
        ("baor quarn taif lieeuj", "bảo quản tài liệu"),
        ("taif lieeuj", "tài liệu"),
        ("hoof sow", "hồ sơ"),
    ],
)
def test_telex(typed, meant):
    assert decode(typed) == meant
    assert query_variants(typed) == [typed, meant]


# -- VNI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Vie6t5 Nam", "Việt Nam"),
        ("Vie65t Nam", "Việt Nam"),
        ("lu7u tru74", "lưu trữ"),
        ("d9u7o7ng2", "đường"),
        ("tru7o72ng", "trường"),
        ("ta2i lie65u", "tài liệu"),
        ("ho62 so7", "hồ sơ"),
        ("quo61c ho65i", "quốc hội"),
        ("a8n", "ăn"),
    ],
)
def test_vni(typed, meant):
    assert decode(typed) == meant


# -- What is left alone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "luu tru",
        "lưu trữ",
        "Ủy ban nhân dân tỉnh Quảng Trị",
        "cats and dogs",
        "test",
        "been there",
        "how now brown cow",
        "the tree is green",
        "the moon is so soon",
        "her cats saw it",
        "Report of the Ministry",
        "les droits de l'homme",
        "mais oui",
        "dans les archives des provinces",
        "Rapport sur les affaires",
        "chef de service",
        "000.00.00.H56.2010.01.TH",
        "H56 2010",
        "A4",
        "12/QĐ-UBND",
        "mp3",
        "B52",
        "with we were",
        "hello world",
    ],
)
def test_left_alone(query):
    assert query_variants(query) == [normalize_query(query)]


@pytest.mark.parametrize(
    "token", ["cats", "her", "test", "box", "town", "bar", "baor quarn", "been", "sow"]
)
def test_weak_tokens_decode_only_in_company(token):
    assert decode_token(token) is None
    assert query_variants(token) == [token]


def test_weak_token_in_company():
    assert decode_token("cacs") is None
    assert decode_token("cacs", context=True) == "các"


def test_only_valid_syllables_are_decoded():
    # "ddz" has Telex signs but is no syllable; the numbers stay numbers.
    assert decode("ddz 2010 luwu") == "ddz 2010 lưu"
    assert decode_token("xyzw") is None
    assert decode_token("aaaa") is None


def test_mixed_query_keeps_other_words():
    assert query_variants("Vieejt Nam 1945 QĐ-UBND") == [
        "Vieejt Nam 1945 QĐ-UBND",
        "Việt Nam 1945 QĐ-UBND",
    ]


def test_decoded_forms_are_nfc():
    for typed in ("Vieejt", "truwx", "Vie6t5", "dduwowngf"):
        decoded = decode(typed)
        assert decoded == unicodedata.normalize("NFC", decoded)
