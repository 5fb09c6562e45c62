"""`build_package(package, fileobj)`: the package written as a ZIP, as a stream.

The metadata (a few kilobytes per document) is made first, in memory; then every entry
goes into the ZIP in a fixed order — METS.xml, the descriptive and preservation files,
each representation's METS, descriptions and data, the schemas — each file copied from
its source in chunks, never read whole. Files that are compressed already (PDF, JPEG,
PNG, TIFF, audio, video, archives) are stored, XML is deflated; entries larger than
4 GiB get ZIP64 records. While a file is copied its SHA-256 and size are computed
again: a file whose bytes are not the ones the archive recorded stops the package
(`PackageError`), so a finished package never holds a checksum that does not match.
The same input gives the same bytes.
"""

from dataclasses import dataclass
from vnarchive.digitization.packages import layout
from vnarchive.digitization.packages import mets
from vnarchive.digitization.packages import naming
from vnarchive.digitization.packages import national
from vnarchive.digitization.packages import premis
from vnarchive.digitization.packages import xsd
from vnarchive.digitization.packages.model import AIP
from vnarchive.digitization.packages.model import PackageError

import hashlib
import zipfile


CHUNK = 1 << 20
BAGIT = "bagit"
ZIP64_LIMIT = (1 << 31) - 1
# Already compressed: deflating them again costs time and gains nothing.
STORED_TYPES = ("application/pdf", "image/", "audio/", "video/", "application/zip")
STORED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".jp2", ".zip")
# What a package adds around its files, for the size estimate: schemas, METS, PREMIS.
OVERHEAD = 512 * 1024
PER_DOCUMENT = 32 * 1024


@dataclass
class Written:
    identifier: str
    entries: int
    files: int
    bytes: int  # of the files' contents (before compression)


def estimate_size(package):
    """An upper estimate of the ZIP's size in bytes, before anything is read."""
    documents = [unit for dossier in package.dossiers() for unit in dossier.children]
    data = sum(item.size for unit in documents for item in unit.files)
    return data + OVERHEAD + PER_DOCUMENT * (len(documents) + 1)


def _schema_prefix(path):
    return "../" * path.count("/")


def _descriptions(package, representations):
    single = package.root.level != "fonds"
    for representation in representations:
        folder = f"{representation.folder}/metadata/descriptive"
        if not single:
            path = f"{folder}/EAD.xml"
            data = national.descriptive_xml(
                representation.dossier,
                package.kind,
                _schema_prefix(path) + f"schemas/{national.SCHEMA}",
            )
            representation.description = layout.xml_entry(package, path, data)
        for place in representation.documents:
            path = f"{folder}/EAD_doc_{place.number}.xml"
            data = national.descriptive_xml(
                place.unit,
                package.kind,
                _schema_prefix(path) + f"schemas/{national.SCHEMA}",
            )
            place.description = layout.xml_entry(package, path, data)


def _schema_entries(package):
    entries = []
    for name, source in xsd.package_schemas(package.kind == AIP):
        entries.append(
            layout.xml_entry(package, f"schemas/{name}", source.read_bytes())
        )
    return entries


def plan_entries(package):
    """Every entry of the package, in the order written."""
    representations = layout.plan(package)
    _descriptions(package, representations)
    premis_entry = None
    if package.kind == AIP:
        premis_entry = layout.xml_entry(
            package,
            "metadata/preservation/PREMIS.xml",
            premis.premis_xml(package, representations),
        )
    for representation in representations:
        representation.mets = layout.xml_entry(
            package,
            f"{representation.folder}/METS.xml",
            mets.representation_mets(package, representation),
        )
    description = layout.xml_entry(
        package,
        "metadata/descriptive/EAD.xml",
        national.descriptive_xml(
            package.root, package.kind, f"../../schemas/{national.SCHEMA}"
        ),
    )
    schemas = _schema_entries(package)
    root = layout.xml_entry(
        package,
        "METS.xml",
        mets.package_mets(package, description, premis_entry, schemas, representations),
    )
    ordered = [root, description]
    if premis_entry is not None:
        ordered.append(premis_entry)
    for representation in representations:
        ordered.append(representation.mets)
        if representation.description is not None:
            ordered.append(representation.description)
        ordered.extend(place.description for place in representation.documents)
        ordered.extend(representation.data_entries())
    ordered.extend(schemas)
    return ordered


