"""The files of a record: untouched masters, derived files and per-page data.

A 500-page document is one content object: its files live in an annotation of the
record, blobs on disk, and its pages in one BTree keyed by page number, so that an
archive of millions of pages does not become millions of content objects.
"""

from BTrees.IOBTree import IOBTree
from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from persistent import Persistent
from vnarchive.content import _
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.interfaces import IWriteGuard
from ZODB.blob import Blob
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface

import hashlib
import io
import mimetypes
import re


ANNOTATION_KEY = "vnarchive.content.files"
MASTER = "master"
DERIVATIVE = "derivative"
CHUNK = 1 << 20
SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,255}$")


class FileError(ArchivalValidationError):
    """A file that cannot be stored as asked."""


class IRecordFiles(Interface):
    """The files and pages of a record."""


def _now():
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoredFile(Persistent):
    """One file in the blob storage with the checksum it was stored with."""

    def __init__(self, name, content_type, role, kind=None, source=None):
        self.name = name
        self.content_type = content_type or "application/octet-stream"
        self.role = role
        self.kind = kind
        self.source = source
        self.size = 0
        self.sha256 = None
        self.created = _now()
        self.blob = Blob()

    def write(self, data):
        """Copy `data` (bytes or a binary stream) into the blob, hashing as it goes."""
        stream = io.BytesIO(data) if isinstance(data, bytes) else data
        digest = hashlib.sha256()
        size = 0
        with self.blob.open("w") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        self.size, self.sha256 = size, digest.hexdigest()

    def open(self):
        return self.blob.open("r")

    def read(self):
        with self.open() as stream:
            return stream.read()

    def verify(self):
        """True when the bytes stored still have the recorded SHA-256."""
        digest = hashlib.sha256()
        with self.open() as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == self.sha256

    def info(self):
        return {
            "name": self.name,
            "content_type": self.content_type,
            "role": self.role,
            "kind": self.kind,
            "source": self.source,
            "size": self.size,
            "sha256": self.sha256,
            "created": self.created,
        }


class PageData(Persistent):
    """OCR of one page: text, word boxes (hOCR or ALTO), confidence; text history kept."""

    def __init__(self, number):
        self.number = number
        self.text = ""
        self.words = None
        self.confidence = None
        self.language = None
        self.source = None
        self.history = ()

    def set_text(self, text, source, confidence=None, words=None, language=None):
        if self.source is not None:
            self.history = (*self.history, (self.source, self.text, self.confidence))
        self.text, self.source = text, source
        self.confidence = confidence
        if words is not None:
            self.words = words
        if language is not None:
            self.language = language


class _Store(Persistent):
    def __init__(self):
        self.files = OOBTree()
        self.pages = IOBTree()
        self.destroyed = None


@implementer(IRecordFiles)
@adapter(IFileRecord)
class RecordFiles:
    def __init__(self, context):
        self.context = context

    def _store(self, create=False):
        annotations = IAnnotations(self.context)
        store = annotations.get(ANNOTATION_KEY)
        if store is None and create:
            store = annotations[ANNOTATION_KEY] = _Store()
        return store

    def __iter__(self):
        store = self._store()
        return iter(store.files.values()) if store else iter(())

    def masters(self):
        return [item for item in self if item.role == MASTER]

    def derivatives(self):
        return [item for item in self if item.role == DERIVATIVE]

    def get(self, name):
        store = self._store()
        return store.files.get(name) if store else None

    def _check_writable(self, action):
        """Ask the site policy whether the record may change (closed records may not)."""
        guard = IWriteGuard(self.context, None)
        if guard is not None:
            guard.check(action)

    def _check_name(self, name):
        if not name or not SAFE_NAME.match(name) or name in (".", ".."):
            raise FileError(
                _(
                    "error_file_name",
                    default="Tên tệp “${name}” không hợp lệ.",
                    mapping={"name": name},
                )
            )

    def add_master(self, name, data, content_type=None):
        """Store an original as received; a master is never replaced or altered."""
        self._check_writable("add_master_file")
        self._check_name(name)
        store = self._store(create=True)
        if name in store.files:
            raise FileError(
                _(
                    "error_master_exists",
                    default="Tệp gốc “${name}” đã có; tệp gốc không được ghi đè.",
                    mapping={"name": name},
                )
            )
        item = StoredFile(name, content_type, MASTER)
        item.write(data)
        if item.size == 0:
            raise FileError(
                _(
                    "error_file_empty",
                    default="Tệp “${name}” rỗng (0 byte).",
                    mapping={"name": name},
                )
            )
        for other in self.masters():
            if other.sha256 == item.sha256:
                raise FileError(
                    _(
                        "error_master_duplicate",
                        default="Tệp “${name}” trùng nội dung với tệp gốc “${other}”.",
                        mapping={"name": name, "other": other.name},
                    )
                )
        store.files[name] = item
        return item

    def set_derivative(self, name, data, content_type=None, kind=None, source=None):
        """Store (or replace) a file derived from the masters: a cleaned page, a PDF/A."""
        self._check_writable("set_derivative")
        self._check_name(name)
        store = self._store(create=True)
        existing = store.files.get(name)
        if existing is not None and existing.role == MASTER:
            raise FileError(
                _(
                    "error_master_exists",
                    default="Tệp gốc “${name}” đã có; tệp gốc không được ghi đè.",
                    mapping={"name": name},
                )
            )
        item = StoredFile(name, content_type, DERIVATIVE, kind=kind, source=source)
        item.write(data)
        store.files[name] = item
        return item

    def page(self, number, create=False):
        """The data of page `number`; `create` is for writing it (OCR text, words)."""
        if create:
            self._check_writable("page_text")
        store = self._store(create=create)
        if store is None:
            return None
        page = store.pages.get(number)
        if page is None and create:
            page = store.pages[number] = PageData(number)
        return page

    def pages(self):
        store = self._store()
        return list(store.pages.values()) if store else []

    def text(self):
        """The authoritative text of all pages, for full-text search."""
        return "\n".join(page.text for page in self.pages() if page.text)

    def destroy(self):
        """Remove every file and page; keep what was there (name, size, SHA-256)."""
        self._check_writable("destroy_files")
        store = self._store()
        if store is None:
            return []
        removed = [item.info() for item in store.files.values()]
        store.files.clear()
        store.pages.clear()
        store.destroyed = removed
        return removed

    def destroyed_files(self):
        store = self._store()
        return list(store.destroyed or ()) if store else []


def guess_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
