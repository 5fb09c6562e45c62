"""The manifest of a batch of scans: which files make which record, with what metadata.

A manifest is a table (CSV in UTF-8, with or without BOM, `,` or `;` between cells; or
an XLSX workbook, first sheet). Row 1 is the header; each further row describes one
record. Columns:

- the national field names a record is described with (the names `create_record`
  and the REST API accept: ``title``, ``fileYear``, ``fileNumber``, ``typeName``,
  ``issuedDate``, ``subjectText``, ``languageCode``, ``docOrdinal`` …);
- ``kind``: what the row is — ``fonds``, ``dossier``, ``document`` (the default),
  ``photo`` or ``audiovisual`` (Vietnamese words and type names are accepted too);
- ``fonds``: the code of the fonds a dossier row belongs to;
- ``dossier``: the code of the dossier a document row belongs to
  (e.g. ``000.00.00.H56.2024.02.KH``);
- ``files``: one or more paths relative to the manifest, ``;``-separated, in page order.

This module only reads the table: it knows nothing of the site. It returns every row
it could read and every problem it found (row number as in a spreadsheet, column,
a code and a Vietnamese message), never raising on bad input.
"""

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from pathlib import Path
from pathlib import PurePosixPath
from vnarchive.content import _
from vnarchive.content.errors import message_text
from vnarchive.content.errors import SOURCE_LANGUAGE
from zope.i18nmessageid import Message

import csv
import io
import unicodedata


KIND, FONDS, DOSSIER, FILES = "kind", "fonds", "dossier", "files"
SPECIAL_COLUMNS = (KIND, FONDS, DOSSIER, FILES)

# Row kind -> portal type.
KIND_TYPES = {
    "fonds": "Fonds",
    "dossier": "Dossier",
    "document": "ArchivalDocument",
    "photo": "PhotoRecord",
    "audiovisual": "AudioVisualRecord",
}
DEFAULT_KIND = "document"

_KIND_WORDS = {
    "fonds": ("fonds", "phông", "phong", "phông lưu trữ"),
    "dossier": ("dossier", "hồ sơ", "ho so", "hoso"),
    "document": ("document", "tài liệu", "tai lieu", "văn bản", "van ban"),
    "photo": ("photo", "ảnh", "anh", "phim", "ảnh, phim"),
    "audiovisual": ("audiovisual", "ghi âm", "ghi hình", "ghi âm, ghi hình", "av"),
}
_COLUMN_WORDS = {
    KIND: ("kind", "loại", "loai", "loại bản ghi"),
    FONDS: ("fonds", "phông", "phong", "mã phông"),
    DOSSIER: ("dossier", "hồ sơ", "ho so", "mã hồ sơ"),
    FILES: ("files", "file", "tệp", "tep", "tệp tin"),
}
FILE_SEPARATORS = (";", "\n")
MANIFEST_NAMES = ("manifest.xlsx", "manifest.csv")


def _key(text):
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


KIND_ALIASES = {
    **{_key(word): kind for kind, words in _KIND_WORDS.items() for word in words},
    **{_key(type_name): kind for kind, type_name in KIND_TYPES.items()},
}
COLUMN_ALIASES = {
    _key(word): column for column, words in _COLUMN_WORDS.items() for word in words
}


@dataclass
class Problem:
    """Something wrong with a batch: where (file, row, column), what (code), and why.

    `message` is an i18n message with a Vietnamese default; `text()` renders it.
    Rows are numbered as in a spreadsheet: the header is row 1.
    """

    code: str
    message: Message
    row: int | None = None
    column: str | None = None
    file: str | None = None

    def text(self, language=SOURCE_LANGUAGE):
        """The message in `language` (Vietnamese by default, not zope.i18n's English fallback)."""
        return render(self.message, language)

    def to_dict(self):
        data = asdict(self)
        data["message"] = self.text()
        return data

    def __str__(self):
        where = ", ".join(
            part
            for part in (
                self.file,
                f"dòng {self.row}" if self.row else None,
                self.column,
            )
            if part
        )
        return f"{where}: {self.text()}" if where else self.text()


