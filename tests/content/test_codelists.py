"""The national code lists (standards summary §3)."""

from vnarchive.content import codelists
from vnarchive.content.codelists import ACCESS_MODE
from vnarchive.content.codelists import ALL
from vnarchive.content.codelists import Code
from vnarchive.content.codelists import CodeList
from vnarchive.content.codelists import DOCUMENT_TYPE
from vnarchive.content.codelists import LANGUAGE
from vnarchive.content.codelists import national_language_code
from vnarchive.content.codelists import PHYSICAL_CONDITION
from vnarchive.content.codelists import RELIABILITY
from vnarchive.content.codelists import RETENTION
from zope.i18nmessageid import Message

import pytest
import unicodedata


ALL_CODES = [(code_list.name, code) for code_list in ALL for code in code_list]


def values(code_list):
    return [code.value for code in code_list]


def has_vietnamese_marks(text):
    decomposed = unicodedata.normalize("NFD", text.lower())
    return any(char in "ăâđêôơư" for char in text.lower()) or any(
        char in decomposed for char in "\u0300\u0301\u0303\u0309\u0323"
    )


# -- retention ---------------------------------------------------------------------


def test_retention_codes():
    assert values(RETENTION) == ["01", "02", "03", "04", "05", "06", "07"]


def test_retention_01_is_permanent():
    assert codelists.PERMANENT == "01"
    assert RETENTION.get("01").label.default == "Vĩnh viễn"
    assert RETENTION.fact("01", "years") is None


@pytest.mark.parametrize(
    ("value", "years"), [("02", 70), ("03", 50), ("04", 30), ("05", 20), ("06", 10)]
)
def test_retention_years(value, years):
    assert RETENTION.fact(value, "years") == years
    assert RETENTION.get(value).label.default == f"{years} năm"


def test_retention_07_is_other():
    assert RETENTION.get("07").label.default == "Khác"
    assert RETENTION.fact("07", "years") is None


# -- access, reliability, condition --------------------------------------------------


@pytest.mark.parametrize(
    ("code_list", "expected"),
    [
        (ACCESS_MODE, ["01", "02", "03"]),
        (RELIABILITY, ["01", "02", "03"]),
        (PHYSICAL_CONDITION, ["01", "02", "03"]),
    ],
)
def test_three_code_lists(code_list, expected):
    assert values(code_list) == expected


def test_access_mode_meaning():
    assert (codelists.PUBLIC, codelists.CONDITIONAL, codelists.SECRET) == (
        "01",
        "02",
        "03",
    )
    assert ACCESS_MODE.get("01").label.default == "Công khai"
    assert ACCESS_MODE.get("02").label.default == "Sử dụng có điều kiện"
    assert ACCESS_MODE.get("03").label.default == "Mật"


def test_reliability_digitized_is_02():
    assert codelists.DIGITIZED == "02"
    assert RELIABILITY.get("02").label.default == "Bản số hóa"


# -- document types ----------------------------------------------------------------


DOCUMENT_TYPES = {
    "01": ("Nghị quyết", "NQ"),
    "02": ("Quyết định", "QĐ"),
    "03": ("Chỉ thị", "CT"),
    "04": ("Quy chế", "QC"),
    "05": ("Quy định", "QyĐ"),
    "06": ("Thông cáo", "TC"),
    "07": ("Thông báo", "TB"),
    "08": ("Hướng dẫn", "HD"),
    "09": ("Chương trình", "CTr"),
    "10": ("Kế hoạch", "KH"),
    "11": ("Phương án", "PA"),
    "12": ("Đề án", "ĐA"),
    "13": ("Dự án", "DA"),
    "14": ("Báo cáo", "BC"),
    "15": ("Tờ trình", "TTr"),
    "16": ("Giấy ủy quyền", "GUQ"),
    "17": ("Phiếu gửi", "PG"),
    "18": ("Phiếu chuyển", "PC"),
    "19": ("Phiếu báo", "PB"),
    "20": ("Biên bản", "BB"),
    "21": ("Hợp đồng", "HĐ"),
    "22": ("Công văn", None),
    "23": ("Công điện", "CĐ"),
    "24": ("Bản ghi nhớ", "BGN"),
    "25": ("Bản thỏa thuận", "BTT"),
    "26": ("Giấy mời", "GM"),
    "27": ("Giấy giới thiệu", "GGT"),
    "28": ("Giấy nghỉ phép", "GNP"),
    "29": ("Thư công", None),
    "30": ("Bản đồ", None),
    "31": ("Bản vẽ kỹ thuật", None),
    "32": ("Khác", None),
}

# The official list of the standards summary, in its order.
OFFICIAL_ABBREVIATIONS = [
    "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA",
    "BC", "BB", "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC",
    "PB",
]  # fmt: skip


def test_document_type_codes():
    assert values(DOCUMENT_TYPE) == [f"{number:02d}" for number in range(1, 33)]


