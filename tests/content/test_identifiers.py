"""Archival identifiers (standards summary §2): formats, builders and error messages."""

from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.identifiers import check_agency_code
from vnarchive.content.identifiers import check_code_notation
from vnarchive.content.identifiers import check_code_number
from vnarchive.content.identifiers import check_dossier_number
from vnarchive.content.identifiers import check_fonds_code
from vnarchive.content.identifiers import check_ordinal
from vnarchive.content.identifiers import check_paper_file_code
from vnarchive.content.identifiers import check_year
from vnarchive.content.identifiers import clean_code
from vnarchive.content.identifiers import digitized_file_name
from vnarchive.content.identifiers import document_code
from vnarchive.content.identifiers import document_id
from vnarchive.content.identifiers import dossier_code
from vnarchive.content.identifiers import FILE_CODE_MAX
from vnarchive.content.identifiers import InvalidCode
from vnarchive.content.identifiers import split_number_and_symbol
from zope.i18n import interpolate
from zope.i18nmessageid import Message
from zope.schema import ValidationError

import datetime
import pytest
import unicodedata


VIETNAMESE_LETTERS = set("ăâđêôơư")
VIETNAMESE_TONES = set("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng


def is_vietnamese(text):
    decomposed = unicodedata.normalize("NFD", text.lower())
    return any(char in VIETNAMESE_LETTERS for char in text.lower()) or any(
        char in VIETNAMESE_TONES for char in decomposed
    )


def assert_message_about(error, value):
    """The error reads in Vietnamese and names the bad value."""
    message = error.doc()
    assert isinstance(message, Message)
    assert message.domain == "vnarchive"
    assert message.default
    assert is_vietnamese(message.default)
    assert "${value}" in message.default
    assert message.mapping["value"] == value
    assert f"“{value}”" in interpolate(message.default, message.mapping)
    assert str(error) == str(message)


# -- agency code -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "000.06.16.G09",  # 4 groups, 13 characters (standards example)
        "H49.64.33",  # 3 groups (standards example)
        "000.00.00.H01",
        "A1B.2C.3D.4E5",
        "000.06.16",
    ],
)
def test_agency_code_valid(value):
    assert check_agency_code(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "000.06.16.g09",  # lower case
        "h49.64.33",
        "H49.64.3",  # last group too short
        "H4.64.33",  # first group too short
        "H490.64.33",  # first group too long
        "H49.640.33",  # second group too long
        "H49.64.333",  # third group too long
        "000.06.16.G0",  # fourth group too short
        "000.06.16.G091",  # fourth group too long (and 14 characters)
        "000.06.16.G09.1",  # five groups
        "H49.64",  # two groups
        "H49",
        "H49-64-33",  # wrong separator
        "H49 64 33",
        "H49..64.33",
        ".H49.64.33",
        "H49.64.33.",
        " H49.64.33",
        "H49.64.33 ",
        "H49.64.33\n",  # "$" alone would let a trailing newline through
        "Đ49.64.33",
        "",
    ],
)
def test_agency_code_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_agency_code(value)
    assert_message_about(info.value, value)


def test_agency_code_none_invalid():
    with pytest.raises(InvalidCode):
        check_agency_code(None)


def test_invalid_code_is_an_archival_validation_error():
    assert issubclass(InvalidCode, ArchivalValidationError)
    assert issubclass(InvalidCode, ValidationError)


# -- fonds code --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "H49",
        "P01",
        "1234567890123",  # 13 characters, the maximum
        "TW-01.UBND",
        "ĐCSVN",
        "000.06.16.G09",  # an agency identifier can stand for a fonds
        "A",
    ],
)
def test_fonds_code_valid(value):
    assert check_fonds_code(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "",
        "h49",  # lower case
        "Phong1",
        "12345678901234",  # 14 characters
        "H49 01",
        "H49..01",
        "H49.-01",
        ".H49",
        "H49.",
        "-H49",
        "H49-",
        "H49/01",
        "H49_01",
        "H49\n",
    ],
)
def test_fonds_code_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_fonds_code(value)
    assert_message_about(info.value, value)


def test_fonds_code_message_gives_maximum():
    with pytest.raises(InvalidCode) as info:
        check_fonds_code("12345678901234")
    assert info.value.doc().mapping["max"] == 13
    assert "${max}" in info.value.doc().default


