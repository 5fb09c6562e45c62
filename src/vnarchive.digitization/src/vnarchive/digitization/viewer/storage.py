"""What the viewer keeps on a record, and where it gets the record's PDF/A.

collective.documentviewer keeps its per-object data in the annotation
``collective.documentviewer`` (its ``Settings``: page count, state of the conversion, the
hash of the converted file) and, with its "Blob" storage, the page images and page texts as
ZODB blobs in ``blob_files`` ("large/dump_1.png", "text/dump_1.txt", ...). We keep that
layout, so every Zope client and every worker of the database sees the same pages, and add
``page_texts`` (page number -> text folded for searching) for the in-document search.

Reading never writes: documentviewer's ``Settings(obj)`` creates the annotation when it is
missing, so pages that only read look the annotation up first (``viewer_data``).
"""

from collective.documentviewer.interfaces import IFileWrapper
from collective.documentviewer.settings import Settings
from vnarchive.content.files import IRecordFiles
from vnarchive.content.interfaces import IFileRecord
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.interface import implementer

import re
import unicodedata


ANNOTATION_KEY = "collective.documentviewer"
PDFA = "pdfa"
DUMP = "dump"  # documentviewer's file stem: large/dump_1.png, text/dump_1.txt
SIZES = ("large", "normal", "small")
TEXT = "text"
FORMATS = ("png", "jpg", "gif")
_SPACE = re.compile(r"\s+")


def pdfa_of(record):
    """The record's PDF/A derivative (the newest when there are several), or None."""
    files = IRecordFiles(record, None)
    if files is None:
        return None
    found = [item for item in files.derivatives() if item.kind == PDFA]
    if not found:
        return None
    return max(found, key=lambda item: (item.created or "", item.name))


def viewer_data(record):
    """documentviewer's Settings of `record` when it has any, without creating them."""
    if IAnnotations(record, {}).get(ANNOTATION_KEY) is None:
        return None
    return Settings(record)


def fold(text):
    """Text as the in-document search compares it: NFC, case folded, spaces collapsed.

    Diacritics stay: "lưu trữ" is not "luu tru" (the viewer highlights the exact word).
    """
    text = unicodedata.normalize("NFC", text or "").casefold()
    return _SPACE.sub(" ", text).strip()


def file_name(folder, page, image_format):
    """The key of a page file in ``blob_files``: "large/dump_3.png", "text/dump_3.txt"."""
    extension = "txt" if folder == TEXT else image_format
    return f"{folder}/{DUMP}_{int(page)}.{extension}"


def clear(record):
    """Forget the viewer's pages of `record` (destruction, no PDF/A any more)."""
    annotations = IAnnotations(record, None)
    if annotations is not None and ANNOTATION_KEY in annotations:
        del annotations[ANNOTATION_KEY]


@implementer(IFileWrapper)
@adapter(IFileRecord)
class RecordPDFA:
    """documentviewer's view of a record's file: the PDF/A derivative, not a File field."""

    def __init__(self, context):
        self.context = context
        self.file = pdfa_of(context)

    @property
    def has_enclosure(self):
        return self.file is not None

    @property
    def file_length(self):
        return self.file.size if self.file is not None else None

    @property
    def file_type(self):
        return self.file.content_type if self.file is not None else None

    @property
    def blob(self):
        return self.file.blob if self.file is not None else None

    @property
    def filename(self):
        return self.file.name if self.file is not None else None
