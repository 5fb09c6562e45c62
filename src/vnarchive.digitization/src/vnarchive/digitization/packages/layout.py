"""Where everything goes in a package (standards summary §5), decided before writing.

    <OBJID>/METS.xml
    <OBJID>/metadata/descriptive/EAD.xml             the dossier (or the fonds)
    <OBJID>/metadata/preservation/PREMIS.xml         AIP only
    <OBJID>/representations/rep1/METS.xml
    <OBJID>/representations/rep1/metadata/descriptive/EAD_doc_<n>.xml
    <OBJID>/representations/rep1/data/<dossier code>.<ordinal>.pdf
    <OBJID>/representations/rep1/data/masters/<document id>/<name>   AIP only
    <OBJID>/schemas/*.xsd

A dossier is one representation (rep1). A fonds is described by the root EAD.xml and
each of its dossiers is a representation of its own (rep1, rep2…) whose
`metadata/descriptive/EAD.xml` describes that dossier. Documents are numbered 1, 2…
in the order given (EAD_doc_<n>); every path component is made safe (naming).
"""

from dataclasses import dataclass
from dataclasses import field
from vnarchive.digitization.packages import naming
from vnarchive.digitization.packages.model import MASTER
from vnarchive.digitization.packages.model import PackageFile

import hashlib


XML = "text/xml"
DATA = "data"
MASTERS = "masters"


@dataclass
class Entry:
    """One file of the package: made here (`data`) or a document's file (`file`)."""

    path: str  # inside the package folder, "/" separated
    size: int
    sha256: str
    mime_type: str
    created: str  # +07:00
    identifier: str
    data: bytes | None = None
    file: PackageFile | None = None

    def href_from(self, folder):
        """The entry's relative URL seen from `folder` ("" for the package root)."""
        relative = self.path[len(folder) + 1 :] if folder else self.path
        return naming.href(relative)


@dataclass
class DocumentPlace:
    number: int
    unit: object
    description: Entry | None = None
    files: list = field(default_factory=list)


@dataclass
class Representation:
    name: str  # rep1, rep2…
    dossier: object
    documents: list = field(default_factory=list)
    description: Entry | None = None  # the dossier's EAD.xml (fonds packages)
    mets: Entry | None = None

    @property
    def folder(self):
        return f"representations/{self.name}"

    def data_entries(self):
        return [entry for place in self.documents for entry in place.files]


def xml_entry(package, path, data):
    """An entry for XML made by the builder."""
    return Entry(
        path=path,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        mime_type=XML,
        created=naming.to_vietnam(package.created),
        identifier=naming.derived_identifier(package.identifier, path),
        data=data,
    )


def plan(package):
    """The representations of `package` with their documents and files placed."""
    representations = []
    for index, dossier in enumerate(package.dossiers(), start=1):
        representation = Representation(f"rep{index}", dossier)
        taken = {}
        for number, unit in enumerate(dossier.children, start=1):
            place = DocumentPlace(number, unit)
            for item in unit.files:
                place.files.append(
                    _data_entry(package, representation, unit, item, taken)
                )
            representation.documents.append(place)
        representations.append(representation)
    return representations


def _data_entry(package, representation, unit, item, taken):
    """Access copies lie in data/ under their national names; masters (AIP) in
    data/masters/<document id>/ under the names they have in the archive."""
    folder = f"{representation.folder}/{DATA}"
    if item.use == MASTER:
        document = unit.fields.get("docId") or unit.identifier
        folder = f"{folder}/{MASTERS}/{naming.safe_component(document, 'document')}"
    # A file of data/ may not take the name of the masters' folder.
    names = taken.setdefault(folder, {MASTERS} if item.use != MASTER else set())
    name = naming.unique_name(naming.safe_component(item.name), names)
    path = f"{folder}/{name}"
    return Entry(
        path=path,
        size=item.size,
        sha256=item.sha256,
        mime_type=item.mime_type or "application/octet-stream",
        created=naming.to_vietnam(item.created or package.created),
        identifier=item.identifier
        or naming.derived_identifier(unit.identifier, item.use, item.name),
        file=item,
    )