# -- dossier number ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "01.TH",  # standards example
        "01",
        "160",
        "01-TH",
        "12.TCCB.2010",
        "05.ĐT",
        "1" * 30,  # the maximum
    ],
)
def test_dossier_number_valid(value):
    assert check_dossier_number(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "01 TH",  # space
        "01.th",  # lower case
        "1" * 31,  # too long
        "01." + "T" * 28,  # 31 characters
        "",
        "01..TH",
        "01.TH.",
        ".01",
        "01/TH",
        "01.TH\n",
        " 01.TH",
    ],
)
def test_dossier_number_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_dossier_number(value)
    assert_message_about(info.value, value)


@pytest.mark.parametrize("value", ["ABC", "TH", "TH.01", "ĐT.05", "A1", "X-01"])
def test_dossier_number_starts_with_its_number(value):
    """Số và ký hiệu hồ sơ: the number in the dossier catalogue comes first, in digits."""
    with pytest.raises(InvalidCode) as info:
        check_dossier_number(value)
    assert_message_about(info.value, value)
    assert info.value.doc() == "error_dossier_number_start"
    text = interpolate(info.value.doc().default, info.value.doc().mapping)
    assert "phải bắt đầu bằng số" in text
    assert "01.TH" in text  # an example of what to type instead


@pytest.mark.parametrize("value", ["1A", "01A.TH", "0X1F"])
def test_dossier_number_is_digits_before_the_symbol(value):
    with pytest.raises(InvalidCode) as info:
        check_dossier_number(value)
    assert_message_about(info.value, value)


def test_dossier_number_message_gives_maximum():
    with pytest.raises(InvalidCode) as info:
        check_dossier_number("1" * 31)
    assert info.value.doc().mapping["max"] == 30


# -- dossier code, document id, archival code ----------------------------------------


def test_dossier_code_standards_example():
    assert dossier_code("000.06.16.G09", 2010, "01.TH") == "000.06.16.G09.2010.01.TH"


def test_dossier_code_accepts_year_as_text():
    assert dossier_code("H49.64.33", "2001", "160") == "H49.64.33.2001.160"


def test_dossier_code_at_maximum_length():
    prefix = "P" * (FILE_CODE_MAX - len(".2001.01"))
    code = dossier_code(prefix, 2001, "01")
    assert len(code) == FILE_CODE_MAX == 100


def test_dossier_code_longer_than_100_raises():
    prefix = "P" * (FILE_CODE_MAX - len(".2001.01") + 1)
    expected = f"{prefix}.2001.01"
    assert len(expected) == 101
    with pytest.raises(InvalidCode) as info:
        dossier_code(prefix, 2001, "01")
    assert_message_about(info.value, expected)
    assert info.value.doc().mapping["max"] == 100


def test_document_id_standards_example():
    assert document_id("H49.64.33.2001.160", 1) == "H49.64.33.2001.160.1"


def test_document_code_standards_example():
    assert document_code("H49.64.33.2001.160", 1) == "H49.64.33.2001.160.0000001"


@pytest.mark.parametrize(
    ("ordinal", "expected_id", "expected_code"),
    [
        (1, "X.1", "X.0000001"),
        (12, "X.12", "X.0000012"),
        (160, "X.160", "X.0000160"),
        (9999999, "X.9999999", "X.9999999"),
    ],
)
def test_document_id_and_code(ordinal, expected_id, expected_code):
    assert document_id("X", ordinal) == expected_id
    assert document_code("X", ordinal) == expected_code


def test_document_id_and_code_from_built_dossier_code():
    file_code = dossier_code("000.06.16.G09", 2010, "01.TH")
    assert document_id(file_code, 3) == "000.06.16.G09.2010.01.TH.3"
    assert document_code(file_code, 3) == "000.06.16.G09.2010.01.TH.0000003"


# -- ordinal -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 160, 9_999_999])
def test_ordinal_valid(value):
    assert check_ordinal(value) is True


@pytest.mark.parametrize("value", [0, -1, 10_000_000, 123_456_789, None])
def test_ordinal_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_ordinal(value)
    message = info.value.doc()
    assert isinstance(message, Message)
    assert is_vietnamese(message.default)
    assert "9999999" in message.default


# -- year --------------------------------------------------------------------------


TODAY = datetime.date(2026, 1, 1)


@pytest.mark.parametrize("value", [1000, 1945, 2010, 2026])
def test_year_valid(value):
    assert check_year(value, today=TODAY) is True


