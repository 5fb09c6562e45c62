"""`validate_package(path_or_zip)`: every problem of a package, all at once.

For packages this site makes and, later, for the SIPs agencies send: the ZIP (or an
unpacked folder) must hold one package folder with its METS.xml; every METS (the
package's and each representation's) must be valid METS 1.12.1, every PREMIS file
PREMIS 3, every national descriptive file valid against the project schema; every file
the METS lists must be there with the size and SHA-256 it gives; nothing may lie in the
package that no METS lists; no path may climb out of the package. XML is read with the
network, DTDs and entity expansion off (`xsd.safe_parser`). Each problem says where
(`path`), what (`code`) and, in Vietnamese, what is wrong (`message`); `detail` keeps
the validator's own words.
"""

from dataclasses import dataclass
from lxml import etree
from pathlib import Path
from pathlib import PurePosixPath
from urllib.parse import unquote
from vnarchive.digitization.packages import xsd
from vnarchive.digitization.packages.mets import METS
from vnarchive.digitization.packages.mets import XLINK

import hashlib
import posixpath
import zipfile


CHUNK = 1 << 20
HREF = f"{{{XLINK}}}href"
MESSAGES = {
    "not_a_package": "Không đọc được gói: tệp không phải ZIP hoặc thư mục gói.",
    "unsafe_path": "Đường dẫn không an toàn trong gói (tuyệt đối hoặc có “..”).",
    "no_mets": "Gói không có tệp METS.xml ở thư mục gốc của gói.",
    "several_packages": "Tệp ZIP phải chứa đúng một thư mục gói.",
    "objid": "Mã gói (OBJID) trong METS.xml khác tên thư mục gói.",
    "malformed": "Tệp XML hỏng, không đọc được.",
    "doctype": "Tệp XML có khai báo DOCTYPE: không được chấp nhận.",
    "invalid": "Tệp XML không đúng lược đồ.",
    "missing_file": "Tệp được khai báo trong METS nhưng không có trong gói.",
    "size_mismatch": "Kích thước tệp khác giá trị khai báo trong METS.",
    "checksum_mismatch": "Mã băm SHA-256 của tệp khác giá trị khai báo trong METS.",
    "checksum_type": "METS phải khai báo mã băm SHA-256 cho mọi tệp.",
    "unlisted_file": "Tệp có trong gói nhưng không được khai báo trong METS.",
}
SCHEMA_OF = {"PREMIS": "premis", "simpledc": "national"}


@dataclass(frozen=True)
class Problem:
    path: str
    code: str
    message: str
    detail: str = ""


class _Source:
    """The files of a package: in a ZIP or in a folder, by their path in the package."""

    def __init__(self, target):
        self.zip = None
        self.folder = None
        if isinstance(target, zipfile.ZipFile):
            self.zip = target
        elif isinstance(target, str | Path) and Path(target).is_dir():
            self.folder = Path(target)
        else:
            self.zip = zipfile.ZipFile(target)

    def names(self):
        if self.zip is not None:
            return [info.filename for info in self.zip.infolist() if not info.is_dir()]
        return [
            path.relative_to(self.folder).as_posix()
            for path in sorted(self.folder.rglob("*"))
            if path.is_file()
        ]

    def open(self, name):
        if self.zip is not None:
            return self.zip.open(name)
        return (self.folder / name).open("rb")


def _unsafe(name):
    path = PurePosixPath(name)
    return (
        path.is_absolute() or ".." in path.parts or "\\" in name or ":" in path.parts[0]
    )


