"""Planning a batch: the validate-only run, which writes nothing.

`plan_batch(site, folder)` reads the manifest, opens every page of every file (see
`files`), resolves fonds and dossier codes against the site and the batch, and runs on
each new record the very validation `create_record` runs (the REST deserializer, field
checks and invariants such as code uniqueness) on an object that is never added anywhere:
planning writes nothing, not even a code in the registry.
"""

from pathlib import Path
from plone.uuid.interfaces import IUUID
from vnarchive.content import coding
from vnarchive.content import identifiers
from vnarchive.content.types.dossier import IDossier
from vnarchive.content.types.fonds import IFonds
from vnarchive.digitization import _
from vnarchive.digitization.importing.existing import holder
from vnarchive.digitization.importing.existing import in_dossier
from vnarchive.digitization.importing.existing import record_by_checksums
from vnarchive.digitization.importing.existing import reuse_problem
from vnarchive.digitization.importing.files import BatchFiles
from vnarchive.digitization.importing.files import MIN_DPI
from vnarchive.digitization.importing.plan import ImportPlan
from vnarchive.digitization.importing.plan import PlannedDocument
from vnarchive.digitization.importing.values import row_values
from vnarchive.digitization.importing.values import type_fields
from vnarchive.digitization.importing.values import validate_new
from vnarchive.digitization.manifest import find_manifest
from vnarchive.digitization.manifest import KIND_TYPES
from vnarchive.digitization.manifest import Problem
from vnarchive.digitization.manifest import read_manifest
from ZODB.POSException import ConflictError

import logging


logger = logging.getLogger(__name__)
LEVELS = {"Fonds": 0, "Dossier": 1}  # every other type: 2


def plan_batch(site, folder, min_dpi=MIN_DPI):
    """Validate the batch in `folder` (or at its manifest path) without creating anything."""
    return Planner(site, folder, min_dpi).run()


class Planner:
    def __init__(self, site, folder, min_dpi):
        self.site = site
        self.folder = Path(folder)
        self.min_dpi = min_dpi
        self.problems = []
        self.documents = []
        self.refused = set()
        self.manifest_name = None
        self.files = None  # BatchFiles, once the manifest is found
        # code -> the fonds/dossier (in the site, or validated but not added), or
        # None when its row is refused
        self.fonds = {}
        self.dossiers = {}
        self.identifiers = {}  # identifier -> row
        self.fields = {
            type_name: type_fields(type_name) for type_name in KIND_TYPES.values()
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
        self.files = BatchFiles(self.folder, manifest_path, self.min_dpi, self.refuse)
        rows = sorted(manifest.rows, key=lambda row: LEVELS.get(row.type_name, 2))
        for row in rows:
            try:
                self.plan_row(row)
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
        for relative in self.files.unlisted():
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

    def plan_row(self, row):
        data = self.row_fields(row)
        if row.type_name == "Fonds":
            self.plan_fonds(row, data)
        elif row.type_name == "Dossier":
            self.plan_dossier(row, data)
        else:
            self.plan_record(row, data)

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

        def report(code, message, column):
            self.row_problem(row, code, message, column=column)

        return row_values(row, self.fields, self.site, report)

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
                self.files.claim(row, relative)

    # fonds, dossiers, records

    def plan_fonds(self, row, data):
        self.no_files_here(row)
        code = identifiers.clean_code(data.get("fondsCode", ""))
        if code and self.duplicate(row, code, "fondsCode"):
            return
        existing = holder(self.site, code)
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
        obj = holder(self.site, code)
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
        existing = holder(self.site, code)
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
        obj = holder(self.site, code)
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

    def plan_record(self, row, data):
        planned_files = self.plan_files(row)
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
            existing = holder(self.site, identifier)
        else:
            existing = record_by_checksums(
                dossier, [item.sha256 for item in planned_files]
            )
        if in_dossier(existing, dossier):
            self.check_reuse(row, existing, planned_files)
            self.add(row, dossier_code, identifier, data, planned_files, existing)
            return
        self.validate(row, dossier, data)
        if row.number not in self.refused:
            self.add(row, dossier_code, identifier, data, planned_files)

    def plan_files(self, row):
        """The row's files, each opened and checked (see `files`); a problem if none."""
        planned_files = []
        self.files.start_row()
        for relative in row.files:
            planned = self.files.plan_file(
                row, relative, pages_wanted=row.type_name != "AudioVisualRecord"
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
        return planned_files

    def check_reuse(self, row, record, planned_files):
        problem = reuse_problem(record, [item.sha256 for item in planned_files])
        if problem is not None:
            self.row_problem(row, *problem, column="files")
