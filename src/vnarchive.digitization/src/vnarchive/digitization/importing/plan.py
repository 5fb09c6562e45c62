"""What a plan and an import are made of: plain data a persistent batch can keep."""

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from vnarchive.content.errors import ArchivalValidationError


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
    problems: list  # manifest.Problem
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
