"""The builder's input: plain data, no Plone.

A `Package` is one information package: its kind (AIP or DIP), its identifier
(`uuid-<UPPERCASE UUID>`), when it is made, and its root `Unit` — a dossier, or a fonds
whose dossiers are its children. A dossier's children are its documents (documents,
photos, audio/video). Each unit carries its national fields *as the records store them*
(`languageCode`, `formatCode`, `subjectText`…: `national` maps them back), its files and
its journal events.
"""

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from vnarchive.digitization.packages import naming

import io
import os


AIP = "AIP"
DIP = "DIP"
KINDS = (AIP, DIP)

FONDS = "fonds"
DOSSIER = "dossier"
DOCUMENT = "document"

# What a file is in the package: the original as received (AIP only) or the copy for use.
MASTER = "master"
ACCESS = "access"


class PackageError(Exception):
    """A package that cannot be written as described (a file changed, a bad input)."""


@dataclass
class PackageFile:
    """A file of a document.

    `source` is the content: bytes, a path (str or os.PathLike) or a callable that
    returns a binary stream (a blob's `open`). `sha256` and `size` are what the archive
    recorded: the builder checks the bytes against them while it writes.
    """

    name: str  # the name in the package (national name: <dossier code>.<ordinal>.pdf)
    source: Any
    size: int
    sha256: str
    mime_type: str = "application/octet-stream"
    created: str | None = None  # ISO 8601, any offset
    use: str = ACCESS  # MASTER or ACCESS
    format_name: str | None = None  # e.g. "PDF/A-2b"; the MIME type when unknown
    original_name: str | None = None  # the name the file has in the archive
    identifier: str | None = None  # uuid-… (PREMIS object, METS file ID)

    def open(self):
        source = self.source
        if isinstance(source, bytes | bytearray):
            return io.BytesIO(source)
        if isinstance(source, str | os.PathLike):
            return open(source, "rb")  # closed by the caller
        if callable(source):
            return source()
        raise PackageError(f"no content for {self.name!r}")


@dataclass
class Event:
    """An entry of a record's journal (or an event the site adds, such as a fixity run)."""

    action: str
    time: str  # ISO 8601, any offset
    actor: str | None = None
    details: dict = field(default_factory=dict)
    identifier: str | None = None  # uuid-… (stable for the same entry)


@dataclass
class Unit:
    """A fonds, a dossier or a document with its national fields as stored."""

    level: str  # FONDS, DOSSIER or DOCUMENT
    identifier: str  # uuid-… of the record
    fields: dict
    portal_type: str | None = None
    files: list = field(default_factory=list)
    events: list = field(default_factory=list)
    children: list = field(default_factory=list)
    created: str | None = None  # when the record was described (ISO 8601)

    def __post_init__(self):
        self.identifier = naming.identifier(self.identifier)


@dataclass
class Package:
    kind: str  # AIP or DIP
    identifier: str  # uuid-<UPPERCASE UUID>: the OBJID and the package's folder
    created: str  # ISO 8601, any offset (written in +07:00)
    root: Unit  # a dossier, or a fonds whose children are dossiers
    archive: str | None = None  # the archive that makes the package (an agent)
    software: str = "vnarchive"
    software_version: str = ""

    def __post_init__(self):
        self.identifier = naming.identifier(self.identifier)
        if self.kind not in KINDS:
            raise PackageError(f"unknown kind of package {self.kind!r}")
        if self.root.level not in (FONDS, DOSSIER):
            raise PackageError("a package is made of a dossier or a fonds")

    def dossiers(self):
        """The dossiers, each a representation of the package (rep1, rep2…)."""
        if self.root.level == DOSSIER:
            return [self.root]
        return list(self.root.children)
