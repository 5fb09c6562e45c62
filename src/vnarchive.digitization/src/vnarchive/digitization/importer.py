"""Batch import: plan a folder of scans against the site, then import it one record at a time.

`plan_batch(site, folder)` is the validate-only run. It reads the manifest, opens every
page of every file (corrupt, empty, encrypted, oversized, unsupported and low-resolution
files are found here), resolves fonds and dossier codes against the site and the batch,
and runs on each new record the very validation `create_record` runs (the REST
deserializer, field checks and invariants such as code uniqueness) on an object that
is never added anywhere: planning writes nothing, not even a code in the registry.

`import_document(site, planned)` imports one planned record (a fonds, a dossier, or a
document with its files) and is idempotent: a record with the same identifier is
reused (fonds code; dossier code; dossier code + ordinal, or for a record without an
ordinal, a record of the same dossier already holding its files), and a master whose
SHA-256 the record already has is not added again. It does all or nothing: on any
problem it rolls back to where it started and raises `ImportRefused`. The caller
commits one transaction per planned record, in plan order (fonds, dossiers, records).
"""

from AccessControl import Unauthorized
from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from BTrees.OOBTree import OOBTree
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from plone.app.uuid.utils import uuidToObject
from plone.dexterity.utils import iterSchemataForType
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.services.content.utils import create
from plone.uuid.interfaces import IUUID
from vnarchive.content import coding
from vnarchive.content import identifiers
from vnarchive.content.dates import InvalidDate
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.files import guess_type
from vnarchive.content.files import IRecordFiles
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.types.dossier import IDossier
from vnarchive.content.types.fonds import IFonds
from vnarchive.digitization import _
from vnarchive.digitization.images import iter_pages
from vnarchive.digitization.images import PageImageError
from vnarchive.digitization.manifest import find_manifest
from vnarchive.digitization.manifest import KIND_TYPES
from vnarchive.digitization.manifest import Problem
from vnarchive.digitization.manifest import read_manifest
from vnarchive.digitization.manifest import SPECIAL_COLUMNS
from vnarchive.digitization.uploads import suppressed
from vnarchive.policy.files import add_master_file
from vnarchive.policy.records import create_record
from zExceptions import BadRequest
from ZODB.POSException import ConflictError
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.globalrequest import getRequest
from zope.schema import getFields
from zope.schema.interfaces import IBool
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import ICollection
from zope.schema.interfaces import IInt
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.interfaces import RequiredMissing
from zope.schema.interfaces import TooLong

import contextlib
import hashlib
import logging
import os
import transaction
import unicodedata


logger = logging.getLogger(__name__)
ImportProblem = Problem
MIN_DPI = 200
CHUNK = 1 << 20
CHECKSUMS_KEY = "vnarchive.digitization.checksums"
LEVELS = {"Fonds": 0, "Dossier": 1}  # every other type: 2
IGNORED_FILES = {"thumbs.db", "desktop.ini", "__macosx"}
LIST_SEPARATORS = (";", ",")
TRUE = {"1", "true", "yes", "x", "có", "co", "đúng"}
FALSE = {"0", "false", "no", "không", "khong", "sai"}


# -- what a plan and an import are made of -------------------------------------------


@dataclass
class PlannedFile:
    path: str  # relative POSIX path inside the batch folder (as in the manifest)
    sha256: str
    size: int
    pages: int  # 0 for files that are not page images (sound, video)
    dpi: int | None  # lowest resolution among its pages

    @property
    def name(self):
        return self.path.rsplit("/", 1)[-1]


