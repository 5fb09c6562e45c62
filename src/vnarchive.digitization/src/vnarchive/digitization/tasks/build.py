"""The "build" job: the PDF/A of a record from its clean pages and texts; reindex; viewer.

A reviewed record's new PDF/A is sent on to the "sign" job when signing is set up.

Sent when the last page of a batch's document is done, and by the OCR review
(`intake.enqueue_document_rebuild`) after the texts changed: then it has no batch.
"""

from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization.jobs import job
from vnarchive.digitization.ocr import PageText
from vnarchive.digitization.pdfa import build_pdfa
from vnarchive.digitization.pdfa import PdfPage
from vnarchive.digitization.signatures.rules import sign_when_ready
from vnarchive.digitization.tasks.documents import check_finished
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.records import clean_page_name
from vnarchive.digitization.tasks.records import DIGITIZED
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.records import PDFA
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.digitization.tasks.records import PDFA_REBUILT
from vnarchive.digitization.tasks.records import record_languages
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.digitization.viewer import convert
from vnarchive.policy.journal import record as journal
from vnarchive.policy.workflow.closed import RecordClosed

import logging


logger = logging.getLogger("vnarchive.digitization")


def _pdf_language(record):
    return record_languages(record)[0]


def _pages_for_pdf(record):
    files = IRecordFiles(record)
    pages = []
    for page in sorted(files.pages(), key=lambda item: item.number):
        image = files.get(clean_page_name(page.number))
        if image is None or not page.words:
            continue
        page_text = PageText.from_dict(page.words)
        if page.source != "ocr" and page.text != page_text.text:
            page_text = page_text.with_text(page.text)
        pages.append(PdfPage(image.read(), page_text.dpi, page_text))
    return pages


@job("build")
def build_document(site, uid, batch_id=None, document_key=None, worker=None):
    """Build the PDF/A of a record from its clean pages and texts; reindex; viewer."""
    build = _Build(site, uid, batch_id, document_key)
    gathered = read(build.gather)
    if gathered is None:
        return "skipped"
    pages, title, language = gathered
    try:
        pdf = _pdfa(pages, title, language)
    except Exception as error:
        logger.warning("PDF/A of %s failed", uid, exc_info=True)
        reason = failure_reason(error)
        write(lambda: build.fail(reason))
        return "failed"
    try:
        name = write(lambda: build.save(pdf, len(pages)))
    except RecordClosed as error:
        # Destroyed or transferred meanwhile: its files stay as they are.
        reason = failure_reason(error)
        write(lambda: build.fail(reason))
        return "failed"
    if name is None:
        return "skipped"
    try:
        write(build.viewer)
    except Exception:
        # The PDF/A and the text are in; the viewer can be prepared again later.
        logger.exception("viewer conversion of %s failed", uid)
    return "built"


def _pdfa(pages, title, language):
    """The PDF/A of `pages`; a BatchError (a reason people read) when there are none."""
    if not pages:
        raise BatchError(
            _(
                "digitization_error_no_clean_pages",
                default="Tài liệu chưa có trang nào đã làm sạch và nhận dạng.",
            )
        )
    return build_pdfa(pages, title, language)


class _Build:
    """The steps of one build, each run in its own transaction by `build_document`.

    A build sent by a batch settles the batch's document (`batch_id`, `document_key`);
    a rebuild after the OCR review has no batch.
    """

    def __init__(self, site, uid, batch_id, document_key):
        self.site = site
        self.uid = uid
        self.batch_id = batch_id
        self.document_key = document_key

    def gather(self):
        """(pages, title, language) of the record; None when there is nothing to build."""
        if self.batch_id is not None:
            batch = model.get_batch(self.site, self.batch_id)
            document = batch.documents.get(self.document_key) if batch else None
            if document is None or document.state != model.DOC_BUILDING:
                return None
        record = find_record(self.site, self.uid)
        if record is None:
            return None
        return _pages_for_pdf(record), record.Title(), _pdf_language(record)

    def fail(self, reason):
        if self.batch_id is None:
            return
        batch = model.get_batch(self.site, self.batch_id)
        document = batch.documents.get(self.document_key)
        if document is not None and document.state == model.DOC_BUILDING:
            document.state = model.DOC_FAILED
            document.error = reason
            check_finished(batch)

    def save(self, pdf, pages):
        """Store the PDF/A of `pages` pages and journal it; its name, or None if stale."""
        document = batch = None
        if self.batch_id is not None:
            batch = model.get_batch(self.site, self.batch_id)
            document = batch.documents.get(self.document_key)
            if document is None or document.state != model.DOC_BUILDING:
                return None
        record = find_record(self.site, self.uid)
        name = pdfa_name(record)
        stored = IRecordFiles(record).set_derivative(
            name, pdf, "application/pdf", kind=PDFA, source="ocr"
        )
        record.reindexObject()
        journal(
            record,
            DIGITIZED if self.batch_id is not None else PDFA_REBUILT,
            file=name,
            sha256=stored.sha256,
            pages=pages,
            batch=self.batch_id,
        )
        # A new PDF/A carries no signature: the archive signs it again once reviewed.
        sign_when_ready(self.site, record)
        if document is not None:
            document.state = model.DOC_BUILT
            document.pdfa = name
            document.built = model.now_iso()
            check_finished(batch)
        return name

    def viewer(self):
        record = find_record(self.site, self.uid)
        if record is not None:
            convert(record)
