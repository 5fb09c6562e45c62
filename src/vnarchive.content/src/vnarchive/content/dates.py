"""Partial dates of archival records: a day, a month or only a year.

Historical records are often dated only by year, so the national packages accept
DD/MM/YYYY, MM/YYYY and YYYY. A partial date covers a span of days; a record's dates
are indexed as that span so that a question about years finds it.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from vnarchive.content import _
from vnarchive.content.errors import ArchivalValidationError

import re


EARLIEST_YEAR = 1000

_FORMS = (
    re.compile(r"^(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})$"),
    re.compile(r"^(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})$"),
    re.compile(r"^(?P<year>[0-9]{4})$"),
    re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})$"),
    re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})$"),
)


class InvalidDate(ArchivalValidationError):
    """The text is not a date in a form the national rules accept."""


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    # "is None", not "or": a day or month 0 (00/01/2000) is not real and must not be
    # read as "no day".
    @property
    def first_day(self):
        return date(
            self.year,
            1 if self.month is None else self.month,
            1 if self.day is None else self.day,
        )

    @property
    def last_day(self):
        month = 12 if self.month is None else self.month
        day = monthrange(self.year, month)[1] if self.day is None else self.day
        return date(self.year, month, day)

    def __str__(self):
        """The national written form."""
        if self.day:
            return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"
        if self.month:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.year:04d}"


def parse_partial_date(text, today=None):
    """Read DD/MM/YYYY, MM/YYYY, YYYY (or ISO YYYY-MM-DD, YYYY-MM) into a PartialDate."""
    text = (text or "").strip()
    for form in _FORMS:
        match = form.match(text)
        if match:
            break
    else:
        raise InvalidDate(
            _(
                "error_date_form",
                default="“${value}” không phải là ngày hợp lệ. Hãy nhập theo dạng "
                "NN/TT/NNNN, TT/NNNN hoặc NNNN (ví dụ 05/09/1962, 09/1962, 1962).",
                mapping={"value": text},
            )
        )
    parts = {key: int(value) for key, value in match.groupdict().items()}
    result = PartialDate(parts["year"], parts.get("month"), parts.get("day"))
    try:
        result.last_day  # noqa: B018 - builds the dates, rejecting 31/02 and month 13
        result.first_day  # noqa: B018
    except ValueError:
        raise InvalidDate(
            _(
                "error_date_not_real",
                default="Ngày “${value}” không tồn tại trong lịch.",
                mapping={"value": text},
            )
        ) from None
    today = today or date.today()
    if result.year < EARLIEST_YEAR or result.first_day > today:
        raise InvalidDate(
            _(
                "error_date_out_of_range",
                default="Ngày “${value}” nằm ngoài khoảng cho phép "
                "(từ năm ${earliest} đến hôm nay).",
                mapping={"value": text, "earliest": EARLIEST_YEAR},
            )
        )
    return result


def normalize_partial_date(text):
    """The national written form of a date typed in any accepted form."""
    return str(parse_partial_date(text))


def check_date_order(start, end):
    """Raise when a record's start date lies after its end date."""
    if not start or not end:
        return
    first, last = parse_partial_date(start), parse_partial_date(end)
    if first.first_day > last.last_day:
        raise InvalidDate(
            _(
                "error_date_order",
                default="Thời gian bắt đầu (${start}) không được sau thời gian "
                "kết thúc (${end}).",
                mapping={"start": str(first), "end": str(last)},
            )
        )


def date_span(start, end=None):
    """(first day, last day) covered by a start and an optional end date, or None."""
    if not start and not end:
        return None
    first = parse_partial_date(start or end)
    last = parse_partial_date(end or start)
    return first.first_day, last.last_day


def day_number(day):
    """A date as the integer YYYYMMDD, the form the catalog indexes ranges in."""
    return day.year * 10000 + day.month * 100 + day.day
