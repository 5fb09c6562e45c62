"""Archival identifiers (standards summary §2).

Dossier code  = prefix . year formed . dossier number-and-symbol, e.g. 000.06.16.G09.2010.01.TH,
where the prefix is the agency identifier of the creating body (or, for a closed fonds,
the fonds code). Document id = dossier code . ordinal; archival code = dossier code .
7-digit ordinal. Formats are checked here, and only here.
"""

from datetime import date
from vnarchive.content import _
from vnarchive.content.errors import ArchivalValidationError

import re
import unicodedata


FILE_CODE_MAX = 100
DOC_CODE_MAX = 100
ORDINAL_DIGITS = 7

# 3.2.2 levels (H49.64.33) or 3.2.2.3 levels (000.06.16.G09): the 13-character agency id.
AGENCY_CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}(\.[0-9A-Z]{3})?$")
FONDS_CODE = re.compile(r"^[0-9A-ZĐ]+([.\-][0-9A-ZĐ]+)*$")
FONDS_CODE_MAX = 13
# Số và ký hiệu hồ sơ: the dossier's number in the dossier catalogue (Arabic digits),
# then the symbol, e.g. 01.TH (Circular 01/2019). Letters alone are not a number.
DOSSIER_NUMBER = re.compile(r"^[0-9]+([.\-][0-9A-ZĐ]+)*$")
DOSSIER_NUMBER_MAX = 30
# archive-code.storeroom/shelf/box.paper-dossier-no, read tolerantly.
PAPER_FILE_CODE = re.compile(r"^[^\s/]+\.[^\s/]+/[^\s/]+/[^\s/]+\.[^\s/]+$")
CODE_NUMBER = re.compile(r"^[0-9]+[a-zA-Z0-9]*$")
CODE_NOTATION = re.compile(r"^[0-9A-Za-zĐđ]+([.\-/][0-9A-Za-zĐđ]+)*$")


class InvalidCode(ArchivalValidationError):
    """An identifier or code that does not follow the national rules."""


def clean_code(text):
    """Codes are compared as typed by people: trimmed, NFC, upper case."""
    return unicodedata.normalize("NFC", (text or "").strip()).upper()


def _check(pattern, value, maximum, message):
    # fullmatch: "$" alone would accept a trailing newline ("01.TH\n").
    if not value or len(value) > maximum or not pattern.fullmatch(value):
        raise InvalidCode(message)
    return True


def check_agency_code(value):
    return _check(
        AGENCY_CODE,
        value,
        13,
        _(
            "error_agency_code",
            default="Mã định danh cơ quan “${value}” không đúng dạng: 3 nhóm "
            "(H49.64.33) hoặc 4 nhóm (000.06.16.G09) chữ in hoa và số, ngăn bởi dấu chấm.",
            mapping={"value": value},
        ),
    )


def check_fonds_code(value):
    return _check(
        FONDS_CODE,
        value,
        FONDS_CODE_MAX,
        _(
            "error_fonds_code",
            default="Mã phông “${value}” không đúng dạng: tối đa ${max} ký tự, "
            "chữ in hoa và số, có thể ngăn bởi dấu chấm hoặc gạch ngang.",
            mapping={"value": value, "max": FONDS_CODE_MAX},
        ),
    )


def check_dossier_number(value):
    if value and value[0].isalpha():
        raise InvalidCode(
            _(
                "error_dossier_number_start",
                default="Số và ký hiệu hồ sơ “${value}” phải bắt đầu bằng số của hồ sơ "
                "trong danh mục hồ sơ (chữ số), rồi đến ký hiệu, ví dụ 01.TH.",
                mapping={"value": value},
            )
        )
    return _check(
        DOSSIER_NUMBER,
        value,
        DOSSIER_NUMBER_MAX,
        _(
            "error_dossier_number",
            default="Số và ký hiệu hồ sơ “${value}” không đúng dạng: chữ in hoa và số, "
            "ngăn bởi dấu chấm hoặc gạch ngang (ví dụ 01.TH), tối đa ${max} ký tự.",
            mapping={"value": value, "max": DOSSIER_NUMBER_MAX},
        ),
    )


def check_paper_file_code(value):
    return _check(
        PAPER_FILE_CODE,
        value,
        FILE_CODE_MAX,
        _(
            "error_paper_file_code",
            default="Mã hồ sơ gốc giấy “${value}” không đúng dạng "
            "mã-lưu-trữ.kho/giá/hộp.số-hồ-sơ (ví dụ H49.K1/12/45.160).",
            mapping={"value": value},
        ),
    )


def check_code_number(value):
    return _check(
        CODE_NUMBER,
        value,
        11,
        _(
            "error_code_number",
            default="Số của văn bản “${value}” phải bắt đầu bằng chữ số, tối đa 11 ký tự "
            "(ví dụ 123 hoặc 05a).",
            mapping={"value": value},
        ),
    )


def check_code_notation(value):
    return _check(
        CODE_NOTATION,
        value,
        30,
        _(
            "error_code_notation",
            default="Ký hiệu văn bản “${value}” không đúng dạng (ví dụ QĐ-UBND), "
            "tối đa 30 ký tự, không có khoảng trắng.",
            mapping={"value": value},
        ),
    )


def check_year(value, today=None):
    today = today or date.today()
    if value is None or not 1000 <= value <= today.year:
        raise InvalidCode(
            _(
                "error_year",
                default="Năm “${value}” không hợp lệ: từ 1000 đến năm hiện tại.",
                mapping={"value": value},
            )
        )
    return True


def dossier_code(prefix, year, number):
    """Mã hồ sơ: prefix . year formed . number-and-symbol."""
    code = f"{prefix}.{year}.{number}"
    if len(code) > FILE_CODE_MAX:
        raise InvalidCode(
            _(
                "error_file_code_length",
                default="Mã hồ sơ “${value}” dài quá ${max} ký tự.",
                mapping={"value": code, "max": FILE_CODE_MAX},
            )
        )
    return code


def check_ordinal(value):
    if value is None or not 1 <= value < 10**ORDINAL_DIGITS:
        raise InvalidCode(
            _(
                "error_ordinal",
                default="Số thứ tự trong hồ sơ phải từ 1 đến 9999999.",
            )
        )
    return True


def document_id(file_code, ordinal):
    """Mã định danh tài liệu: dossier code . ordinal."""
    return f"{file_code}.{ordinal}"


def document_code(file_code, ordinal):
    """Mã lưu trữ tài liệu: dossier code . 7-digit ordinal."""
    return f"{file_code}.{ordinal:0{ORDINAL_DIGITS}d}"


def digitized_file_name(file_code, ordinal=None):
    """Name of a digitized file: <dossier code>.<ordinal>.pdf, or <dossier code>.pdf."""
    if ordinal is None:
        return f"{file_code}.pdf"
    return f"{document_id(file_code, ordinal)}.pdf"


def split_number_and_symbol(text):
    """'123/QĐ-BNV' -> ('123', 'QĐ-BNV'); the number-and-symbol of a document."""
    number, _sep, notation = (text or "").strip().partition("/")
    return number.strip(), notation.strip()
