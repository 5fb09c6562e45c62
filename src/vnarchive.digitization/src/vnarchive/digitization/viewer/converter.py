"""documentviewer's converter on a record's PDF/A, run by our workers.

What is kept from collective.documentviewer: its per-object ``Settings``, its page files and
their names, its blob storage (``saveFileToBlob``), its command wrappers (qpdf to split and
count pages, GraphicsMagick + Ghostscript to rasterise, poppler's pdftotext) and its
``ConversionFinishedEvent``. What is changed, and why:

- the file is the record's PDF/A derivative (``storage.RecordPDFA``), not a File field;
- text: never OCR. Our PDF/A has the 300-dpi OCR (or the reviewed text) as its text layer,
  so the text of each page is what ``pdftotext`` reads from it; documentviewer would OCR
  pages it rasterised at 72 dpi when it finds no text (conventions.md);
- storage: always ZODB blobs (every client and worker of the database sees them), no copy
  of the PDF (the PDF/A itself is the record's file), no lead image, no file-system storage
  and its "obfuscated" paths;
- the in-document search reads ``page_texts`` (folded page texts) instead of
  documentviewer's repoze.catalog index, whose lexicon drops words of three letters or
  fewer: most Vietnamese syllables ("lưu", "trữ");
- no request, no celery, no layout change, no reindex: the caller (a worker task) commits.
"""

from BTrees.IOBTree import IOBTree
from BTrees.OOBTree import OOBTree
from collective.documentviewer import convert as dv
from collective.documentviewer.config import CONVERTABLE_TYPES
from collective.documentviewer.events import ConversionFinishedEvent
from collective.documentviewer.interfaces import IFileWrapper
from collective.documentviewer.settings import Settings
from DateTime import DateTime
from plone import api
from vnarchive.digitization.viewer.interfaces import IViewerSettings
from vnarchive.digitization.viewer.storage import file_name
from vnarchive.digitization.viewer.storage import fold
from vnarchive.digitization.viewer.storage import SIZES
from vnarchive.digitization.viewer.storage import TEXT
from ZODB.POSException import ConflictError
from zope.event import notify

import logging
import os
import PIL.Image
import shutil
import tempfile
import traceback


logger = logging.getLogger("vnarchive.digitization.viewer")

_PIL_FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF"}
SUCCESS = "success"
FAILURE = "failure"


class ViewerToolMissing(RuntimeError):
    """A program the conversion needs is not installed."""


def viewer_settings():
    """The registry's viewer settings; the defaults where a record is missing."""
    values = {}
    for name in IViewerSettings.names():
        default = IViewerSettings[name].default
        try:
            values[name] = api.portal.get_registry_record(
                f"vnarchive.viewer.{name}", default=default
            )
        except Exception:  # no registry (no site): the defaults
            values[name] = default
    return values


def _tools():
    missing = [
        name
        for name, tool in (
            ("qpdf", dv.qpdf),
            ("gm", dv.gm),
            ("pdftotext", dv.pdftotext),
        )
        if tool is None
    ]
    if missing:
        raise ViewerToolMissing(
            "not installed: "
            + ", ".join(missing)
            + " (poppler-utils, qpdf, graphicsmagick)"
        )


def _reason(error):
    """What went wrong, for the log and the staff: documentviewer's image step raises a
    bare Exception from the tool's error, which is kept as its context."""
    while error is not None and not str(error) and error.__context__ is not None:
        error = error.__context__
    return (str(error) or type(error).__name__)[:2000]


