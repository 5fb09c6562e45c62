"""PREMIS 3 preservation metadata of an AIP (`metadata/preservation/PREMIS.xml`).

Objects: the fonds or dossier and each document as intellectual entities (with their
national code beside their UUID), each representation, and each file with its SHA-256
(fixity), size, format, original name and place in the package. Events: the records'
journal entries that are preservation events (`EVENT_TYPES`: description created, file
received, OCR and PDF/A, review decisions, signatures, fixity checks, transfer), and the
two the builder adds — the fixity check of every file as it is packed, and the package's
creation. Agents: the software, the archive, and the people and processes the journal
names. Event types are terms of the Library of Congress eventType vocabulary.
"""

from lxml import etree
from vnarchive.digitization.packages import naming
from vnarchive.digitization.packages.model import Event
from vnarchive.digitization.packages.national import clean_text


PREMIS = "http://www.loc.gov/premis/v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
UUID = "UUID"
SUCCESS = "success"
FAILURE = "failure"
SYSTEM_ACTORS = ("vnarchive-",)  # journal names of the archive's own processes

# journal action -> (PREMIS eventType, what happened in Vietnamese, outcome)
EVENT_TYPES = {
    "created": ("creation", "Lập bản mô tả tài liệu trong hệ thống", SUCCESS),
    "file_added": ("ingestion", "Tiếp nhận tệp vào kho lưu trữ", SUCCESS),
    "digitized": ("creation", "Số hóa: nhận dạng chữ (OCR) và tạo PDF/A", SUCCESS),
    "pdfa_rebuilt": ("creation", "Tạo lại PDF/A theo văn bản đã sửa", SUCCESS),
    "ocr_corrected": ("modification", "Sửa văn bản nhận dạng", SUCCESS),
    "ocr_approved": ("validation", "Duyệt văn bản nhận dạng", SUCCESS),
    "ocr_rejected": ("validation", "Từ chối văn bản nhận dạng", FAILURE),
    "ocr_not_possible": ("creation", "Không nhận dạng được chữ", FAILURE),
    "pdfa_signed": ("digital signature generation", "Ký số PDF/A", SUCCESS),
    "pdfa_signing_failed": ("digital signature generation", "Ký số thất bại", FAILURE),
    "signatures_verified": ("digital signature validation", "Kiểm tra chữ ký số", None),
    "fixity_checked": ("fixity check", "Kiểm tra toàn vẹn (SHA-256)", SUCCESS),
    "fixity_failed": ("fixity check", "Kiểm tra toàn vẹn (SHA-256)", FAILURE),
    "files_destroyed": ("deletion", "Hủy tệp theo quyết định hủy", SUCCESS),
}
TRANSFERRED = "transferred"
# Details of a journal entry worth keeping in the event's description.
DETAIL_KEYS = (
    "file",
    "sha256",
    "size",
    "pages",
    "comment",
    "signer",
    "level",
    "signed_at",
    "status",
    "reason",
    "problem",
    "run",
    "from_state",
    "to_state",
)


def event_type(event):
    """(eventType, description, outcome) of a journal entry, or None when the entry is
    no preservation event (views, downloads, edits…)."""
    if event.action == "transition":
        if event.details.get("to_state") == TRANSFERRED:
            return ("transfer", "Nộp lưu", SUCCESS)
        return None
    known = EVENT_TYPES.get(event.action)
    if known is None:
        return None
    kind, text, outcome = known
    if outcome is None:
        outcome = SUCCESS if event.details.get("status") == "valid" else FAILURE
    if event.details.get("outcome") in (SUCCESS, FAILURE):
        outcome = event.details["outcome"]
    return kind, text, outcome


def _p(name):
    return f"{{{PREMIS}}}{name}"


def _sub(parent, name, text=None):
    element = etree.SubElement(parent, _p(name))
    if text is not None:
        element.text = clean_text(text)
    return element


def _pair(parent, name, prefix, kind, value):
    element = _sub(parent, name)
    _sub(element, f"{prefix}Type", kind)
    _sub(element, f"{prefix}Value", value)
    return element


