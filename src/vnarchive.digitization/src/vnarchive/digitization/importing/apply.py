"""Importing one planned record: all of it, or nothing and `ImportRefused`.

`import_document(site, planned)` imports a fonds, a dossier, or a document with its files,
through `create_record` and `add_master_file`, and is idempotent: a record with the same
identifier is reused (fonds code; dossier code; dossier code + ordinal, or for a record
without an ordinal, a record of the same dossier already holding its files), and a master
whose SHA-256 the record already has is not added again. On any problem it rolls back to
where it started and raises `ImportRefused`. The caller commits one transaction per planned
record, in plan order (fonds, dossiers, records).
"""

from AccessControl import Unauthorized
from pathlib import Path
from plone.uuid.interfaces import IUUID
from vnarchive.content import coding
from vnarchive.content import identifiers
from vnarchive.content.files import guess_type
from vnarchive.content.files import IRecordFiles
from vnarchive.content.types.dossier import IDossier
from vnarchive.content.types.fonds import IFonds
from vnarchive.digitization import _
from vnarchive.digitization.importing.existing import holder
from vnarchive.digitization.importing.existing import imported_checksums
from vnarchive.digitization.importing.existing import in_dossier
from vnarchive.digitization.importing.existing import record_by_checksums
from vnarchive.digitization.importing.existing import reuse_problem
from vnarchive.digitization.importing.files import sha256_of
from vnarchive.digitization.importing.plan import ImportedDocument
from vnarchive.digitization.importing.plan import ImportRefused
from vnarchive.digitization.importing.plan import PageRef
from vnarchive.digitization.importing.plan import PlannedDocument
from vnarchive.digitization.importing.values import bad_request_problems
from vnarchive.digitization.importing.values import not_allowed
from vnarchive.digitization.importing.values import request_of
from vnarchive.digitization.importing.values import type_fields
from vnarchive.digitization.manifest import Problem
from vnarchive.digitization.uploads import suppressed
from vnarchive.policy.files import add_master_file
from vnarchive.policy.records import create_record
from zExceptions import BadRequest

import contextlib
import transaction


def _refuse(planned, code, message, column=None, file=None):
    raise ImportRefused(
        [Problem(code, message, row=planned.row, column=column, file=file)]
    )


def _create(planned, container):
    try:
        return create_record(
            container, planned.type_name, planned.fields, request=request_of(container)
        )
    except Unauthorized:
        raise ImportRefused(
            [not_allowed(planned.type_name, planned.row, None)]
        ) from None
    except BadRequest as error:
        raise ImportRefused(
            bad_request_problems(
                error,
                planned.type_name,
                type_fields(planned.type_name),
                planned.row,
                None,
            )
        ) from None


def _container(site, planned, kind):
    obj = holder(site, planned.container)
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
    existing = holder(site, planned.identifier)
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
    existing = holder(site, code)
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
        existing = holder(site, planned.identifier)
    else:
        existing = record_by_checksums(dossier, [item.sha256 for item, _p in checked])
    if existing is not None and not in_dossier(existing, dossier):
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
    checksums = imported_checksums(dossier, create=True)
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
