"""METS 1.12.1 of the package and of each representation, with the E-ARK CSIP attributes.

The national profile decides the layout and the descriptive files; E-ARK CSIP 2.2 is
followed where it does not contradict it: `@OBJID`, `@TYPE`, `@PROFILE`,
`csip:CONTENTINFORMATIONTYPE` ("OTHER", with the national profile named in
`csip:OTHERCONTENTINFORMATIONTYPE`), `metsHdr/@csip:OAISPACKAGETYPE` and the software
agent, `dmdSec`/`amdSec` pointing to the metadata files by `mdRef`, one `fileSec` whose
files carry SHA-256, size, MIME type and creation time, and the structural map labelled
"CSIP". Deviations are listed in docs/packages.md.
"""

from lxml import etree
from vnarchive.digitization.packages import naming
from vnarchive.digitization.packages.model import MASTER
from vnarchive.digitization.packages.national import clean_text


METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: METS, "xlink": XLINK, "csip": CSIP, "xsi": XSI}
PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
CONTENT_TYPE = "Mixed"  # documents, photos and recordings in one package
NATIONAL_PROFILE = "TT05/2025/TT-BNV"
DESCRIPTIVE_TYPE = "simpledc"  # MDTYPE OTHER: the national root element
CHECKSUM_TYPE = "SHA-256"


def _m(name):
    return f"{{{METS}}}{name}"


def _schema_location(prefix):
    return " ".join(
        (
            METS,
            f"{prefix}schemas/mets.xsd",
            XLINK,
            f"{prefix}schemas/xlink.xsd",
            CSIP,
            f"{prefix}schemas/DILCISExtensionMETS.xsd",
        )
    )


