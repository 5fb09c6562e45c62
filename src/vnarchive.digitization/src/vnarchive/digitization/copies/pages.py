"""Which pages of a record a copy holds: "1-3, 5" as people write it, checked.

An empty choice is the whole record (a BẢN SAO); a choice that leaves out a page is an
extract (a TRÍCH SAO). Pages are kept in the record's order, each once.
"""

from vnarchive.content.errors import ArchivalValidationError
from vnarchive.digitization import _
from vnarchive.digitization.copies.certificate import EXTRACT
from vnarchive.digitization.copies.certificate import FULL

import re


RANGE = re.compile(r"^(\d{1,6})\s*[-–]\s*(\d{1,6})$")


class PageSelectionError(ArchivalValidationError):
    """Pages that cannot be copied as asked (the message says which and why)."""


def _not_understood(part):
    return PageSelectionError(
        _(
            "copy_error_pages_syntax",
            default="Không hiểu “${part}” trong danh sách trang. Hãy ghi số trang hoặc "
            "khoảng trang cách nhau bằng dấu phẩy, ví dụ: 1-3, 5.",
            mapping={"part": part[:40]},
        )
    )


def _out_of_range(number, total):
    return PageSelectionError(
        _(
            "copy_error_pages_range",
            default="Tài liệu không có trang ${page}: tài liệu có ${total} trang (từ 1 "
            "đến ${total}).",
            mapping={"page": number, "total": total},
        )
    )


def _numbers(part, total):
    """The page numbers one part names ("7" or "2-4"), within 1..`total`."""
    found = RANGE.match(part)
    if part.isdigit():
        first = last = int(part)
    elif found is not None:
        first, last = int(found.group(1)), int(found.group(2))
    else:
        raise _not_understood(part)
    for number in (first, last):
        if not 1 <= number <= total:
            raise _out_of_range(number, total)
    if first > last:
        raise _not_understood(part)
    return range(first, last + 1)


def parse_pages(value, total):
    """The pages chosen (a sorted tuple), all of them when `value` is empty.

    `value`: text ("1-3, 5"), or a list of numbers or texts (REST). `total`: the pages of
    the record's PDF/A. `PageSelectionError` for what is not understood or out of range.
    """
    if isinstance(value, (list, tuple)):
        parts = [str(item).strip() for item in value]
    else:
        parts = [part.strip() for part in re.split(r"[,;]", str(value or ""))]
    parts = [part for part in parts if part]
    if not parts:
        return tuple(range(1, total + 1))
    chosen = set()
    for part in parts:
        chosen.update(_numbers(part, total))
    return tuple(sorted(chosen))


def kind_of(pages, total):
    """FULL (every page) or EXTRACT."""
    return FULL if len(pages) == total else EXTRACT
