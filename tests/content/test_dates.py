"""Partial dates of archival records: DD/MM/YYYY, MM/YYYY, YYYY (and ISO input)."""

from datetime import date
from vnarchive.content.dates import check_date_order
from vnarchive.content.dates import date_span
from vnarchive.content.dates import day_number
from vnarchive.content.dates import EARLIEST_YEAR
from vnarchive.content.dates import InvalidDate
from vnarchive.content.dates import normalize_partial_date
from vnarchive.content.dates import parse_partial_date
from vnarchive.content.dates import PartialDate
from vnarchive.content.errors import ArchivalValidationError
from zope.i18n import interpolate
from zope.i18nmessageid import Message

import pytest


TODAY = date(2026, 1, 1)


def assert_vietnamese_message(error, value):
    message = error.doc()
    assert isinstance(message, Message)
    assert message.domain == "vnarchive"
    assert message.default
    assert any(char in message.default for char in "àáảãạăâđêôơưếộờ")
    assert message.mapping["value"] == value
    assert f"“{value}”" in interpolate(message.default, message.mapping)


# -- parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/09/1962", PartialDate(1962, 9, 5)),
        ("5/9/1962", PartialDate(1962, 9, 5)),
        ("18/07/1977", PartialDate(1977, 7, 18)),
        ("09/1962", PartialDate(1962, 9)),
        ("9/1962", PartialDate(1962, 9)),
        ("1962", PartialDate(1962)),
        ("1962-09-05", PartialDate(1962, 9, 5)),
        ("1962-09", PartialDate(1962, 9)),
        ("  05/09/1962  ", PartialDate(1962, 9, 5)),
        ("29/02/2024", PartialDate(2024, 2, 29)),
        ("1000", PartialDate(1000)),
        ("01/01/2026", PartialDate(2026, 1, 1)),  # today itself
        ("2026", PartialDate(2026)),  # the current year starts today
        ("01/2026", PartialDate(2026, 1)),
    ],
)
def test_parse_accepted_forms(text, expected):
    result = parse_partial_date(text, today=TODAY)
    assert result == expected
    assert (result.year, result.month, result.day) == (
        expected.year,
        expected.month,
        expected.day,
    )


@pytest.mark.parametrize(
    ("text", "national"),
    [
        ("05/09/1962", "05/09/1962"),
        ("5/9/1962", "05/09/1962"),
        ("1962-09-05", "05/09/1962"),
        ("09/1962", "09/1962"),
        ("9/1962", "09/1962"),
        ("1962-09", "09/1962"),
        ("1962", "1962"),
        (" 1977 ", "1977"),
        ("1000", "1000"),
    ],
)
def test_national_written_form(text, national):
    assert str(parse_partial_date(text, today=TODAY)) == national
    assert normalize_partial_date(text) == national


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2001",  # no 31 February
        "29/02/2001",  # 2001 is not a leap year
        "31/04/2001",
        "00/01/2000",  # day 0 must not read as "no day"
        "00/2000",  # month 0 must not read as "no month"
        "00/00/2000",
        "2000-00",
        "2000-01-00",
        "13/2000",
        "32/01/2000",
        "01/13/2000",
        "2000-13-01",
    ],
)
def test_rejects_dates_not_in_the_calendar(text):
    with pytest.raises(InvalidDate) as info:
        parse_partial_date(text, today=TODAY)
    assert_vietnamese_message(info.value, text)
    assert info.value.doc() == "error_date_not_real"


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "999",  # three-digit year
        "62",
        "05-09-1962",
        "05.09.1962",
        "1962/09/05",
        "005/09/1962",
        "05/09/62",
        "1962-9-5",  # ISO input needs two-digit month and day
        "5 tháng 9 năm 1962",
        "05/09/1962 10:00",
        "19620905",
    ],
)
def test_rejects_unknown_forms(text):
    with pytest.raises(InvalidDate) as info:
        parse_partial_date(text, today=TODAY)
    assert_vietnamese_message(info.value, text)
    assert info.value.doc() == "error_date_form"


def test_rejects_none_as_a_date():
    with pytest.raises(InvalidDate):
        parse_partial_date(None, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "0999",  # year 999
        "12/0999",
        "31/12/0999",
        "02/01/2026",  # the day after today
        "02/2026",
        "2027",
        "2026-01-02",
    ],
)
def test_rejects_dates_out_of_range(text):
    with pytest.raises(InvalidDate) as info:
        parse_partial_date(text, today=TODAY)
    assert_vietnamese_message(info.value, text)
    assert info.value.doc() == "error_date_out_of_range"
    assert info.value.doc().mapping["earliest"] == EARLIEST_YEAR == 1000


