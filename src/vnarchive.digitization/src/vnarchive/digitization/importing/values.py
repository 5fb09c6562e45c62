"""Manifest text turned into field values, and the validation a new record goes through.

`row_values` (through `convert`) turns the text of a row's cells into the values the REST
deserializer takes for their fields (numbers, yes/no, lists, codes of a code list).
`validate_new` runs `create_record`'s very validation on an object that is never added
anywhere; `bad_request_problems` turns what the deserializer refused into problems of the
manifest row, for people.
"""

from AccessControl import Unauthorized
from plone.dexterity.utils import iterSchemataForType
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.services.content.utils import create
from vnarchive.content import coding
from vnarchive.content.dates import InvalidDate
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.digitization import _
from vnarchive.digitization.manifest import Problem
from vnarchive.digitization.manifest import SPECIAL_COLUMNS
from zExceptions import BadRequest
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


LIST_SEPARATORS = (";", ",")
TRUE = {"1", "true", "yes", "x", "có", "co", "đúng"}
FALSE = {"0", "false", "no", "không", "khong", "sai"}

# the invariants that check codes, by type: the column people should correct
CODE_COLUMN = {"Fonds": "fondsCode", "Dossier": "fileNumber"}


def type_fields(type_name):
    """{name: field} of every schema of `type_name` (behaviors included)."""
    fields = {}
    for schema in iterSchemataForType(type_name):
        fields.update(getFields(schema))
    return fields


def field_label(fields, name):
    item = fields.get(name)
    return item.title if item is not None and item.title else name


def request_of(context):
    """The current request; a worker or script without one uses the site's."""
    request = getRequest()
    return request if request is not None else getattr(context, "REQUEST", None)


# -- turning manifest text into field values -----------------------------------------


class Conversion(Exception):
    """The text of a cell is no value of its field: `code` and `message` for the row."""

    def __init__(self, code, message):
        super().__init__(code)
        self.code, self.message = code, message


def _vocabulary_values(item, context):
    vocabulary = item.vocabulary
    if vocabulary is None and item.vocabularyName:
        vocabulary = getUtility(IVocabularyFactory, item.vocabularyName)(context)
    return [term.value for term in vocabulary] if vocabulary is not None else None


def _choice(item, text, context, label):
    values = _vocabulary_values(item, context)
    if values is None or text in values:
        return text
    # a spreadsheet turns the code "02" into the number 2
    if text.isdigit() and text.zfill(2) in values:
        return text.zfill(2)
    raise Conversion(
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


def convert(item, text, context, label):
    """Manifest text -> the JSON-like value the REST deserializer takes for `item`."""
    if IInt.providedBy(item):
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            raise Conversion(
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
        raise Conversion(
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


def row_values(row, fields_by_type, context, report):
    """The row's text turned into field values of its type.

    `fields_by_type`: {type name: {field name: field}} of every kind a row may be;
    `report(code, message, column)` is told of each cell that is no value.
    """
    fields = fields_by_type[row.type_name]
    data = {}
    for name, text in row.fields.items():
        item = fields.get(name)
        if item is None or name in SPECIAL_COLUMNS:
            known = any(name in other for other in fields_by_type.values())
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
            report(code, message, name)
            continue
        if item.readonly:
            continue  # fileCode, docId, docCode: computed, never set
        try:
            data[name] = convert(item, text, context, field_label(fields, name))
        except Conversion as error:
            report(error.code, error.message, name)
    return data


# -- what validation refused, as problems of the row ---------------------------------


def _field_problem(error, name, fields, row, file_name):
    label = field_label(fields, name) if name else None
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


def bad_request_problems(error, type_name, fields, row, file_name):
    """The deserializer's BadRequest as problems, one per field it names."""
    problems = []
    details = error.args[0] if error.args else None
    if not isinstance(details, list):
        details = [{"message": str(error)}]
    for detail in details:
        cause = detail.get("error")
        name = detail.get("field")
        if isinstance(cause, Exception) and not isinstance(cause, str):
            if name is None and isinstance(cause, coding.CodeInUse):
                name = CODE_COLUMN.get(type_name, "docOrdinal")
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


def not_allowed(type_name, row, file_name):
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


def validate_new(container, type_name, data, row=None, file_name=None):
    """Run `create_record`'s validation on an object never added anywhere.

    Returns (object wrapped in `container`, []) or (None, problems). Nothing is
    written: the object has no parent that holds it, no code is claimed.
    """
    try:
        obj = create(container, type_name)
    except Unauthorized:
        return None, [not_allowed(type_name, row, file_name)]
    obj = obj.__of__(container)
    request = request_of(container)
    deserializer = getMultiAdapter((obj, request), IDeserializeFromJson)
    try:
        deserializer(
            validate_all=True,
            data=dict(data),
            create=True,
            mask_validation_errors=False,
        )
    except BadRequest as error:
        fields = type_fields(type_name)
        return None, bad_request_problems(error, type_name, fields, row, file_name)
    return obj, []
