"""The files of a batch: found on disk, named by the manifest's rows, each read whole.

Every page of every scan is opened here (corrupt, empty, encrypted, oversized, unsupported
and low-resolution files are found at planning time), each file is hashed (SHA-256), and a
file may belong to one row only, a content come only once.
"""

from pathlib import Path
from PIL import ImageFile
from vnarchive.digitization import _
from vnarchive.digitization.images import iter_pages
from vnarchive.digitization.images import PageImageError
from vnarchive.digitization.importing.plan import PlannedFile
from vnarchive.digitization.manifest import Problem

import contextlib
import hashlib
import os
import unicodedata


MIN_DPI = 200  # the lowest resolution of a scan OCR is asked to read
CHUNK = 1 << 20
IGNORED_FILES = {"thumbs.db", "desktop.ini", "__macosx"}


@contextlib.contextmanager
def strict_decoding():
    """Refuse truncated images while reading scans.

    plone.scale sets Pillow's global ``LOAD_TRUNCATED_IMAGES = True`` when it is
    imported (always, in Zope), and Pillow then decodes a truncated scan with grey
    at the end instead of refusing it: a master must be whole.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def sha256_of(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def batch_files(folder, manifest_path):
    """Relative NFC path -> absolute Path, for every file of the batch but the manifest."""
    found = {}
    folder = Path(folder)
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".") and name.lower() not in IGNORED_FILES
        )
        for name in sorted(names):
            if name.startswith(".") or name.lower() in IGNORED_FILES:
                continue
            path = Path(directory) / name
            if manifest_path is not None and path == Path(manifest_path):
                continue
            relative = path.relative_to(folder).as_posix()
            found[unicodedata.normalize("NFC", relative)] = path
    return found


class BatchFiles:
    """The files of one batch as its rows name them; problems go to `refuse(problem)`."""

    def __init__(self, folder, manifest_path, min_dpi, refuse):
        self.found = batch_files(folder, manifest_path)  # relative path -> Path
        self.min_dpi = min_dpi
        self.refuse = refuse
        self.used = {}  # relative path -> row
        self.row_files = set()  # files of the row being planned
        self.checksums = {}  # sha256 -> (row, path)

    def claim(self, row, relative):
        """`relative` is named by `row` (even a row that may have no files)."""
        self.used.setdefault(relative, row.number)

    def unlisted(self):
        """The files of the batch no row names, in folder order."""
        return [relative for relative in self.found if relative not in self.used]

    def start_row(self):
        self.row_files = set()

    def plan_file(self, row, relative, pages_wanted):
        """Check one file of a row; a PlannedFile, or None (the problem is reported)."""
        first = self.used.setdefault(relative, row.number)
        if first != row.number or relative in self.row_files:
            self.refuse(
                Problem(
                    "file_duplicate",
                    _(
                        "import_error_file_twice",
                        default="Tệp ${file} đã được dòng ${first} dùng; một tệp chỉ thuộc một "
                        "tài liệu và chỉ được ghi một lần.",
                        mapping={"file": relative, "first": first},
                    ),
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        self.row_files.add(relative)
        path = self.found.get(relative)
        if path is None:
            self.refuse(
                Problem(
                    "file_missing",
                    _(
                        "import_error_file_missing",
                        default="Không tìm thấy tệp ${file} mà dòng ${row} của danh mục ghi. "
                        "Hãy kiểm tra tên tệp (cả chữ hoa, chữ thường) và thư mục.",
                        mapping={"file": relative, "row": row.number},
                    ),
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        data = path.read_bytes()
        checksum = hashlib.sha256(data).hexdigest()
        pages, dpi = 0, None
        if pages_wanted:
            try:
                with strict_decoding():
                    for page in iter_pages(relative, data, min_dpi=self.min_dpi):
                        pages += 1
                        dpi = page.dpi if dpi is None else min(dpi, page.dpi or dpi)
                        del page
            except PageImageError as error:
                self.refuse(
                    Problem(
                        error.code,
                        error.message,
                        row=row.number,
                        column="files",
                        file=relative,
                    )
                )
                return None
        elif not data:
            self.refuse(
                Problem(
                    "empty",
                    PageImageError("empty", relative).message,
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        seen = self.checksums.setdefault(checksum, (row.number, relative))
        if seen[0] != row.number or seen[1] != relative:
            self.refuse(
                Problem(
                    "duplicate_content",
                    _(
                        "import_error_same_content",
                        default="Tệp ${file} trùng nội dung với tệp ${other} (dòng ${first}).",
                        mapping={"file": relative, "other": seen[1], "first": seen[0]},
                    ),
                    row=row.number,
                    column="files",
                    file=relative,
                )
            )
            return None
        return PlannedFile(relative, checksum, len(data), pages, dpi)