def test_out_of_range_depends_on_today():
    assert parse_partial_date("2027", today=date(2027, 6, 1)) == PartialDate(2027)
    with pytest.raises(InvalidDate):
        parse_partial_date("2027", today=date(2026, 12, 31))


def test_invalid_date_is_an_archival_validation_error():
    assert issubclass(InvalidDate, ArchivalValidationError)


# -- first and last day ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("1962", date(1962, 1, 1), date(1962, 12, 31)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("02/2024", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("02/2023", date(2023, 2, 1), date(2023, 2, 28)),
        ("02/1900", date(1900, 2, 1), date(1900, 2, 28)),  # not a leap year
        ("02/2000", date(2000, 2, 1), date(2000, 2, 29)),
        ("04/2001", date(2001, 4, 1), date(2001, 4, 30)),
        ("12/2001", date(2001, 12, 1), date(2001, 12, 31)),
        ("05/09/1962", date(1962, 9, 5), date(1962, 9, 5)),
        ("29/02/2024", date(2024, 2, 29), date(2024, 2, 29)),
    ],
)
def test_first_and_last_day(text, first, last):
    value = parse_partial_date(text, today=TODAY)
    assert value.first_day == first
    assert value.last_day == last


def test_partial_dates_are_not_ordered_directly():
    """Is 1962 before 09/1962? Neither: compare their spans (first_day, last_day)."""
    with pytest.raises(TypeError):
        PartialDate(1962) < PartialDate(1962, 9)  # noqa: B015


# -- order of start and end ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("1962", "05/1962"),  # a year may start a span that ends within it
        ("05/1962", "1962"),
        ("1962", "1962"),
        ("05/1962", "05/1962"),
        ("31/05/1962", "05/1962"),
        ("05/09/1962", "18/07/1977"),
        ("1962", "1977"),
        ("1962-09-05", "09/1962"),
        ("05/09/1962", "05/09/1962"),
        ("1962", None),
        (None, "1962"),
        ("", ""),
        (None, None),
    ],
)
def test_date_order_accepted(start, end):
    assert check_date_order(start, end) is None


@pytest.mark.parametrize(
    ("start", "end", "shown_start", "shown_end"),
    [
        ("1963", "1962", "1963", "1962"),
        ("06/1962", "05/1962", "06/1962", "05/1962"),
        ("1963", "12/1962", "1963", "12/1962"),
        ("01/06/1962", "05/1962", "01/06/1962", "05/1962"),
        ("06/09/1962", "05/09/1962", "06/09/1962", "05/09/1962"),
        ("1977-07-18", "1962-09-05", "18/07/1977", "05/09/1962"),
    ],
)
def test_date_order_rejects_start_after_end(start, end, shown_start, shown_end):
    with pytest.raises(InvalidDate) as info:
        check_date_order(start, end)
    message = info.value.doc()
    assert isinstance(message, Message)
    assert message == "error_date_order"
    assert message.mapping == {"start": shown_start, "end": shown_end}
    text = interpolate(message.default, message.mapping)
    assert shown_start in text
    assert shown_end in text
    assert "kết thúc" in text


def test_date_order_rejects_invalid_dates():
    with pytest.raises(InvalidDate):
        check_date_order("31/02/2001", "2002")
    with pytest.raises(InvalidDate):
        check_date_order("2001", "abc")


# -- spans and day numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("1962", None, (date(1962, 1, 1), date(1962, 12, 31))),
        (None, "1962", (date(1962, 1, 1), date(1962, 12, 31))),
        ("1962", "", (date(1962, 1, 1), date(1962, 12, 31))),
        ("05/09/1962", None, (date(1962, 9, 5), date(1962, 9, 5))),
        ("1962", "1977", (date(1962, 1, 1), date(1977, 12, 31))),
        ("05/09/1962", "07/1977", (date(1962, 9, 5), date(1977, 7, 31))),
        ("1962-09", "1962-09-30", (date(1962, 9, 1), date(1962, 9, 30))),
        ("02/2024", None, (date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_date_span(start, end, expected):
    assert date_span(start, end) == expected


@pytest.mark.parametrize(("start", "end"), [(None, None), ("", ""), ("", None)])
def test_date_span_empty(start, end):
    assert date_span(start, end) is None


def test_date_span_rejects_invalid_date():
    with pytest.raises(InvalidDate):
        date_span("13/2000")


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (date(1962, 9, 5), 19620905),
        (date(1977, 7, 18), 19770718),
        (date(2024, 2, 29), 20240229),
        (date(1000, 1, 1), 10000101),
        (date(2026, 12, 31), 20261231),
    ],
)
def test_day_number(day, number):
    assert day_number(day) == number


def test_day_numbers_keep_date_order():
    days = [date(1962, 9, 5), date(1962, 10, 1), date(1963, 1, 1), date(1977, 7, 18)]
    numbers = [day_number(day) for day in days]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