@dataclass
class PlannedDocument:
    """One record to import: a fonds, a dossier, or a record with its files.

    `container` is "" for a fonds (added to the site), the fonds code for a dossier,
    the dossier code for a record. `identifier` is the code the record is found by on
    a re-run (fonds code, dossier code, document id) or None for a record without an
    ordinal, which is found by the checksums of its files. `fields` are the national
    field names and values passed to `create_record`. `existing` is the UID of the
    record the site already had when the plan was made (it will be reused).
    """

    row: int
    type_name: str
    container: str
    identifier: str | None
    fields: dict
    folder: str
    files: list = field(default_factory=list)  # PlannedFile, in page order
    existing: str | None = None

    @property
    def pages(self):
        return sum(item.pages for item in self.files)

    @property
    def label(self):
        return (
            self.fields.get("title")
            or self.fields.get("subjectText")
            or self.identifier
            or f"#{self.row}"
        )

    def to_dict(self):
        """Plain data (str, int, list, dict) to keep in a persistent batch."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["files"] = [PlannedFile(**item) for item in data.get("files", ())]
        return cls(**data)


@dataclass
class ImportPlan:
    folder: str
    manifest: str | None
    documents: list  # PlannedDocument, importable, in import order
    problems: list  # Problem
    files_total: int = 0  # files of the importable documents
    pages_total: int = 0  # pages of the importable documents
    refused_rows: list = field(default_factory=list)  # manifest rows not importable

    @property
    def ok(self):
        return not self.problems


@dataclass
class PageRef:
    file: str  # name of the master on the record
    file_page: int  # 1-based page number inside that file (images.read_page)
    number: int  # 1-based page number in the document


@dataclass
class ImportedDocument:
    uid: str
    pages: list  # PageRef, in document order
    created: bool  # False when an existing record was reused


class ImportRefused(ArchivalValidationError):
    """The record was not imported (nothing of it remains); `problems` say why."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.problems[0].message)

    def __str__(self):
        return "; ".join(str(problem) for problem in self.problems)


# -- messages ------------------------------------------------------------------------


def _field_label(fields, name):
    item = fields.get(name)
    return item.title if item is not None and item.title else name


# -- reading the site ----------------------------------------------------------------


def _holder(site, code):
    """The record holding `code` in the site-wide code registry, or None."""
    if not code:
        return None
    uid = coding.code_holder(code, site)
    return uuidToObject(uid, unrestricted=True) if uid else None


def _checksums(dossier, create=False):
    annotations = IAnnotations(dossier)
    mapping = annotations.get(CHECKSUMS_KEY)
    if mapping is None and create:
        mapping = annotations[CHECKSUMS_KEY] = OOBTree()
    return mapping


def _record_by_checksums(dossier, checksums):
    """A record of `dossier` imported earlier with one of these files (a re-run)."""
    mapping = _checksums(dossier) if IDossier.providedBy(dossier) else None
    if not mapping:
        return None
    for checksum in checksums:
        uid = mapping.get(checksum)
        record = uuidToObject(uid, unrestricted=True) if uid else None
        if _in_dossier(record, dossier):
            return record
    return None


def _in_dossier(record, dossier):
    return (
        record is not None
        and IFileRecord.providedBy(record)
        and aq_base(aq_parent(aq_inner(record))) is aq_base(dossier)
    )


def _type_fields(type_name):
    fields = {}
    for schema in iterSchemataForType(type_name):
        fields.update(getFields(schema))
    return fields


def _vocabulary_values(item, context):
    vocabulary = item.vocabulary
    if vocabulary is None and item.vocabularyName:
        vocabulary = getUtility(IVocabularyFactory, item.vocabularyName)(context)
    return [term.value for term in vocabulary] if vocabulary is not None else None


