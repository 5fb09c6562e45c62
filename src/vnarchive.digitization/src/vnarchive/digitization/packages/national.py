"""The national descriptive files: `EAD.xml` (dossier or fonds), `EAD_doc_<n>.xml` (document).

Their root is the national `<simpledc>` element (no namespace) holding the fields of the
standards summary §1 under their national names, in the order of the tables there; the
project schema `schemas/vnarchive-simpledc.xsd` checks them. vnarchive stores three of
them under other names because Plone gives every object attributes of the same names:
`languageCode` is written `language`, `formatCode` `format`, `subjectText` `subject`.
Lao (`lo`) is written as the national code 11 (other). Each table below reads
"national name, stored name, how it is written"; docs/packages.md prints them and says
which rules are uncertain.
"""

from lxml import etree
from vnarchive.content.codelists import national_language_code
from vnarchive.digitization.packages.model import AIP
from vnarchive.digitization.packages.model import DOCUMENT
from vnarchive.digitization.packages.model import FONDS

import re
import unicodedata


TEXT = "text"
INT = "int"
BOOL = "bool"
LANGUAGES = "languages"  # a list of codes, one element each, national codes

ROOT = "simpledc"
SCHEMA = "vnarchive-simpledc.xsd"
# Characters XML 1.0 cannot hold (a control character pasted into a field).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

DOSSIER_FIELDS = (
    ("fileCode", "fileCode", TEXT),  # arcFileCode in an AIP: see element_name
    ("title", "title", TEXT),
    ("maintenance", "maintenance", TEXT),
    ("mode", "mode", TEXT),
    ("language", "languageCode", LANGUAGES),
    ("startDate", "startDate", TEXT),
    ("endDate", "endDate", TEXT),
    ("keyword", "keyword", TEXT),
    ("totalDoc", "totalDoc", INT),
    ("numberOfPaper", "numberOfPaper", INT),
    ("numberOfPage", "numberOfPage", INT),
    ("format", "formatCode", TEXT),
    ("inforSign", "inforSign", TEXT),
    ("confidenceLevel", "confidenceLevel", TEXT),
    ("paperFileCode", "paperFileCode", TEXT),
    ("riskRecovery", "riskRecovery", BOOL),
    ("riskRecoveryStatus", "riskRecoveryStatus", TEXT),
    ("description", "description", TEXT),
)

# The Circular's fonds list names no XML elements: the stored names are used.
FONDS_FIELDS = (
    ("fondsCode", "fondsCode", TEXT),
    ("agencyCode", "agencyCode", TEXT),
    ("title", "title", TEXT),
    ("fondsStatus", "fondsStatus", TEXT),
    ("history", "history", TEXT),
    ("startDate", "startDate", TEXT),
    ("endDate", "endDate", TEXT),
    ("totalDoc", "totalDoc", INT),
    ("totalPaper", "totalPaper", INT),
    ("totalPaperDigitized", "totalPaperDigitized", INT),
    ("classificationScheme", "classificationScheme", TEXT),
    ("language", "languageCode", LANGUAGES),
    ("riskRecovery", "riskRecovery", BOOL),
    ("riskRecoveryStatus", "riskRecoveryStatus", TEXT),
    ("description", "description", TEXT),
)

# Documents, then what photos and audio/video add (their element names are not known:
# the stored names are used), then the notes.
DOCUMENT_FIELDS = (
    ("docId", "docId", TEXT),
    ("docCode", "docCode", TEXT),
    ("docOrdinal", "docOrdinal", INT),
    ("maintenance", "maintenance", TEXT),
    ("typeName", "typeName", TEXT),
    ("codeNumber", "codeNumber", TEXT),
    ("codeNotation", "codeNotation", TEXT),
    ("issuedDate", "issuedDate", TEXT),
    ("organName", "organName", TEXT),
    ("subject", "subjectText", TEXT),
    ("title", "title", TEXT),
    ("language", "languageCode", LANGUAGES),
    ("numberOfPage", "numberOfPage", INT),
    ("numberOfPaper", "numberOfPaper", INT),
    ("inforSign", "inforSign", TEXT),
    ("keyword", "keyword", TEXT),
    ("mode", "mode", TEXT),
    ("confidenceLevel", "confidenceLevel", TEXT),
    ("autograph", "autograph", TEXT),
    ("format", "formatCode", TEXT),
    ("process", "process", BOOL),
    ("photoKind", "photoKind", TEXT),
    ("avKind", "avKind", TEXT),
    ("archivesNumber", "archivesNumber", TEXT),
    ("eventName", "eventName", TEXT),
    ("photographer", "photographer", TEXT),
    ("recorder", "recorder", TEXT),
    ("place", "place", TEXT),
    ("dateTaken", "dateTaken", TEXT),
    ("recordedDate", "recordedDate", TEXT),
    ("colour", "colour", TEXT),
    ("filmSize", "filmSize", TEXT),
    ("playTime", "playTime", TEXT),
    ("quality", "quality", TEXT),
    ("description", "description", TEXT),
)


def fields_of(level):
    if level == FONDS:
        return FONDS_FIELDS
    if level == DOCUMENT:
        return DOCUMENT_FIELDS
    return DOSSIER_FIELDS


def element_name(national, kind):
    """The dossier code is `arcFileCode` in an AIP (§1), `fileCode` elsewhere."""
    if national == "fileCode" and kind == AIP:
        return "arcFileCode"
    return national


def clean_text(value):
    """Text as XML can hold it: NFC, without the control characters XML 1.0 refuses."""
    return NOT_XML.sub("", unicodedata.normalize("NFC", str(value)))


def written_values(value, how):
    """The texts one stored value is written as (none when it is empty)."""
    if value is None or value == "" or value == [] or value == ():
        return []
    if how == LANGUAGES:
        codes = [value] if isinstance(value, str) else list(value)
        written = []
        for code in codes:
            national = national_language_code(code)
            if national not in written:
                written.append(national)
        return written
    if how == BOOL:
        return ["true" if value else "false"]
    if how == INT:
        return [str(int(value))]
    return [clean_text(value)]


def national_fields(unit, kind):
    """[(national element, text)] of `unit`, in the order of its table."""
    found = []
    for national, stored, how in fields_of(unit.level):
        for text in written_values(unit.fields.get(stored), how):
            found.append((element_name(national, kind), text))
    return found


def descriptive_xml(unit, kind, schema_path):
    """The bytes of the unit's descriptive file; `schema_path` is the project XSD seen
    from where the file lies (its xsi:noNamespaceSchemaLocation)."""
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element(ROOT, nsmap={"xsi": xsi})
    root.set(f"{{{xsi}}}noNamespaceSchemaLocation", schema_path)
    for name, text in national_fields(unit, kind):
        etree.SubElement(root, name).text = text
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
