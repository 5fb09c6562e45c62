"""CodeLine and PartialDateLine: where typed text is cleaned and checked, once."""

from vnarchive.content.dates import InvalidDate
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.fields import CodeLine
from vnarchive.content.fields import PartialDateLine
from vnarchive.content.identifiers import check_agency_code
from vnarchive.content.identifiers import check_code_notation
from vnarchive.content.identifiers import check_dossier_number
from vnarchive.content.identifiers import InvalidCode
from zope.i18nmessageid import Message
from zope.schema.interfaces import ConstraintNotSatisfied
from zope.schema.interfaces import IFromUnicode
from zope.schema.interfaces import RequiredMissing
from zope.schema.interfaces import TooLong

import pytest
import unicodedata


# -- CodeLine ----------------------------------------------------------------------


def test_code_line_provides_from_unicode():
    assert IFromUnicode.providedBy(CodeLine())
    assert IFromUnicode.providedBy(PartialDateLine())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  01.th ", "01.TH"),
        ("01.TH", "01.TH"),
        ("\t05.đt\t", "05.ĐT"),
        ("12.tccb.2010", "12.TCCB.2010"),
    ],
)
def test_code_line_cleans_dossier_number(text, expected):
    field = CodeLine(check=check_dossier_number)
    assert field.fromUnicode(text) == expected


def test_code_line_cleans_agency_code():
    field = CodeLine(check=check_agency_code)
    assert field.fromUnicode(" 000.06.16.g09 ") == "000.06.16.G09"
    assert field.fromUnicode("h49.64.33") == "H49.64.33"


def test_code_line_composes_to_nfc():
    field = CodeLine(check=check_dossier_number)
    decomposed = unicodedata.normalize("NFD", "05.Đt")
    value = field.fromUnicode(decomposed)
    assert value == "05.ĐT"
    assert unicodedata.is_normalized("NFC", value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  QĐ-UBND  ", "QĐ-UBND"),
        ("QyĐ-BNV", "QyĐ-BNV"),
        (" CTr-UBND", "CTr-UBND"),
        ("qđ-ubnd", "qđ-ubnd"),
    ],
)
def test_code_line_uppercase_false_keeps_case(text, expected):
    field = CodeLine(check=check_code_notation, uppercase=False)
    assert field.fromUnicode(text) == expected


def test_code_line_uppercase_false_still_trims_and_composes():
    field = CodeLine(uppercase=False)
    value = field.fromUnicode("  " + unicodedata.normalize("NFD", "Bản đồ") + " ")
    assert value == "Bản đồ"
    assert unicodedata.is_normalized("NFC", value)


def test_code_line_without_check_accepts_any_line():
    assert CodeLine().fromUnicode(" any thing ") == "ANY THING"


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_code_line_empty_not_required_is_none(text):
    field = CodeLine(check=check_dossier_number, required=False)
    assert field.fromUnicode(text) is None


@pytest.mark.parametrize("text", ["", "   "])
def test_code_line_empty_required_is_missing(text):
    field = CodeLine(check=check_dossier_number, required=True)
    with pytest.raises(RequiredMissing):
        field.fromUnicode(text)


@pytest.mark.parametrize(
    ("text", "bad_value"),
    [
        ("01 TH", "01 TH"),
        (" 01..th ", "01..TH"),
        ("1" * 31, "1" * 31),
        ("01/TH", "01/TH"),
    ],
)
def test_code_line_invalid_raises_archival_error(text, bad_value):
    field = CodeLine(check=check_dossier_number)
    with pytest.raises(InvalidCode) as info:
        field.fromUnicode(text)
    assert isinstance(info.value, ArchivalValidationError)
    message = info.value.doc()
    assert isinstance(message, Message)
    assert message.mapping["value"] == bad_value  # the cleaned value is shown


@pytest.mark.parametrize("text", ["abc", " th.01 ", "đt"])
def test_code_line_does_not_upper_case_letters_into_a_dossier_number(text):
    field = CodeLine(check=check_dossier_number)
    with pytest.raises(InvalidCode) as info:
        field.fromUnicode(text)
    assert info.value.doc() == "error_dossier_number_start"


def test_code_line_validate_runs_the_check():
    field = CodeLine(check=check_agency_code)
    field.validate("H49.64.33")
    with pytest.raises(InvalidCode):
        field.validate("h49.64.33")  # validate does not clean; fromUnicode does


def test_code_line_keeps_text_line_rules():
    field = CodeLine(max_length=5)
    with pytest.raises(TooLong):
        field.fromUnicode("ABCDEF")
    with pytest.raises(ConstraintNotSatisfied):
        CodeLine().validate("A\nB")  # a line has no newline


# -- PartialDateLine ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1962-09-05", "05/09/1962"),
        ("1962-09", "09/1962"),
        (" 5/9/1962 ", "05/09/1962"),
        ("9/1962", "09/1962"),
        ("1962", "1962"),
        ("05/09/1962", "05/09/1962"),
        ("29/02/2024", "29/02/2024"),
    ],
)
def test_partial_date_line_normalizes(text, expected):
    assert PartialDateLine().fromUnicode(text) == expected


@pytest.mark.parametrize("text", ["", "  "])
def test_partial_date_line_empty_not_required_is_none(text):
    assert PartialDateLine(required=False).fromUnicode(text) is None


def test_partial_date_line_empty_required_is_missing():
    with pytest.raises(RequiredMissing):
        PartialDateLine(required=True).fromUnicode("")


@pytest.mark.parametrize(
    "text",
    ["31/02/2001", "13/2000", "00/01/2000", "abc", "0999", "05-09-1962", "9999"],
)
def test_partial_date_line_invalid_raises_invalid_date(text):
    with pytest.raises(InvalidDate) as info:
        PartialDateLine().fromUnicode(text)
    assert isinstance(info.value, ArchivalValidationError)
    assert isinstance(info.value.doc(), Message)
    assert info.value.doc().mapping["value"] == text


def test_partial_date_line_validate_checks_the_date():
    field = PartialDateLine()
    field.validate("05/09/1962")
    with pytest.raises(InvalidDate):
        field.validate("31/02/2001")


def test_partial_date_line_max_length():
    assert PartialDateLine().max_length == 10
    assert PartialDateLine(max_length=20).max_length == 20