@pytest.mark.parametrize("value", [None, 0, 999, 2027, 3000])
def test_year_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_year(value, today=TODAY)
    message = info.value.doc()
    assert isinstance(message, Message)
    assert is_vietnamese(message.default)
    assert message.mapping["value"] == value


# -- paper file code ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "H49.K1/12/45.160",  # the example of the error message
        "LT01.K2/G03/H15.07",
        "H49.64.33.K1/12/45.160.TH",
    ],
)
def test_paper_file_code_valid(value):
    assert check_paper_file_code(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "",
        "H49.K1/12.160",  # shelf missing
        "H49.K1/12/45/7.160",  # one level too many
        "H49/K1/12/45.160",  # no dot between archive and storeroom
        "H49.K1/12/45",  # no paper dossier number
        "H49.K1 /12/45.160",
        "H49.K1/12/45.160\n",
        "H49.K1/12/45." + "1" * 90,  # longer than 100
    ],
)
def test_paper_file_code_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_paper_file_code(value)
    assert_message_about(info.value, value)


# -- digitized file name ------------------------------------------------------------


def test_digitized_file_name_with_ordinal():
    assert digitized_file_name("H49.64.33.2001.160", 1) == "H49.64.33.2001.160.1.pdf"


def test_digitized_file_name_one_file_dossier():
    assert digitized_file_name("H49.64.33.2001.160") == "H49.64.33.2001.160.pdf"


def test_digitized_file_name_uses_document_id():
    file_code = "000.06.16.G09.2010.01.TH"
    assert digitized_file_name(file_code, 12) == document_id(file_code, 12) + ".pdf"


# -- number and symbol of a document -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123/QĐ-BNV", ("123", "QĐ-BNV")),
        ("  123 / QĐ-BNV  ", ("123", "QĐ-BNV")),
        ("05a/TB-UBND", ("05a", "TB-UBND")),
        ("123", ("123", "")),
        ("/QĐ-BNV", ("", "QĐ-BNV")),
        ("12/2019/TT-BNV", ("12", "2019/TT-BNV")),  # only the first slash separates
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_number_and_symbol(text, expected):
    assert split_number_and_symbol(text) == expected


def test_split_parts_pass_their_checks():
    number, notation = split_number_and_symbol("123/QĐ-BNV")
    assert check_code_number(number) is True
    assert check_code_notation(notation) is True


@pytest.mark.parametrize("value", ["123", "01", "05a", "1", "12345678901"])
def test_code_number_valid(value):
    assert check_code_number(value) is True


@pytest.mark.parametrize(
    "value", ["", "a05", "12 3", "12-3", "123456789012", "１２３", "123\n"]
)
def test_code_number_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_code_number(value)
    assert_message_about(info.value, value)


@pytest.mark.parametrize(
    "value",
    [
        "QĐ-UBND",  # standards example
        "QĐ-BNV",
        "QyĐ-BNV",  # the abbreviation of Quy định has a lower-case letter
        "CTr-UBND",
        "TT-BNV",
        "2019/TT-BNV",
        "UBND.VP",
        "qđ-ubnd",
        "N" * 30,
    ],
)
def test_code_notation_valid(value):
    assert check_code_notation(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "QĐ UBND",  # space
        "QĐ -UBND",
        " QĐ-UBND",
        "QĐ-UBND ",
        "QĐ-UBND\n",
        "QĐ\tUBND",
        "",
        "QĐ--UBND",
        "-QĐ",
        "QĐ-",
        "QĐ_UBND",
        "N" * 31,  # too long
    ],
)
def test_code_notation_invalid(value):
    with pytest.raises(InvalidCode) as info:
        check_code_notation(value)
    assert_message_about(info.value, value)


# -- clean_code --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  01.th  ", "01.TH"),
        ("h49.64.33", "H49.64.33"),
        ("qđ-ubnd", "QĐ-UBND"),
        ("\t000.06.16.g09\n", "000.06.16.G09"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_code(text, expected):
    assert clean_code(text) == expected


def test_clean_code_composes_to_nfc():
    decomposed = unicodedata.normalize("NFD", "bản đồ")  # b a + combining hook above…
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    cleaned = clean_code(decomposed)
    assert cleaned == "BẢN ĐỒ"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_clean_code_then_check():
    assert check_dossier_number(clean_code(" 01.th ")) is True
    assert check_agency_code(clean_code(" 000.06.16.g09 ")) is True