@pytest.mark.parametrize(
    ("value", "label", "abbreviation"), [(v, *t) for v, t in DOCUMENT_TYPES.items()]
)
def test_document_type(value, label, abbreviation):
    code = DOCUMENT_TYPE.get(value)
    assert code is not None
    assert code.label.default == label
    assert code.facts["abbreviation"] == abbreviation
    assert DOCUMENT_TYPE.fact(value, "abbreviation") == abbreviation


def test_decision_is_qd():
    assert DOCUMENT_TYPE.fact("02", "abbreviation") == "QĐ"


def test_official_letter_has_no_abbreviation():
    assert DOCUMENT_TYPE.get("22").label.default == "Công văn"
    assert DOCUMENT_TYPE.fact("22", "abbreviation") is None
    assert DOCUMENT_TYPE.fact("22", "abbreviation", "none") is None  # present, but None


def test_abbreviations_are_exactly_the_official_list():
    abbreviations = [
        code.facts["abbreviation"]
        for code in DOCUMENT_TYPE
        if code.facts["abbreviation"]
    ]
    assert len(OFFICIAL_ABBREVIATIONS) == 27
    assert sorted(abbreviations) == sorted(OFFICIAL_ABBREVIATIONS)
    assert len(set(abbreviations)) == len(abbreviations)


def test_abbreviations_are_nfc():
    for code in DOCUMENT_TYPE:
        abbreviation = code.facts["abbreviation"]
        if abbreviation:
            assert unicodedata.is_normalized("NFC", abbreviation)


# -- languages ---------------------------------------------------------------------


def test_national_language_codes():
    national = [value for value in values(LANGUAGE) if value != "lo"]
    assert national == [f"{number:02d}" for number in range(1, 12)]


def test_lao_is_a_language():
    assert "lo" in LANGUAGE
    lao = LANGUAGE.get("lo")
    assert lao.label.default == "Tiếng Lào"
    assert lao.facts["tesseract"] == "lao"
    assert LANGUAGE.fact("lo", "tesseract") == "lao"


def test_lao_is_exported_as_other():
    assert national_language_code("lo") == "11"
    assert LANGUAGE.get("11").label.default == "Khác"


@pytest.mark.parametrize("value", [f"{number:02d}" for number in range(1, 12)])
def test_national_language_code_keeps_national_codes(value):
    assert national_language_code(value) == value


def test_national_language_code_of_unknown_value():
    assert national_language_code("xx") == "xx"


@pytest.mark.parametrize(
    ("value", "tesseract"),
    [
        ("01", "vie"),
        ("02", "eng"),
        ("03", "fra"),
        ("04", "rus"),
        ("06", "vie+eng"),
        ("lo", "lao"),
    ],
)
def test_tesseract_models(value, tesseract):
    assert LANGUAGE.fact(value, "tesseract") == tesseract


# -- CodeList behaviour ------------------------------------------------------------


def test_code_list_lookup():
    assert "01" in RETENTION
    assert "08" not in RETENTION
    assert 1 not in RETENTION
    assert RETENTION.get("08") is None
    assert RETENTION.fact("08", "years", "missing") == "missing"
    assert RETENTION.fact("02", "unknown", "missing") == "missing"
    assert isinstance(RETENTION.get("02"), Code)


# -- all lists ---------------------------------------------------------------------


def test_all_holds_every_code_list_of_the_module():
    module_lists = {
        id(value) for value in vars(codelists).values() if isinstance(value, CodeList)
    }
    assert module_lists == {id(code_list) for code_list in ALL}
    names = [code_list.name for code_list in ALL]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("code_list", ALL, ids=lambda code_list: code_list.name)
def test_codes_unique_within_a_list(code_list):
    assert len(code_list.codes) > 0
    assert len(set(values(code_list))) == len(code_list.codes)


@pytest.mark.parametrize(
    ("list_name", "code"),
    ALL_CODES,
    ids=[f"{name}-{code.value}" for name, code in ALL_CODES],
)
def test_label_is_a_vietnamese_message(list_name, code):
    assert isinstance(code.value, str)
    assert code.value
    label = code.label
    assert isinstance(label, Message)
    assert label.domain == "vnarchive"
    assert isinstance(label.default, str)
    assert label.default.strip() == label.default != ""
    assert unicodedata.is_normalized("NFC", label.default)
    assert str(label) != label.default  # a msgid, not the text itself
    assert str(label).startswith(list_name + "_")


def test_labels_read_as_vietnamese():
    # Every default is written in Vietnamese, with its diacritics.
    defaults = [code.label.default for _name, code in ALL_CODES]
    unmarked = [text for text in defaults if not has_vietnamese_marks(text)]
    assert unmarked == []


def test_msgids_unique_across_all_lists():
    msgids = [str(code.label) for _name, code in ALL_CODES]
    duplicates = sorted({msgid for msgid in msgids if msgids.count(msgid) > 1})
    assert duplicates == []
