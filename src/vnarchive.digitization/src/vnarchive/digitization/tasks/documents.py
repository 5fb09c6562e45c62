"""A document of a batch, from its import to a settled batch.

`import_one` imports a planned document (or registers the pages of uploaded masters) and
sends its pages to the queue (the "import" and "upload" jobs); `document_progress`, after
each page, sends the document to be built when its last page is done; `check_finished`
settles the batch when no page is open and every document is done or failed.
"""

from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.records import clean_page_name
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.digitization.tasks.transactions import write
from ZODB.POSException import ConflictError

import logging
import time


logger = logging.getLogger("vnarchive.digitization")


def document_key(planned, position):
    """The key of the document at `position` in its batch: "00001", "00002"…"""
    return f"{position:05d}"


def _page_refs(imported):
    """(number in the record, master name, page within the master) of each page."""
    return [(ref.number, ref.file, ref.file_page) for ref in imported.pages]


def _already_processed(files, number):
    """The record has this page's OCR text and its clean image (an earlier batch)."""
    page = files.page(number)
    return (
        page is not None
        and page.source is not None
        and files.get(clean_page_name(number)) is not None
    )


def import_one(site, batch_id, token, key, planned, import_document):
    """Import one planned document and register its pages; False if the batch is lost."""

    def step():
        batch = model.get_batch(site, batch_id)
        if batch is None or batch.token != token:
            return False
        document = batch.documents[key]
        if document.state != model.DOC_PENDING:
            return True  # done before an interruption
        imported = import_document(site, planned)
        record = find_record(site, imported.uid)
        document.uid = imported.uid
        document.path = "/".join(record.getPhysicalPath()) if record else None
        document.created = bool(getattr(imported, "created", False))
        _register_pages(batch, document, record, _page_refs(imported))
        return True

    try:
        return write(step)
    except ConflictError:
        raise
    except Exception as error:  # one bad document does not stop the batch
        logger.warning("import of document %s failed", key, exc_info=True)
        reason = failure_reason(error)
        return write(lambda: _import_failed(site, batch_id, token, key, reason))


def _register_pages(batch, document, record, refs):
    """The imported document's pages in the batch; what is left to do goes to the queue."""
    document.pages = tuple(number for number, _master, _index in refs)
    if not refs:
        # A fonds, a dossier: no files, nothing to OCR (and no IRecordFiles).
        document.state = model.DOC_IMPORTED
        return
    files = IRecordFiles(record)
    pending = []
    for number, master, index in refs:
        done = _already_processed(files, number)
        page = batch.add_page(document, number, master, index, done=done)
        if page.state == model.PENDING:
            pending.append(number)
    if pending:
        document.state = model.DOC_PROCESSING
        for number in pending:
            queue.enqueue(
                "page", batch.id, document.key, number, priority=queue.PRIORITY_PAGE
            )
    elif files.get(pdfa_name(record)) is not None:
        document.state = model.DOC_BUILT  # nothing new: an earlier batch did it all
        document.pdfa = pdfa_name(record)
    else:
        document.state = model.DOC_BUILDING
        document.heartbeat = time.time()
        queue.enqueue(
            "build",
            document.uid,
            batch.id,
            document.key,
            priority=queue.PRIORITY_BUILD,
        )


def _import_failed(site, batch_id, token, key, reason):
    """The document failed (its reason kept); False if the batch is lost."""
    batch = model.get_batch(site, batch_id)
    if batch is None or batch.token != token:
        return False
    document = batch.documents[key]
    document.state = model.DOC_FAILED
    document.error = reason
    return True


def document_progress(batch, document):
    """After a page: build the document when its last page is done."""
    if document.done + document.failed < len(document.pages):
        return
    if document.failed:
        document.state = model.DOC_INCOMPLETE
        check_finished(batch)
    elif document.state == model.DOC_PROCESSING:
        document.state = model.DOC_BUILDING
        document.heartbeat = time.time()
        queue.enqueue(
            "build", document.uid, batch.id, document.key, priority=queue.PRIORITY_BUILD
        )


def check_finished(batch):
    """The batch is done when no page is open and every document is settled."""
    if batch.state != model.PROCESSING or len(batch.open):
        return False
    for document in batch.documents.values():
        if document.state in (
            model.DOC_PENDING,
            model.DOC_PROCESSING,
            model.DOC_BUILDING,
        ):
            return False
    batch.state = _outcome(batch)
    batch.finished = model.now_iso()
    return True


def _outcome(batch):
    """DONE, DONE_WITH_PROBLEMS or FAILED; the reasons of failed documents go to problems."""
    documents = sorted(batch.documents.values(), key=lambda item: item.position)
    failed = [
        item
        for item in documents
        if item.state in (model.DOC_FAILED, model.DOC_INCOMPLETE)
    ]
    unread = any(item.get("code") == model.MASTER_UNREADABLE for item in batch.problems)
    if not failed and not batch.pages_failed() and not unread:
        return model.DONE
    known = {(item.get("code"), item.get("document")) for item in batch.problems}
    for item in failed:
        if (model.DOCUMENT_FAILED, item.key) in known:
            continue
        batch.problems.append(_failure_problem(batch, item))
    built = [item for item in documents if item.state == model.DOC_BUILT]
    if built:
        return model.DONE_WITH_PROBLEMS
    batch.message = text(
        _(
            "batch_error_all_failed",
            default="Không tài liệu nào của lô được nhập và xử lý: "
            "xem lý do của từng tài liệu.",
        )
    )
    return model.FAILED


def _failure_problem(batch, document):
    """A failed document as a problem of the batch: its manifest row and its reason."""
    planned = document.planned or {}
    reason = document.error
    if not reason:
        reasons = [
            f"{page.number}: {page.error}"
            for page in batch.pages.values(
                min=(document.key, 0), max=(document.key, 1 << 30)
            )
            if page.state == model.FAILED and page.error
        ][:5]
        reason = text(
            _(
                "batch_error_pages_failed",
                default="${count} trang không xử lý được (${pages}).",
                mapping={"count": document.failed, "pages": "; ".join(reasons)},
            )
        )
    return {
        "code": model.DOCUMENT_FAILED,
        "document": document.key,
        "message": f"{document.label}: {reason}",
        "row": planned.get("row"),
        "column": None,
        "file": None,
    }