class RecordConverter(dv.Converter):
    """Make the viewer's page images and page texts of a record from its PDF/A."""

    def __init__(self, context):
        # Not Converter.__init__: it reads documentviewer's global settings from an
        # annotation of the portal (and writes it) and finds the file through a field.
        self.context = context
        self.settings = Settings(context)
        self.wrapper = IFileWrapper(context)
        self.pdfa = self.wrapper.file
        self.blob = self.wrapper.blob
        self.initialize_blob_filepath()
        self.filehash = self.pdfa.sha256 if self.pdfa is not None else None
        self.options = viewer_settings()
        self.doc_type = CONVERTABLE_TYPES["pdf"]
        self.storage_dir = None

    @property
    def can_convert(self):
        """True when there is a PDF/A and its pages are not those already made."""
        settings = self.settings
        return self.pdfa is not None and not (
            settings.successfully_converted
            and settings.filehash == self.filehash
            and settings.blob_files
        )

    def initialize_filehash(self):
        # The SHA-256 recorded with the PDF/A (documentviewer runs md5sum on the file).
        self.filehash = self.pdfa.sha256

    def get_storage_dir(self):
        return tempfile.mkdtemp(prefix="vnarchive-viewer-")

    def run_conversion(self):
        """documentviewer's steps minus OCR: rasterise every page, pdftotext every page."""
        _tools()
        options = self.options
        path = os.path.join(self.storage_dir, dv.DUMP_FILENAME)
        if self.blob_filepath is not None:
            shutil.copyfile(self.blob_filepath, path)
        else:
            with open(path, "wb") as out:
                out.write(self.pdfa.read())
        sizes = (
            ("large", options["large_size"]),
            ("normal", options["normal_size"]),
            ("small", options["thumb_size"]),
        )
        self.dump_images(path, sizes, options["image_format"])
        pages = dv.qpdf.get_num_pages(path)
        # ocr=False: pdftotext reads the text layer of each page; tesseract never runs.
        dv.pdftotext.dump_text(path, self.storage_dir, False)
        return pages

    def dump_images(self, path, sizes, image_format):
        """documentviewer's rasterisation (qpdf splits, GraphicsMagick + Ghostscript at
        150 dpi), once per page at the largest size; the smaller sizes are scaled from it
        (documentviewer rasterises the PDF again for each size: three Ghostscript runs)."""
        (large, width), *smaller = sizes
        dv.gm.dump_images(path, self.storage_dir, ((large, width),), image_format)
        source = os.path.join(self.storage_dir, large)
        for name, width in smaller:
            target = os.path.join(self.storage_dir, name)
            os.makedirs(target)
            for page in os.listdir(source):
                with PIL.Image.open(os.path.join(source, page)) as image:
                    image.load()
                    height = max(1, round(image.height * width / image.width))
                    scaled = image.resize((width, height), PIL.Image.Resampling.LANCZOS)
                    if image_format == "gif":
                        scaled = scaled.convert("P", palette=PIL.Image.Palette.ADAPTIVE)
                    elif image_format == "jpg" and scaled.mode not in ("RGB", "L"):
                        scaled = scaled.convert("RGB")
                    scaled.save(
                        os.path.join(target, page), format=_PIL_FORMATS[image_format]
                    )

    def handle_storage(self):
        """Page images and texts into ZODB blobs; page texts folded for the search."""
        image_format = self.options["image_format"]
        files = OOBTree()
        for folder in (*SIZES, TEXT):
            directory = os.path.join(self.storage_dir, folder)
            for name in os.listdir(directory):
                files[f"{folder}/{name}"] = dv.saveFileToBlob(
                    os.path.join(directory, name)
                )
        texts = IOBTree()
        for page in range(1, self.pages + 1):
            for folder in SIZES:
                name = file_name(folder, page, image_format)
                if name not in files:
                    raise RuntimeError(f"page {page}: no {folder} image")
            name = os.path.join(self.storage_dir, file_name(TEXT, page, image_format))
            text = ""
            if os.path.exists(name):
                with open(name, encoding="utf-8", errors="replace") as stream:
                    text = stream.read()
            texts[page] = fold(text)
        self.settings.blob_files = files
        self.settings.page_texts = texts

    def handle_layout(self):
        """The record keeps its own page; the viewer is @@documentviewer beside it."""

    def handleFileObfuscation(self):
        """Blob storage only: pages are served through views that check permissions."""

    def __call__(self, asynchronous=False):
        settings = self.settings
        settings.converting = True
        self.storage_dir = self.get_storage_dir()
        try:
            self.pages = self.run_conversion()
            self.handle_storage()
            settings.num_pages = self.pages
            settings.catalog = None
            settings.storage_type = "Blob"
            settings.pdf_image_format = self.options["image_format"]
            settings.filehash = self.filehash
            settings.source_name = self.pdfa.name
            settings.successfully_converted = True
            settings.exception_msg = None
            settings.exception_traceback = None
            result = SUCCESS
        except ConflictError:
            raise
        except Exception as error:
            logger.exception(
                "viewer: converting %s failed", self.context.absolute_url()
            )
            settings.successfully_converted = False
            settings.exception_msg = _reason(error)
            settings.exception_traceback = traceback.format_exc()
            result = FAILURE
        finally:
            shutil.rmtree(self.storage_dir, ignore_errors=True)
        settings.last_updated = DateTime().ISO8601()
        settings.converting = False
        notify(ConversionFinishedEvent(self.context, result))
        return result