def _root(package, objid, label, prefix):
    root = etree.Element(_m("mets"), nsmap=NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", _schema_location(prefix))
    root.set("OBJID", objid)
    if label:
        root.set("LABEL", label)
    root.set("TYPE", CONTENT_TYPE)
    root.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "OTHER")
    root.set(f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE", NATIONAL_PROFILE)
    root.set("PROFILE", PROFILE)
    header = etree.SubElement(root, _m("metsHdr"))
    header.set("CREATEDATE", naming.to_vietnam(package.created))
    header.set(f"{{{CSIP}}}OAISPACKAGETYPE", package.kind)
    software = etree.SubElement(
        header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE"
    )
    etree.SubElement(software, _m("name")).text = package.software
    note = etree.SubElement(software, _m("note"))
    note.set(f"{{{CSIP}}}NOTETYPE", "SOFTWARE VERSION")
    note.text = package.software_version or "0"
    if package.archive:
        archive = etree.SubElement(
            header, _m("agent"), ROLE="CREATOR", TYPE="ORGANIZATION"
        )
        etree.SubElement(archive, _m("name")).text = package.archive
    return root, header


def _alt_record_id(header, unit):
    for name in ("fileCode", "fondsCode"):
        value = unit.fields.get(name)
        if value:
            etree.SubElement(header, _m("altRecordID"), TYPE=name).text = value
            return


def _locate(element, entry, folder):
    element.set("LOCTYPE", "URL")
    element.set(f"{{{XLINK}}}type", "simple")
    element.set(f"{{{XLINK}}}href", entry.href_from(folder))


def _describe(element, entry):
    element.set("MIMETYPE", entry.mime_type)
    element.set("SIZE", str(entry.size))
    element.set("CREATED", entry.created)
    element.set("CHECKSUM", entry.sha256)
    element.set("CHECKSUMTYPE", CHECKSUM_TYPE)


def _md_section(parent, tag, section_id, entry, folder, mdtype):
    section = etree.SubElement(parent, _m(tag), ID=section_id)
    section.set("CREATED", entry.created)
    section.set("STATUS", "CURRENT")
    ref = etree.SubElement(section, _m("mdRef"))
    _locate(ref, entry, folder)
    if mdtype == "PREMIS":
        ref.set("MDTYPE", "PREMIS")
    else:
        ref.set("MDTYPE", "OTHER")
        ref.set("OTHERMDTYPE", mdtype)
    _describe(ref, entry)
    return section


def _file(group, entry, folder, use=None):
    element = etree.SubElement(group, _m("file"), ID=entry.identifier)
    _describe(element, entry)
    if use:
        element.set("USE", use)
    _locate(etree.SubElement(element, _m("FLocat")), entry, folder)
    return element


def _div(parent, div_id, label, **attributes):
    return etree.SubElement(parent, _m("div"), ID=div_id, LABEL=label, **attributes)


def _serialize(root):
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def package_mets(package, description, premis, schemas, representations):
    """The bytes of `<OBJID>/METS.xml`."""
    root, header = _root(package, package.identifier, _label(package.root), "")
    _alt_record_id(header, package.root)
    _md_section(root, "dmdSec", "dmd-ead", description, "", DESCRIPTIVE_TYPE)
    if premis is not None:
        amd = etree.SubElement(root, _m("amdSec"))
        _md_section(amd, "digiprovMD", "digiprov-premis", premis, "", "PREMIS")
    file_sec = etree.SubElement(root, _m("fileSec"), ID="filesec")
    schema_group = etree.SubElement(
        file_sec, _m("fileGrp"), ID="grp-schemas", USE="Schemas"
    )
    for entry in schemas:
        _file(schema_group, entry, "")
    for representation in representations:
        group = etree.SubElement(
            file_sec,
            _m("fileGrp"),
            ID=f"grp-{representation.name}",
            USE=f"Representations/{representation.name}",
        )
        _file(group, representation.mets, "")
    struct = etree.SubElement(
        root, _m("structMap"), ID="struct-csip", TYPE="PHYSICAL", LABEL="CSIP"
    )
    top = _div(struct, "div-package", package.identifier)
    metadata = {"DMDID": "dmd-ead"}
    if premis is not None:
        metadata["ADMID"] = "digiprov-premis"
    _div(top, "div-metadata", "Metadata", **metadata)
    schemas_div = _div(top, "div-schemas", "Schemas")
    etree.SubElement(schemas_div, _m("fptr"), FILEID="grp-schemas")
    for representation in representations:
        div = _div(
            top, f"div-{representation.name}", f"Representations/{representation.name}"
        )
        _locate(etree.SubElement(div, _m("mptr")), representation.mets, "")
        etree.SubElement(div, _m("fptr"), FILEID=f"grp-{representation.name}")
    return _serialize(root)


def representation_mets(package, representation):
    """The bytes of `representations/repN/METS.xml`: the documents' descriptions, their
    files, and a logical map from each document to its files."""
    folder = representation.folder
    root, header = _root(
        package, representation.name, _label(representation.dossier), "../../"
    )
    _alt_record_id(header, representation.dossier)
    dmd_ids = []
    if representation.description is not None:
        _md_section(
            root, "dmdSec", "dmd-ead", representation.description, folder, "simpledc"
        )
        dmd_ids.append("dmd-ead")
    for place in representation.documents:
        section_id = f"dmd-doc-{place.number}"
        _md_section(root, "dmdSec", section_id, place.description, folder, "simpledc")
        dmd_ids.append(section_id)
    data = representation.data_entries()
    if data:
        file_sec = etree.SubElement(root, _m("fileSec"), ID="filesec")
        group = etree.SubElement(
            file_sec,
            _m("fileGrp"),
            ID="grp-data",
            USE=f"Representations/{representation.name}/data",
        )
        for place in representation.documents:
            for entry in place.files:
                _file(group, entry, folder, _use(entry))
    _physical_map(root, representation, dmd_ids, bool(data))
    _logical_map(root, representation)
    return _serialize(root)


def _use(entry):
    return "master" if entry.file is not None and entry.file.use == MASTER else "access"


def _physical_map(root, representation, dmd_ids, has_data):
    struct = etree.SubElement(
        root, _m("structMap"), ID="struct-csip", TYPE="PHYSICAL", LABEL="CSIP"
    )
    top = _div(struct, "div-representation", representation.name)
    metadata = {"DMDID": " ".join(dmd_ids)} if dmd_ids else {}
    _div(top, "div-metadata", "Metadata", **metadata)
    if has_data:
        content = _div(top, "div-data", "Representations")
        etree.SubElement(content, _m("fptr"), FILEID="grp-data")


def _logical_map(root, representation):
    """Each document (EAD_doc_<n>) and its files, in order."""
    struct = etree.SubElement(
        root, _m("structMap"), ID="struct-documents", TYPE="LOGICAL", LABEL="Documents"
    )
    top = _div(
        struct, "div-dossier", _label(representation.dossier) or representation.name
    )
    top.set("TYPE", "dossier")
    for place in representation.documents:
        div = _div(
            top,
            f"div-doc-{place.number}",
            place.unit.fields.get("docCode") or place.unit.identifier,
            TYPE="document",
            ORDER=str(place.number),
            DMDID=f"dmd-doc-{place.number}",
        )
        for entry in place.files:
            etree.SubElement(div, _m("fptr"), FILEID=entry.identifier)


def _label(unit):
    title = unit.fields.get("title")
    return clean_text(title) if title else None