class _Document:
    """What the PREMIS file is built from, gathered in one pass over the package."""

    def __init__(self, package, representations):
        self.package = package
        self.representations = representations
        self.events = []  # (identifier, event, type, text, outcome, object ids)
        self.links = {}  # object identifier -> [event identifiers]
        self.agents = {}  # agent identifier -> (name, type)
        self.software = naming.derived_identifier("agent", package.software)
        self.agents[self.software] = (package.software, "software")
        self.archive = None
        if package.archive:
            self.archive = naming.derived_identifier("agent", package.archive)
            self.agents[self.archive] = (package.archive, "organization")

    def entities(self):
        """(unit, parent unit or None) of every intellectual entity, top down."""
        root = self.package.root
        found = [(root, None)]
        for representation in self.representations:
            if representation.dossier is not root:
                found.append((representation.dossier, root))
            found.extend(
                (place.unit, representation.dossier)
                for place in representation.documents
            )
        return found

    def add(self, event, kind, text, outcome, objects, identifier):
        self.events.append((identifier, event, kind, text, outcome, objects))
        for obj in objects:
            self.links.setdefault(obj, []).append(identifier)
        if event.actor:
            agent = naming.derived_identifier("agent", event.actor)
            system = event.actor.startswith(SYSTEM_ACTORS)
            self.agents.setdefault(
                agent, (event.actor, "software" if system else "person")
            )

    def journal_events(self):
        for unit, _parent in self.entities():
            files = self._files_of(unit)
            for index, event in enumerate(unit.events):
                known = event_type(event)
                if known is None:
                    continue
                named = files.get(event.details.get("file"))
                objects = [named] if named else [unit.identifier]
                identifier = event.identifier or naming.derived_identifier(
                    unit.identifier, "event", index, event.action, event.time
                )
                self.add(event, *known, objects, identifier)

    def _files_of(self, unit):
        found = {}
        for representation in self.representations:
            for place in representation.documents:
                if place.unit is unit:
                    for entry in place.files:
                        found.setdefault(
                            entry.file.original_name or entry.file.name,
                            entry.identifier,
                        )
                        found.setdefault(entry.file.name, entry.identifier)
        return found

    def packing_events(self):
        """The fixity check of every file as it is packed, and the package's creation."""
        package = self.package
        files = [
            entry.identifier
            for representation in self.representations
            for entry in representation.data_entries()
        ]
        if files:
            check = Event(
                "fixity_checked",
                package.created,
                details={
                    "comment": "SHA-256 tính lại khi đóng gói, khớp giá trị lưu trữ"
                },
            )
            self.add(
                check,
                "fixity check",
                "Kiểm tra toàn vẹn khi đóng gói (SHA-256)",
                SUCCESS,
                files,
                naming.derived_identifier(package.identifier, "fixity"),
            )
        made = Event("package_created", package.created)
        self.add(
            made,
            "information package creation",
            f"Tạo gói {package.kind} {package.identifier}",
            SUCCESS,
            [
                naming.derived_identifier(package.identifier, r.name)
                for r in self.representations
            ],
            naming.derived_identifier(package.identifier, "created"),
        )