class _Check:
    def __init__(self, source):
        self.source = source
        self.problems = []
        self.listed = set()
        self.present = set()

    def problem(self, path, code, detail=""):
        self.problems.append(Problem(path, code, MESSAGES[code], str(detail)))

    def read_xml(self, path):
        try:
            with self.source.open(path) as stream:
                tree = etree.parse(stream, xsd.safe_parser())
        except (etree.XMLSyntaxError, OSError, KeyError) as error:
            self.problem(path, "malformed", error)
            return None
        if tree.docinfo.doctype:
            self.problem(path, "doctype", tree.docinfo.doctype)
            return None
        return tree.getroot()

    def validate_xml(self, path, root, name):
        schema = xsd.schema(name)
        if not schema.validate(root):
            for error in schema.error_log:
                self.problem(path, "invalid", f"line {error.line}: {error.message}")

    def check_file(self, path, element):
        """The file at `path` against the SIZE, CHECKSUM, CHECKSUMTYPE of `element`."""
        self.listed.add(path)
        if path not in self.present:
            self.problem(path, "missing_file")
            return False
        if element.get("CHECKSUMTYPE") != "SHA-256":
            self.problem(path, "checksum_type", element.get("CHECKSUMTYPE") or "")
        digest, size = hashlib.sha256(), 0
        with self.source.open(path) as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        if element.get("SIZE") is not None and str(size) != element.get("SIZE"):
            self.problem(path, "size_mismatch", f"{size} != {element.get('SIZE')}")
        if (element.get("CHECKSUM") or "").lower() != digest.hexdigest():
            self.problem(path, "checksum_mismatch", digest.hexdigest())
        return True

    def target(self, folder, href):
        """The path in the package an href of a METS in `folder` names, or None."""
        path = posixpath.normpath(posixpath.join(folder, unquote(href)))
        if _unsafe(path) or path.startswith("../"):
            self.problem(href, "unsafe_path")
            return None
        return path

    def mets(self, path, root_id=None):
        """Check one METS file and what it refers to; representations recursively."""
        root = self.read_xml(path)
        if root is None:
            return
        self.listed.add(path)
        self.validate_xml(path, root, "mets")
        if root_id is not None and root.get("OBJID") != root_id:
            self.problem(path, "objid", f"{root.get('OBJID')} != {root_id}")
        folder = posixpath.dirname(path)
        self.metadata(root, folder)
        for file in root.iter(f"{{{METS}}}file"):
            for location in file.iter(f"{{{METS}}}FLocat"):
                target = self.target(folder, location.get(HREF, ""))
                if target is not None and target not in self.listed:
                    self.check_file(target, file)
                    if target.endswith("/METS.xml"):
                        self.mets(target)

    def metadata(self, root, folder):
        for ref in root.iter(f"{{{METS}}}mdRef"):
            target = self.target(folder, ref.get(HREF, ""))
            if target is None or not self.check_file(target, ref):
                continue
            kind = ref.get("MDTYPE")
            name = SCHEMA_OF.get(kind if kind != "OTHER" else ref.get("OTHERMDTYPE"))
            if name is not None:
                tree = self.read_xml(target)
                if tree is not None:
                    self.validate_xml(target, tree, name)


def _top(check, names):
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1:
        check.problem("", "several_packages", ", ".join(sorted(tops))[:200])
        return None
    return tops.pop()


def validate_package(target):
    """The problems of the package at `target` (a ZIP's path or file object, an open
    ZipFile, or an unpacked folder holding the package folder); [] when it is valid."""
    try:
        source = _Source(target)
        names = source.names()
    except (zipfile.BadZipFile, OSError) as error:
        return [
            Problem(str(target), "not_a_package", MESSAGES["not_a_package"], str(error))
        ]
    check = _Check(source)
    unsafe = [name for name in names if _unsafe(name)]
    for name in unsafe:
        check.problem(name, "unsafe_path")
    names = [name for name in names if name not in unsafe]
    top = _top(check, names) if names else None
    if top is None:
        if not names:
            check.problem("", "no_mets")
        return check.problems
    check.present = set(names)
    if f"{top}/METS.xml" not in check.present:
        check.problem(f"{top}/METS.xml", "no_mets")
        return check.problems
    check.mets(f"{top}/METS.xml", root_id=top)
    for name in sorted(check.present - check.listed):
        check.problem(name, "unlisted_file")
    return check.problems