def render(message, language=SOURCE_LANGUAGE):
    """Translate `message`, and the messages in its mapping (field labels) too."""

    if isinstance(message, Message) and message.mapping:
        mapping = {
            key: render(value, language) if isinstance(value, Message) else value
            for key, value in message.mapping.items()
        }
        message = Message(message, mapping=mapping)
    return message_text(message, language)


@dataclass
class ManifestRow:
    number: int  # spreadsheet row number (header = 1)
    kind: str  # a key of KIND_TYPES
    fonds: str = ""  # fonds code (container of a dossier row)
    dossier: str = ""  # dossier code (container of a record row)
    files: list = field(default_factory=list)  # relative POSIX paths, page order
    fields: dict = field(default_factory=dict)  # national field name -> text

    @property
    def type_name(self):
        return KIND_TYPES[self.kind]


@dataclass
class Manifest:
    path: str
    columns: list  # header as read (special columns under their canonical names)
    rows: list  # ManifestRow
    problems: list  # Problem


def cell_text(value):
    """A cell as text: numbers without '.0', dates in the national DD/MM/YYYY form, NFC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def clean_relative_path(text):
    """A path as written in the manifest -> normalised relative POSIX path, or None if unsafe."""
    text = unicodedata.normalize("NFC", text.strip().replace("\\", "/"))
    if not text or text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = [part for part in PurePosixPath(text).parts if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def split_files(text):
    values = [text]
    for separator in FILE_SEPARATORS:
        values = [piece for value in values for piece in value.split(separator)]
    return [value.strip() for value in values if value.strip()]


# -- reading the table ------------------------------------------------------------


def _sniff_delimiter(text):
    """`,` or `;` (or tab): whichever separates more cells in the header line."""
    header = text.split("\n", 1)[0]
    counts = {}
    for delimiter in (",", ";", "\t"):
        try:
            counts[delimiter] = len(next(csv.reader([header], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            counts[delimiter] = 0
    return max(counts, key=lambda delimiter: counts[delimiter])


def _csv_table(path):
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ManifestError(
            "encoding",
            _(
                "manifest_error_encoding",
                default="Tệp danh mục ${file} không phải văn bản UTF-8 (lỗi ở byte "
                "${position}). Hãy lưu lại dưới dạng “CSV UTF-8” rồi nhập lại.",
                mapping={"file": Path(path).name, "position": error.start},
            ),
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text), delimiter=_sniff_delimiter(text))
    try:
        return [list(row) for row in reader]
    except csv.Error as error:
        raise ManifestError(
            "unreadable",
            _(
                "manifest_error_csv",
                default="Không đọc được tệp danh mục ${file} (dòng ${row}): ${error}. "
                "Hãy kiểm tra dấu ngoặc kép trong các ô.",
                mapping={
                    "file": Path(path).name,
                    "row": reader.line_num,
                    "error": str(error),
                },
            ),
        ) from None


def _xlsx_table(path):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise ManifestError(
            "unreadable",
            _(
                "manifest_error_xlsx",
                default="Không mở được bảng tính ${file}. Hãy kiểm tra tệp có đúng "
                "định dạng Excel (.xlsx) và không đặt mật khẩu.",
                mapping={"file": Path(path).name},
            ),
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()


class ManifestError(Exception):
    def __init__(self, code, message):
        super().__init__(code)
        self.code, self.message = code, message


def _read_table(path):
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_table(path)
    if suffix in (".csv", ".txt"):
        return _csv_table(path)
    raise ManifestError(
        "unsupported",
        _(
            "manifest_error_format",
            default="Tệp danh mục ${file} phải là CSV (UTF-8) hoặc Excel (.xlsx).",
            mapping={"file": Path(path).name},
        ),
    )


# -- interpreting it --------------------------------------------------------------


def _header(cells, name, problems):
    columns = []
    seen = set()
    for cell in cells:
        text = cell_text(cell)
        column = COLUMN_ALIASES.get(_key(text), text) if text else ""
        if column and column in seen:
            problems.append(
                Problem(
                    "duplicate_column",
                    _(
                        "manifest_error_duplicate_column",
                        default="Cột “${column}” xuất hiện hai lần trong dòng tiêu đề; "
                        "hãy giữ lại một cột.",
                        mapping={"column": column},
                    ),
                    row=1,
                    column=column,
                    file=name,
                )
            )
            column = ""
        seen.add(column)
        columns.append(column)
    return columns


def _row(number, cells, columns, name, problems):
    values = {}
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        column = columns[index] if index < len(columns) else ""
        if not column:
            problems.append(
                Problem(
                    "no_column",
                    _(
                        "manifest_error_no_column",
                        default="Ô thứ ${index} có giá trị “${value}” nhưng cột không có "
                        "tên trong dòng tiêu đề.",
                        mapping={"index": index + 1, "value": text},
                    ),
                    row=number,
                    file=name,
                )
            )
            continue
        values[column] = text
    if not values:
        return None
    kind_text = values.pop(KIND, "")
    kind = KIND_ALIASES.get(_key(kind_text)) if kind_text else DEFAULT_KIND
    if kind is None:
        problems.append(
            Problem(
                "unknown_kind",
                _(
                    "manifest_error_kind",
                    default="Loại “${value}” không rõ. Dùng fonds (phông), dossier "
                    "(hồ sơ), document (tài liệu), photo (ảnh) hoặc audiovisual "
                    "(ghi âm, ghi hình).",
                    mapping={"value": kind_text},
                ),
                row=number,
                column=KIND,
                file=name,
            )
        )
        return None
    files = []
    for text in split_files(values.pop(FILES, "")):
        path = clean_relative_path(text)
        if path is None:
            problems.append(
                Problem(
                    "bad_path",
                    _(
                        "manifest_error_path",
                        default="Đường dẫn tệp “${value}” không hợp lệ: phải là đường dẫn "
                        "tương đối trong thư mục lô (không bắt đầu bằng “/”, không có “..”).",
                        mapping={"value": text},
                    ),
                    row=number,
                    column=FILES,
                    file=name,
                )
            )
            continue
        files.append(path)
    return ManifestRow(
        number=number,
        kind=kind,
        fonds=values.pop(FONDS, ""),
        dossier=values.pop(DOSSIER, ""),
        files=files,
        fields=values,
    )


def read_manifest(path):
    """Read the manifest at `path` (.csv or .xlsx) -> Manifest(rows, problems)."""
    name = Path(path).name
    problems = []
    try:
        table = _read_table(path)
    except ManifestError as error:
        return Manifest(
            str(path), [], [], [Problem(error.code, error.message, file=name)]
        )
    except OSError as error:
        return Manifest(
            str(path),
            [],
            [],
            [
                Problem(
                    "unreadable",
                    _(
                        "manifest_error_os",
                        default="Không đọc được tệp danh mục ${file}: ${error}.",
                        mapping={"file": name, "error": error.strerror or str(error)},
                    ),
                    file=name,
                )
            ],
        )
    if not table or not any(cell_text(cell) for cell in table[0]):
        problems.append(
            Problem(
                "no_header",
                _(
                    "manifest_error_no_header",
                    default="Dòng đầu của tệp danh mục ${file} phải là dòng tiêu đề "
                    "(tên trường: kind, dossier, files, title, issuedDate…).",
                    mapping={"file": name},
                ),
                row=1,
                file=name,
            )
        )
        return Manifest(str(path), [], [], problems)
    columns = _header(table[0], name, problems)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        row = _row(number, cells, columns, name, problems)
        if row is not None:
            rows.append(row)
    if not rows:
        problems.append(
            Problem(
                "no_rows",
                _(
                    "manifest_error_no_rows",
                    default="Tệp danh mục ${file} không có dòng dữ liệu nào.",
                    mapping={"file": name},
                ),
                file=name,
            )
        )
    return Manifest(str(path), [column for column in columns if column], rows, problems)


def find_manifest(folder):
    """The manifest of a batch folder: manifest.xlsx or manifest.csv (any case), or None.

    A folder holding nothing but one folder (a ZIP made of a folder) is looked into.
    """
    folder = Path(folder)
    if folder.is_file():
        return folder
    entries = [
        entry
        for entry in folder.iterdir()
        if not entry.name.startswith(".") and entry.name.lower() != "__macosx"
    ]
    names = {entry.name.lower(): entry for entry in entries if entry.is_file()}
    for candidate in MANIFEST_NAMES:
        if candidate in names:
            return names[candidate]
    if len(entries) == 1 and entries[0].is_dir():
        return find_manifest(entries[0])
    return None