@contextlib.contextmanager
def strict_decoding():
    """Refuse truncated images while reading scans.

    plone.scale sets Pillow's global ``LOAD_TRUNCATED_IMAGES = True`` when it is
    imported (always, in Zope), and Pillow then decodes a truncated scan with grey
    at the end instead of refusing it: a master must be whole.
    """
    from PIL import ImageFile

    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def sha256_of(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# -- turning manifest text into field values -----------------------------------------


class _Conversion(Exception):
    def __init__(self, code, message):
        super().__init__(code)
        self.code, self.message = code, message


def _choice(item, text, context, label):
    values = _vocabulary_values(item, context)
    if values is None or text in values:
        return text
    # a spreadsheet turns the code "02" into the number 2
    if text.isdigit() and text.zfill(2) in values:
        return text.zfill(2)
    raise _Conversion(
        "invalid_code",
        _(
            "import_error_code_value",
            default="${label}: mã “${value}” không có trong danh mục. Các mã hợp lệ: ${values}.",
            mapping={
                "label": label,
                "value": text,
                "values": ", ".join(str(value) for value in values),
            },
        ),
    )


def _convert(item, text, context, label):
    """Manifest text -> the JSON-like value the REST deserializer takes for `item`."""
    if IInt.providedBy(item):
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            raise _Conversion(
                "invalid_number",
                _(
                    "import_error_number",
                    default="${label}: “${value}” không phải là số nguyên.",
                    mapping={"label": label, "value": text},
                ),
            ) from None
    if IBool.providedBy(item):
        key = text.strip().lower()
        if key in TRUE or key in FALSE:
            return key in TRUE
        raise _Conversion(
            "invalid_value",
            _(
                "import_error_bool",
                default="${label}: “${value}” phải là có/không (true/false, 1/0).",
                mapping={"label": label, "value": text},
            ),
        )
    if ICollection.providedBy(item):
        values = [text]
        for separator in LIST_SEPARATORS:
            values = [piece for value in values for piece in value.split(separator)]
        values = [value.strip() for value in values if value.strip()]
        if IChoice.providedBy(item.value_type):
            bound = item.value_type.bind(context)
            values = [_choice(bound, value, context, label) for value in values]
        return values
    if IChoice.providedBy(item):
        return _choice(item.bind(context), text, context, label)
    return text


def _field_problem(error, name, fields, row, file_name):
    label = _field_label(fields, name) if name else None
    if isinstance(error, coding.CodeInUse):
        code, message = "duplicate_identifier", error.doc()
    elif isinstance(error, InvalidDate):
        code, message = "invalid_date", error.doc()
    elif isinstance(error, ArchivalValidationError):
        code, message = "invalid_value", error.doc()
    elif isinstance(error, RequiredMissing):
        code = "required"
        message = _(
            "import_error_required",
            default="Thiếu giá trị bắt buộc “${label}”.",
            mapping={"label": label},
        )
    elif isinstance(error, TooLong):
        code = "invalid_value"
        message = _(
            "import_error_too_long",
            default="“${label}” dài quá ${max} ký tự.",
            mapping={"label": label, "max": getattr(error, "bound", None) or ""},
        )
    else:
        code = "invalid_value"
        text = error.doc() if hasattr(error, "doc") else str(error)
        message = _(
            "import_error_value",
            default="Giá trị của “${label}” không hợp lệ (${error}).",
            mapping={"label": label or "", "error": text},
        )
    if label and isinstance(error, ArchivalValidationError):
        message = _(
            "import_error_field",
            default="${label}: ${message}",
            mapping={"label": label, "message": message},
        )
    return Problem(code, message, row=row, column=name, file=file_name)


# the invariants that check codes, by type: the column people should correct
_CODE_COLUMN = {"Fonds": "fondsCode", "Dossier": "fileNumber"}


def _bad_request_problems(error, type_name, fields, row, file_name):
    problems = []
    details = error.args[0] if error.args else None
    if not isinstance(details, list):
        details = [{"message": str(error)}]
    for detail in details:
        cause = detail.get("error")
        name = detail.get("field")
        if isinstance(cause, Exception) and not isinstance(cause, str):
            if name is None and isinstance(cause, coding.CodeInUse):
                name = _CODE_COLUMN.get(type_name, "docOrdinal")
            problems.append(_field_problem(cause, name, fields, row, file_name))
        else:
            problems.append(
                Problem(
                    "invalid_value",
                    _(
                        "import_error_other",
                        default="Dữ liệu không hợp lệ: ${error}",
                        mapping={"error": str(detail.get("message"))},
                    ),
                    row=row,
                    column=name,
                    file=file_name,
                )
            )
    return problems


def _not_allowed(type_name, row, file_name):
    return Problem(
        "not_allowed",
        _(
            "import_error_not_allowed",
            default="Không được phép tạo “${type}” ở vị trí này (thiếu quyền hoặc loại "
            "không được phép chứa trong thư mục cha).",
            mapping={"type": type_name},
        ),
        row=row,
        file=file_name,
    )


def _request(context):
    """The current request; a worker or script without one uses the site's."""
    request = getRequest()
    return request if request is not None else getattr(context, "REQUEST", None)


def validate_new(container, type_name, data, row=None, file_name=None):
    """Run `create_record`'s validation on an object never added anywhere.

    Returns (object wrapped in `container`, []) or (None, problems). Nothing is
    written: the object has no parent that holds it, no code is claimed.
    """
    try:
        obj = create(container, type_name)
    except Unauthorized:
        return None, [_not_allowed(type_name, row, file_name)]
    obj = obj.__of__(container)
    request = _request(container)
    deserializer = getMultiAdapter((obj, request), IDeserializeFromJson)
    try:
        deserializer(
            validate_all=True,
            data=dict(data),
            create=True,
            mask_validation_errors=False,
        )
    except BadRequest as error:
        fields = _type_fields(type_name)
        return None, _bad_request_problems(error, type_name, fields, row, file_name)
    return obj, []


# -- planning ------------------------------------------------------------------------


def _batch_files(folder, manifest_path):
    """Relative NFC path -> absolute Path, for every file of the batch but the manifest."""
    found = {}
    folder = Path(folder)
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".") and name.lower() not in IGNORED_FILES
        )
        for name in sorted(names):
            if name.startswith(".") or name.lower() in IGNORED_FILES:
                continue
            path = Path(directory) / name
            if manifest_path is not None and path == Path(manifest_path):
                continue
            relative = path.relative_to(folder).as_posix()
            found[unicodedata.normalize("NFC", relative)] = path
    return found


