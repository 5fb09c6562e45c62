"""The "page" job: one page of a batch cleaned and OCR'd, by one worker at a time.

    claim (commit) -> read the master, abort -> clean and OCR -> write if still ours (commit)

A page whose worker died is taken again when its lease expires; one that fails is tried
again up to `batches.max_attempts()` times, unless the failure is permanent.
"""

from typing import NamedTuple
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import pipeline
from vnarchive.digitization import queue
from vnarchive.digitization.jobs import job
from vnarchive.digitization.review.publication import withdraw_unreviewed
from vnarchive.digitization.tasks.documents import document_progress
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.records import CLEAN_PAGE
from vnarchive.digitization.tasks.records import clean_page_name
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.records import record_languages
from vnarchive.digitization.tasks.transactions import Heartbeat
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.policy.workflow.closed import RecordClosed
from ZODB.POSException import ConflictError

import hashlib
import logging


logger = logging.getLogger("vnarchive.digitization")


def process(data, master, index, languages):
    """Pure work of one page: master bytes -> (clean PNG bytes, dpi, PageText)."""
    page = pipeline.process_page(master, data, index, languages)
    return page.png, page.dpi, page.page_text


class _Lease(NamedTuple):
    """What the claim of a page hands on to the rest of its job."""

    token: str
    uid: str
    master: str
    index: int


@job("page")
def process_page(site, batch_id, document_key, number, worker=None):
    key = (document_key, number)
    lease = write(lambda: _claim(site, batch_id, key, worker))
    if lease is None:
        return "skipped"
    try:
        data, languages = read(lambda: _load(site, lease))
        with Heartbeat(site, batch_id, key, lease.token):
            png, _dpi, page_text = process(data, lease.master, lease.index, languages)
    except ConflictError:
        raise
    except Exception as error:
        logger.warning("page %s of batch %s failed", key, batch_id, exc_info=True)
        permanent = isinstance(error, ArchivalValidationError)
        return _page_error(
            site, batch_id, key, lease.token, failure_reason(error), permanent
        )
    try:
        return write(lambda: _save(site, batch_id, key, lease, png, page_text))
    except RecordClosed as error:
        # Destroyed or transferred while the page was read: nothing is written to it.
        return _page_error(
            site, batch_id, key, lease.token, failure_reason(error), permanent=True
        )


def _claim(site, batch_id, key, worker):
    """Take the page: its `_Lease`, or None when it is done, taken or given up."""
    document_key, _number = key
    batch = model.get_batch(site, batch_id)
    page = batch.pages.get(key) if batch is not None else None
    if page is None or page.state in (model.DONE, model.FAILED):
        return None
    if page.state == model.RUNNING and not page.expired():
        return None  # another worker has it
    document = batch.documents[document_key]
    if page.attempts >= model.max_attempts():
        reason = page.error or text(
            _(
                "digitization_error_attempts",
                default="Trang đã được xử lý ${count} lần mà không xong "
                "(tiến trình xử lý dừng giữa chừng).",
                mapping={"count": page.attempts},
            )
        )
        batch.page_failed(page, reason)
        document_progress(batch, document)
        return None
    page.attempts += 1
    if page.attempts == 2:
        batch.pages_taken_again.change(1)
    page.state = model.RUNNING
    page.started = model.now_iso()
    token = page.take(worker)
    return _Lease(token, document.uid, page.master, page.index)


def _load(site, lease):
    """(master bytes, OCR languages); a BatchError when the master is gone or changed."""
    record = find_record(site, lease.uid)
    stored = IRecordFiles(record).get(lease.master) if record is not None else None
    if stored is None:
        raise BatchError(
            _(
                "digitization_error_no_master",
                default="Không tìm thấy tệp gốc “${name}”.",
                mapping={"name": lease.master},
            )
        )
    data = stored.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise BatchError(
            _(
                "digitization_error_master_changed",
                default="Tệp gốc “${name}” không còn khớp mã SHA-256 đã lưu: "
                "hãy khôi phục nó từ bản sao lưu rồi xử lý lại.",
                mapping={"name": lease.master},
            )
        )
    return data, record_languages(record)


def _save(site, batch_id, key, lease, png, page_text):
    """Store the clean page and its text if the page is still ours; "done" or "stale"."""
    batch = model.get_batch(site, batch_id)
    page = batch.pages.get(key)
    if page is None or page.state == model.DONE or page.token != lease.token:
        return "stale"  # re-leased after our lease expired: the other worker writes
    _document_key, number = key
    record = find_record(site, lease.uid)
    files = IRecordFiles(record)
    files.set_derivative(
        clean_page_name(number),
        png,
        "image/png",
        kind=CLEAN_PAGE,
        source=lease.master,
    )
    files.page(number, create=True).set_text(
        page_text.text,
        source="ocr",
        confidence=page_text.confidence,
        words=page_text.to_dict(),
        language=page_text.languages,
    )
    document = batch.page_done(page, page_text.confidence)
    document_progress(batch, document)
    withdraw_unreviewed(record)
    return "done"


def _page_error(site, batch_id, key, token, reason, permanent):
    def save():
        batch = model.get_batch(site, batch_id)
        page = batch.pages.get(key)
        if page is None or page.token != token or page.state == model.DONE:
            return "stale"
        if permanent or page.attempts >= model.max_attempts():
            batch.page_failed(page, reason)
            document_progress(batch, batch.documents[page.document])
            return "failed"
        batch.page_again(page, reason)
        queue.enqueue("page", batch_id, *key, priority=queue.PRIORITY_PAGE)
        return "again"

    return write(save)