def _stored(entry):
    name = entry.path.lower()
    return entry.mime_type.startswith(STORED_TYPES) or name.endswith(STORED_SUFFIXES)


def _info(name, entry):
    info = zipfile.ZipInfo(name, date_time=naming.zip_time(entry.created))
    info.compress_type = zipfile.ZIP_STORED if _stored(entry) else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.file_size = entry.size
    return info


def _copy(archive, info, entry):
    """Copy a document's file into the ZIP, checking its SHA-256 and size on the way."""
    digest = hashlib.sha256()
    size = 0
    with (
        entry.file.open() as source,
        archive.open(info, "w", force_zip64=entry.size > ZIP64_LIMIT) as target,
    ):
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise PackageError(
            f"{entry.file.original_name or entry.file.name}: the bytes read"
            f" ({size} bytes, SHA-256 {digest.hexdigest()}) are not those recorded"
            f" ({entry.size} bytes, SHA-256 {entry.sha256})"
        )
    return size


def build_package(package, fileobj, transport=None):
    """Write `package` as a ZIP into `fileobj` (opened for binary writing).

    `transport="bagit"` wraps it in a BagIt bag (RFC 8493) for the way between systems:
    `<OBJID>/bagit.txt`, `bag-info.txt`, `manifest-sha256.txt`, `tagmanifest-sha256.txt`
    and the package as the payload, `<OBJID>/data/<OBJID>/…`. The manifest is written
    from the checksums verified while copying: nothing is read twice."""
    if transport not in (None, BAGIT):
        raise PackageError(f"unknown transport {transport!r}")
    entries = plan_entries(package)
    folder = package.identifier
    prefix = f"{folder}/data/{folder}/" if transport == BAGIT else f"{folder}/"
    files = 0
    copied = 0
    with zipfile.ZipFile(fileobj, "w", allowZip64=True) as archive:
        for entry in entries:
            info = _info(prefix + entry.path, entry)
            if entry.data is not None:
                archive.writestr(info, entry.data)
                continue
            copied += _copy(archive, info, entry)
            files += 1
        if transport == BAGIT:
            for entry in bag_tag_files(package, entries):
                archive.writestr(_info(f"{folder}/{entry.path}", entry), entry.data)
    return Written(package.identifier, len(entries), files, copied)


def bag_tag_files(package, entries):
    """The tag files of a bag whose payload is `entries` under data/<OBJID>/."""

    def tag(path, text):
        data = text.encode("utf-8")
        return layout.xml_entry(package, path, data)

    payload = f"data/{package.identifier}/"
    manifest = "".join(
        f"{entry.sha256}  {_bag_path(payload + entry.path)}\n" for entry in entries
    )
    made = naming.to_vietnam(package.created)
    info = "".join(
        f"{key}: {value}\n"
        for key, value in (
            ("Source-Organization", package.archive or package.software),
            ("External-Identifier", package.identifier),
            ("External-Description", f"{package.kind} TT05/2025/TT-BNV"),
            ("Bagging-Date", made[:10]),
            ("Bag-Software-Agent", f"{package.software} {package.software_version}"),
            ("Payload-Oxum", f"{sum(e.size for e in entries)}.{len(entries)}"),
        )
    )
    tags = [
        tag("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
        tag("bag-info.txt", info),
        tag("manifest-sha256.txt", manifest),
    ]
    tagmanifest = "".join(f"{entry.sha256}  {entry.path}\n" for entry in tags)
    return [*tags, tag("tagmanifest-sha256.txt", tagmanifest)]


def _bag_path(path):
    """A path as BagIt manifests write it (CR, LF and % percent-encoded)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