class _Planner:
    def __init__(self, site, folder, min_dpi):
        self.site = site
        self.folder = Path(folder)
        self.min_dpi = min_dpi
        self.problems = []
        self.documents = []
        self.refused = set()
        self.manifest_name = None
        # code -> the fonds/dossier (in the site, or validated but not added), or
        # None when its row is refused
        self.fonds = {}
        self.dossiers = {}
        self.identifiers = {}  # identifier -> row
        self.used_files = {}  # relative path -> row
        self.row_files = set()  # files of the row being planned
        self.checksums = {}  # sha256 -> (row, path)
        self.fields = {
            type_name: _type_fields(type_name) for type_name in KIND_TYPES.values()
        }

    # problems

    def refuse(self, problem):
        self.problems.append(problem)
        if problem.row:
            self.refused.add(problem.row)

    def row_problem(self, row, code, message, column=None):
        self.refuse(
            Problem(
                code, message, row=row.number, column=column, file=self.manifest_name
            )
        )

    # the manifest

    def run(self):
        manifest_path = find_manifest(self.folder) if self.folder.exists() else None
        if manifest_path is None:
            self.problems.append(
                Problem(
                    "manifest_missing",
                    _(
                        "import_error_no_manifest",
                        default="Thư mục lô ${folder} không có tệp danh mục manifest.csv hoặc "
                        "manifest.xlsx.",
                        mapping={"folder": str(self.folder)},
                    ),
                )
            )
            return self.plan(None)
        self.folder = manifest_path.parent  # the folder given, or the one inside it
        self.manifest_name = manifest_path.name
        manifest = read_manifest(manifest_path)
        for problem in manifest.problems:
            self.refuse(problem)
        files = _batch_files(self.folder, manifest_path)
        rows = sorted(manifest.rows, key=lambda row: LEVELS.get(row.type_name, 2))
        for row in rows:
            try:
                self.plan_row(row, files)
            except ConflictError:
                raise
            except Exception as error:  # one odd row must not stop the whole check
                logger.exception("Planning row %s of %s", row.number, manifest_path)
                self.row_problem(
                    row,
                    "unexpected",
                    _(
                        "import_error_unexpected",
                        default="Lỗi không lường trước khi kiểm tra dòng này (${kind}: ${detail}). "
                        "Hãy báo quản trị hệ thống.",
                        mapping={
                            "kind": type(error).__name__,
                            "detail": str(error)[:300],
                        },
                    ),
                )
        for relative in files:
            if relative not in self.used_files:
                self.problems.append(
                    Problem(
                        "file_unlisted",
                        _(
                            "import_error_file_unlisted",
                            default="Tệp ${file} không có trong danh mục (không dòng nào nhắc "
                            "đến). Hãy thêm một dòng cho tệp hoặc bỏ tệp khỏi lô.",
                            mapping={"file": relative},
                        ),
                        file=relative,
                    )
                )
        return self.plan(str(manifest_path))

    def plan_row(self, row, files):
        data = self.row_fields(row)
        if row.type_name == "Fonds":
            self.plan_fonds(row, data)
        elif row.type_name == "Dossier":
            self.plan_dossier(row, data)
        else:
            self.plan_record(row, data, files)

    def plan(self, manifest_path):
        documents = [doc for doc in self.documents if doc.row not in self.refused]
        return ImportPlan(
            folder=str(self.folder),
            manifest=manifest_path,
            documents=documents,
            problems=sorted(
                self.problems, key=lambda item: (item.row or 0, item.file or "")
            ),
            files_total=sum(len(doc.files) for doc in documents),
            pages_total=sum(doc.pages for doc in documents),
            refused_rows=sorted(self.refused),
        )

    def row_fields(self, row):
        """The row's text turned into field values of its type; problems reported."""
        fields = self.fields[row.type_name]
        data = {}
        for name, text in row.fields.items():
            item = fields.get(name)
            if item is None or name in SPECIAL_COLUMNS:
                known = any(name in other for other in self.fields.values())
                if known:
                    message = _(
                        "import_error_field_kind",
                        default="Cột “${column}” không dùng cho loại “${kind}” của dòng này; "
                        "hãy để trống ô hoặc sửa loại.",
                        mapping={"column": name, "kind": row.kind},
                    )
                else:
                    message = _(
                        "import_error_column",
                        default="Cột “${column}” không phải tên trường nào (hãy dùng tên trường "
                        "quốc gia, ví dụ title, issuedDate, subjectText).",
                        mapping={"column": name},
                    )
                code = "field_not_applicable" if known else "unknown_column"
                self.row_problem(row, code, message, column=name)
                continue
            if item.readonly:
                continue  # fileCode, docId, docCode: computed, never set
            try:
                data[name] = _convert(item, text, self.site, _field_label(fields, name))
            except _Conversion as error:
                self.row_problem(row, error.code, error.message, column=name)
        return data

    def duplicate(self, row, identifier, column):
        first = self.identifiers.get(identifier)
        if first is None:
            self.identifiers[identifier] = row.number
            return False
        self.row_problem(
            row,
            "duplicate_identifier",
            _(
                "import_error_duplicate",
                default="Mã “${code}” trùng với dòng ${first} của danh mục; mỗi mã chỉ được "
                "dùng một lần.",
                mapping={"code": identifier, "first": first},
            ),
            column=column,
        )
        return True

    def validate(self, row, container, data):
        obj, problems = validate_new(
            container, row.type_name, data, row.number, self.manifest_name
        )
        for problem in problems:
            self.refuse(problem)
        return obj

    def add(self, row, container, identifier, data, files=(), existing=None):
        planned = PlannedDocument(
            row=row.number,
            type_name=row.type_name,
            container=container,
            identifier=identifier,
            fields=data,
            folder=str(self.folder),
            files=list(files),
            existing=IUUID(existing, None) if existing is not None else None,
        )
        self.documents.append(planned)
        return planned

    def no_files_here(self, row):
        if row.files:
            self.row_problem(
                row,
                "files_not_allowed",
                _(
                    "import_error_files_not_allowed",
                    default="Dòng loại “${kind}” không kèm tệp; tệp quét thuộc về tài liệu.",
                    mapping={"kind": row.kind},
                ),
                column="files",
            )
            for relative in row.files:
                self.used_files.setdefault(relative, row.number)

    # fonds, dossiers, records

    def plan_fonds(self, row, data):
        self.no_files_here(row)
        code = identifiers.clean_code(data.get("fondsCode", ""))
        if code and self.duplicate(row, code, "fondsCode"):
            return
        existing = _holder(self.site, code)
        if existing is not None and IFonds.providedBy(existing):
            self.fonds[code] = existing
            self.add(row, "", code, data, existing=existing)
            return
        obj = self.validate(row, self.site, data)
        if code:
            self.fonds[code] = obj if row.number not in self.refused else None
        if obj is not None and row.number not in self.refused:
            self.add(row, "", code, data)

    def find_fonds(self, row, code):
        if not code:
            self.row_problem(
                row,
                "missing_container",
                _(
                    "import_error_no_fonds",
                    default="Dòng hồ sơ phải ghi mã phông ở cột “fonds”.",
                ),
                column="fonds",
            )
            return None
        if code in self.fonds:
            obj = self.fonds[code]
            if obj is None:
                self.row_problem(
                    row,
                    "container_refused",
                    _(
                        "import_error_fonds_refused",
                        default="Phông “${code}” của dòng này không nhập được (xem lỗi của dòng "
                        "phông).",
                        mapping={"code": code},
                    ),
                    column="fonds",
                )
            return obj
        obj = _holder(self.site, code)
        if obj is None or not IFonds.providedBy(obj):
            self.row_problem(
                row,
                "unknown_fonds",
                _(
                    "import_error_unknown_fonds",
                    default="Không có phông mã “${code}” trong hệ thống hay trong danh mục. "
                    "Hãy kiểm tra mã hoặc thêm một dòng loại fonds.",
                    mapping={"code": code},
                ),
                column="fonds",
            )
            return None
        self.fonds[code] = obj
        return obj

    def plan_dossier(self, row, data):
        self.no_files_here(row)
        fonds_code = identifiers.clean_code(row.fonds)
        fonds = self.find_fonds(row, fonds_code)
        if fonds is None:
            return
        code = None
        year, number = data.get("fileYear"), data.get("fileNumber")
        if isinstance(year, int) and number:
            number = identifiers.clean_code(number)
            try:
                code = identifiers.dossier_code(
                    coding.fonds_prefix(fonds), year, number
                )
            except identifiers.InvalidCode:
                code = None  # the validation below says why
        if code and self.duplicate(row, code, "fileNumber"):
            return
        existing = _holder(self.site, code)
        if existing is not None and IDossier.providedBy(existing):
            self.dossiers[code] = existing
            self.add(row, fonds_code, code, data, existing=existing)
            return
        obj = self.validate(row, fonds, data)
        if obj is not None:
            obj.fileCode = code  # what update_dossier_codes will give it when added
        if code:
            self.dossiers[code] = obj if row.number not in self.refused else None
        if obj is not None and row.number not in self.refused:
            self.add(row, fonds_code, code, data)

    def find_dossier(self, row, code):
        if not code:
            self.row_problem(
                row,
                "missing_container",
                _(
                    "import_error_no_dossier",
                    default="Dòng tài liệu phải ghi mã hồ sơ ở cột “dossier”.",
                ),
                column="dossier",
            )
            return None
        if code in self.dossiers:
            obj = self.dossiers[code]
            if obj is None:
                self.row_problem(
                    row,
                    "container_refused",
                    _(
                        "import_error_dossier_refused",
                        default="Hồ sơ “${code}” của dòng này không nhập được (xem lỗi của dòng "
                        "hồ sơ).",
                        mapping={"code": code},
                    ),
                    column="dossier",
                )
            return obj
        obj = _holder(self.site, code)
        if obj is None or not IDossier.providedBy(obj):
            self.row_problem(
                row,
                "unknown_dossier",
                _(
                    "import_error_unknown_dossier",
                    default="Không có hồ sơ mã “${code}” trong hệ thống hay trong danh mục. "
                    "Hãy kiểm tra mã hoặc thêm một dòng loại dossier.",
                    mapping={"code": code},
                ),
                column="dossier",
            )
            return None
        self.dossiers[code] = obj
        return obj

    def plan_file(self, row, relative, files, pages_wanted):
        """Check one file of a row; a PlannedFile, or None (the problem is reported)."""
        first = self.used_files.setdefault(relative, row.number)
        if first != row.number or relative in self.row_files:
            self.refuse(
                Problem(
                    "file_duplicate",
                    _(
                        "import_error_file_twice",
                        default="Tệp ${file} đã được dòng ${first} dùng; một tệp chỉ thuộc một "
                        "tài liệu và chỉ được ghi một lần.",
                        mapping={"file": relative, "first": first},
                    ),
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        self.row_files.add(relative)
        path = files.get(relative)
        if path is None:
            self.refuse(
                Problem(
                    "file_missing",
                    _(
                        "import_error_file_missing",
                        default="Không tìm thấy tệp ${file} mà dòng ${row} của danh mục ghi. "
                        "Hãy kiểm tra tên tệp (cả chữ hoa, chữ thường) và thư mục.",
                        mapping={"file": relative, "row": row.number},
                    ),
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        data = path.read_bytes()
        checksum = hashlib.sha256(data).hexdigest()
        pages, dpi = 0, None
        if pages_wanted:
            try:
                with strict_decoding():
                    for page in iter_pages(relative, data, min_dpi=self.min_dpi):
                        pages += 1
                        dpi = page.dpi if dpi is None else min(dpi, page.dpi or dpi)
                        del page
            except PageImageError as error:
                self.refuse(
                    Problem(
                        error.code,
                        error.message,
                        row=row.number,
                        column="files",
                        file=relative,
                    )
                )
                return None
        elif not data:
            self.refuse(
                Problem(
                    "empty",
                    PageImageError("empty", relative).message,
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        seen = self.checksums.setdefault(checksum, (row.number, relative))
        if seen[0] != row.number or seen[1] != relative:
            self.refuse(
                Problem(
                    "duplicate_content",
                    _(
                        "import_error_same_content",
                        default="Tệp ${file} trùng nội dung với tệp ${other} (dòng ${first}).",
                        mapping={"file": relative, "other": seen[1], "first": seen[0]},
                    ),
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        return PlannedFile(relative, checksum, len(data), pages, dpi)

    def plan_record(self, row, data, files):
        planned_files = []
        self.row_files = set()
        for relative in row.files:
            planned = self.plan_file(
                row, relative, files, pages_wanted=row.type_name != "AudioVisualRecord"
            )
            if planned is not None:
                planned_files.append(planned)
        if not row.files:
            self.row_problem(
                row,
                "no_files",
                _(
                    "import_error_no_files",
                    default="Dòng không ghi tệp nào ở cột “files”; mỗi tài liệu số hóa cần ít "
                    "nhất một tệp.",
                ),
                column="files",
            )
        dossier_code = identifiers.clean_code(row.dossier)
        dossier = self.find_dossier(row, dossier_code)
        if dossier is None:
            return
        fields = self.fields[row.type_name]
        pages = sum(item.pages for item in planned_files)
        if "numberOfPage" in fields and "numberOfPage" not in data and pages:
            data["numberOfPage"] = pages
        identifier = None
        ordinal = data.get("docOrdinal")
        if isinstance(ordinal, int) and dossier.fileCode:
            identifier = identifiers.document_id(dossier.fileCode, ordinal)
            if self.duplicate(row, identifier, "docOrdinal"):
                return
        if identifier:
            existing = _holder(self.site, identifier)
        else:
            existing = _record_by_checksums(
                dossier, [item.sha256 for item in planned_files]
            )
        if _in_dossier(existing, dossier):
            self.check_reuse(row, existing, planned_files)
            self.add(row, dossier_code, identifier, data, planned_files, existing)
            return
        self.validate(row, dossier, data)
        if row.number not in self.refused:
            self.add(row, dossier_code, identifier, data, planned_files)

    def check_reuse(self, row, record, planned_files):
        problem = reuse_problem(record, [item.sha256 for item in planned_files])
        if problem is not None:
            self.row_problem(row, *problem, column="files")


def reuse_problem(record, checksums):
    """(code, message) when the files may not go to the existing `record`, else None.

    A record found by its identifier is reused. New masters are refused when its codes
    are frozen (it left processing), and when it already holds other masters and none
    of these: that is not a re-run of the same row but an ordinal typed wrong.
    """
    held = {item.sha256 for item in IRecordFiles(record).masters()}
    missing = [checksum for checksum in checksums if checksum not in held]
    if not missing:
        return None
    code = coding.held_code(record) or record.getId()
    if coding.is_frozen(record):
        return "frozen", _(
            "import_error_frozen",
            default="“${code}” đã rời khâu chỉnh lý; không thêm tệp gốc mới vào được. Hãy đưa "
            "tệp vào một tài liệu khác hoặc bỏ khỏi lô.",
            mapping={"code": code},
        )
    if held and len(missing) == len(checksums):
        return "duplicate_identifier", _(
            "import_error_other_files",
            default="Tài liệu “${code}” đã có trong hệ thống với các tệp gốc khác; không tệp nào "
            "của dòng này trùng. Hãy kiểm tra số thứ tự (docOrdinal) của dòng.",
            mapping={"code": code},
        )
    return None


def plan_batch(site, folder, min_dpi=MIN_DPI):
    """Validate the batch in `folder` (or at its manifest path) without creating anything."""
    return _Planner(site, folder, min_dpi).run()


# -- importing -----------------------------------------------------------------------


def _refuse(planned, code, message, column=None, file=None):
    raise ImportRefused(
        [Problem(code, message, row=planned.row, column=column, file=file)]
    )


def _create(planned, container):
    try:
        return create_record(
            container, planned.type_name, planned.fields, request=_request(container)
        )
    except Unauthorized:
        raise ImportRefused(
            [_not_allowed(planned.type_name, planned.row, None)]
        ) from None
    except BadRequest as error:
        raise ImportRefused(
            _bad_request_problems(
                error,
                planned.type_name,
                _type_fields(planned.type_name),
                planned.row,
                None,
            )
        ) from None


def _container(site, planned, kind):
    obj = _holder(site, planned.container)
    if obj is None or not kind.providedBy(obj):
        code = "unknown_fonds" if kind is IFonds else "unknown_dossier"
        _refuse(
            planned,
            code,
            _(
                "import_error_container_gone",
                default="Không tìm thấy “${code}” trong hệ thống để nhập dòng ${row} vào. Hãy "
                "nhập dòng phông/hồ sơ trước.",
                mapping={"code": planned.container, "row": planned.row},
            ),
            column="fonds" if kind is IFonds else "dossier",
        )
    return obj


def _import_fonds(site, planned):
    existing = _holder(site, planned.identifier)
    if existing is not None and IFonds.providedBy(existing):
        return existing, False
    return _create(planned, site), True


def _import_dossier(site, planned):
    fonds = _container(site, planned, IFonds)
    fields = planned.fields
    code = identifiers.dossier_code(
        coding.fonds_prefix(fonds),
        fields.get("fileYear"),
        identifiers.clean_code(fields.get("fileNumber")),
    )
    existing = _holder(site, code)
    if existing is not None and IDossier.providedBy(existing):
        return existing, False
    return _create(planned, fonds), True


def _changed(planned, item):
    return Problem(
        "changed",
        _(
            "import_error_file_changed",
            default="Tệp ${file} đã thay đổi sau khi lô được kiểm tra (SHA-256 khác). "
            "Hãy kiểm tra lại lô rồi nhập.",
            mapping={"file": item.path},
        ),
        row=planned.row,
        column="files",
        file=item.path,
    )


def _checked_files(planned):
    """(PlannedFile, absolute path) for every file, after checking it is unchanged."""
    problems, checked = [], []
    folder = Path(planned.folder)
    for item in planned.files:
        path = folder / item.path
        if not path.is_file():
            problems.append(
                Problem(
                    "file_missing",
                    _(
                        "import_error_file_gone",
                        default="Tệp ${file} không còn trong thư mục lô; hãy chép lại tệp rồi "
                        "nhập lại.",
                        mapping={"file": item.path},
                    ),
                    row=planned.row,
                    column="files",
                    file=item.path,
                )
            )
            continue
        checksum, _size = sha256_of(path)
        if checksum != item.sha256:
            problems.append(_changed(planned, item))
            continue
        checked.append((item, path))
    if problems:
        raise ImportRefused(problems)
    return checked


def _master_name(record_files, name):
    """`name`, or `stem-2.ext`… when the record already has a file of that name."""
    if record_files.get(name) is None:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    counter = 2
    while True:
        candidate = f"{stem}-{counter}{dot}{suffix}"
        if record_files.get(candidate) is None:
            return candidate
        counter += 1


def _import_record(site, planned):
    dossier = _container(site, planned, IDossier)
    checked = _checked_files(planned)
    if planned.identifier:
        existing = _holder(site, planned.identifier)
    else:
        existing = _record_by_checksums(dossier, [item.sha256 for item, _p in checked])
    if existing is not None and not _in_dossier(existing, dossier):
        _refuse(
            planned,
            "duplicate_identifier",
            _(
                "import_error_code_taken",
                default="Mã “${code}” đã được dùng cho một bản ghi khác trong hệ thống.",
                mapping={"code": planned.identifier},
            ),
            column="docOrdinal",
        )
    created = existing is None
    record = _create(planned, dossier) if created else existing
    record_files = IRecordFiles(record)
    held = {item.sha256: item.name for item in record_files.masters()}
    problem = (
        None if created else reuse_problem(record, [i.sha256 for i, _p in checked])
    )
    if problem is not None:
        _refuse(planned, *problem, column="files")
    checksums = _checksums(dossier, create=True)
    uid = IUUID(record)
    pages = []
    for item, path in checked:
        name = held.get(item.sha256)
        if name is None:
            name = _master_name(record_files, item.name)
            # The batch enqueues these pages itself (not the upload subscriber).
            with open(path, "rb") as stream, suppressed():
                stored = add_master_file(record, name, stream, guess_type(name))
            if stored.sha256 != item.sha256:  # the file changed while it was read
                raise ImportRefused([_changed(planned, item)])
            held[item.sha256] = name
        if checksums.get(item.sha256) != uid:
            checksums[item.sha256] = uid
        for file_page in range(1, item.pages + 1):
            pages.append(PageRef(name, file_page, len(pages) + 1))
    return record, created, pages


def import_document(site, planned):
    """Import one planned record: all of it, or nothing and `ImportRefused`.

    Returns ImportedDocument(uid, pages, created). Fonds and dossiers have no pages.
    """
    if isinstance(planned, dict):
        planned = PlannedDocument.from_dict(planned)
    savepoint = transaction.savepoint(optimistic=True)
    try:
        if planned.type_name == "Fonds":
            record, created = _import_fonds(site, planned)
            pages = []
        elif planned.type_name == "Dossier":
            record, created = _import_dossier(site, planned)
            pages = []
        else:
            record, created, pages = _import_record(site, planned)
    except BaseException:
        # a data manager without savepoints cannot roll back: the caller aborts
        with contextlib.suppress(Exception):
            savepoint.rollback()
        raise
    return ImportedDocument(IUUID(record), pages, created)