def premis_xml(package, representations):
    """The bytes of `metadata/preservation/PREMIS.xml`."""
    document = _Document(package, representations)
    document.journal_events()
    document.packing_events()
    root = etree.Element(_p("premis"), nsmap={None: PREMIS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{PREMIS} ../../schemas/premis.xsd")
    root.set("version", "3.0")
    for unit, parent in document.entities():
        _entity(root, document, unit, parent)
    for representation in representations:
        _representation(root, document, representation)
    for representation in representations:
        for place in representation.documents:
            for entry in place.files:
                _file(root, document, entry, place.unit, representation)
    for item in document.events:
        _event(root, document, *item)
    for identifier, (name, kind) in document.agents.items():
        agent = _sub(root, "agent")
        _pair(agent, "agentIdentifier", "agentIdentifier", UUID, identifier)
        _sub(agent, "agentName", name)
        _sub(agent, "agentType", kind)
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _object(root, kind, identifier):
    element = _sub(root, "object")
    element.set(f"{{{XSI}}}type", kind)
    _pair(element, "objectIdentifier", "objectIdentifier", UUID, identifier)
    return element


def _relationship(element, subtype, target):
    relationship = _sub(element, "relationship")
    _sub(relationship, "relationshipType", "structural")
    _sub(relationship, "relationshipSubType", subtype)
    _pair(
        relationship, "relatedObjectIdentifier", "relatedObjectIdentifier", UUID, target
    )


def _linking_events(element, document, identifier):
    for event in document.links.get(identifier, ()):
        _pair(element, "linkingEventIdentifier", "linkingEventIdentifier", UUID, event)


def _entity(root, document, unit, parent):
    element = _object(root, "intellectualEntity", unit.identifier)
    for name in ("docCode", "fileCode", "fondsCode"):
        if unit.fields.get(name):
            _pair(
                element, "objectIdentifier", "objectIdentifier", name, unit.fields[name]
            )
            break
    if parent is not None:
        _relationship(element, "is part of", parent.identifier)
    _linking_events(element, document, unit.identifier)


def _representation(root, document, representation):
    identifier = naming.derived_identifier(
        document.package.identifier, representation.name
    )
    element = _object(root, "representation", identifier)
    _sub(element, "originalName", representation.folder)
    _relationship(element, "represents", representation.dossier.identifier)
    _linking_events(element, document, identifier)


def _file(root, document, entry, unit, representation):
    element = _object(root, "file", entry.identifier)
    characteristics = _sub(element, "objectCharacteristics")
    _sub(characteristics, "compositionLevel", "0")
    fixity = _sub(characteristics, "fixity")
    _sub(fixity, "messageDigestAlgorithm", "SHA-256")
    _sub(fixity, "messageDigest", entry.sha256)
    _sub(fixity, "messageDigestOriginator", document.package.software)
    _sub(characteristics, "size", str(entry.size))
    designation = _sub(_sub(characteristics, "format"), "formatDesignation")
    _sub(designation, "formatName", entry.file.format_name or entry.mime_type)
    _sub(element, "originalName", entry.file.original_name or entry.file.name)
    storage = _sub(element, "storage")
    location = _sub(storage, "contentLocation")
    _sub(location, "contentLocationType", "relative path")
    _sub(location, "contentLocationValue", entry.path)
    representation_id = naming.derived_identifier(
        document.package.identifier, representation.name
    )
    _relationship(element, "is included in", representation_id)
    _relationship(element, "is part of", unit.identifier)
    _linking_events(element, document, entry.identifier)


def _event(root, document, identifier, event, kind, text, outcome, objects):
    element = _sub(root, "event")
    _pair(element, "eventIdentifier", "eventIdentifier", UUID, identifier)
    _sub(element, "eventType", kind)
    _sub(element, "eventDateTime", naming.to_vietnam(event.time))
    _sub(_sub(element, "eventDetailInformation"), "eventDetail", _detail(text, event))
    _sub(_sub(element, "eventOutcomeInformation"), "eventOutcome", outcome)
    actor = event.actor
    agent = naming.derived_identifier("agent", actor) if actor else document.software
    linking = _pair(
        element, "linkingAgentIdentifier", "linkingAgentIdentifier", UUID, agent
    )
    _sub(linking, "linkingAgentRole", "implementer")
    for obj in objects:
        _pair(element, "linkingObjectIdentifier", "linkingObjectIdentifier", UUID, obj)


def _detail(text, event):
    parts = [text]
    for key in DETAIL_KEYS:
        value = event.details.get(key)
        if value not in (None, "", [], ()):
            if isinstance(value, list | tuple):
                value = ", ".join(str(item) for item in value)
            parts.append(f"{key}: {value}")
    return "; ".join(parts)
