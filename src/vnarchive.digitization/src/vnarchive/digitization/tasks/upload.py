"""The "upload" job: masters added one by one (form, REST) processed as a one-document batch.

`uploads.master_added` sends it after the commit that added the masters; the batch
(source_kind "upload") holds the record's new pages, which go through the same "page" and
"build" jobs as a batch's.
"""

from vnarchive.content import journal as kinds
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization.images import page_count
from vnarchive.digitization.images import PageImageError
from vnarchive.digitization.images import read_page
from vnarchive.digitization.importing.files import MIN_DPI
from vnarchive.digitization.importing.plan import ImportedDocument
from vnarchive.digitization.importing.plan import PageRef
from vnarchive.digitization.jobs import job
from vnarchive.digitization.tasks.documents import check_finished
from vnarchive.digitization.tasks.documents import document_key
from vnarchive.digitization.tasks.documents import import_one
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.transactions import acting_as
from vnarchive.digitization.tasks.transactions import Heartbeat
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.policy import journal


def _master_pages(files, name):
    """Pages of master `name`; 0 for a file that is no scan (a text, a spreadsheet)."""
    try:
        return page_count(name, files.get(name).read())
    except PageImageError as error:
        if error.code == "unsupported":
            return 0
        raise


def _unreadable(files, name):
    """Why OCR cannot read scan `name` (below the importer's resolution, damaged), in
    words for people; None when it can, or when the file is no scan."""
    try:
        read_page(name, files.get(name).read(), 1, min_dpi=MIN_DPI)
    except PageImageError as error:
        return None if error.code == "unsupported" else text(error.doc())
    return None


def upload_pages(record, names):
    """(PageRefs of the readable masters `names`, numbered after the pages of the
    record's others; {name: why} of the scans OCR cannot read)."""
    files = IRecordFiles(record)
    names = [name for name in names if files.get(name) is not None]
    offset = sum(
        _master_pages(files, item.name)
        for item in files.masters()
        if item.name not in names
    )
    refs, unreadable = [], {}
    for name in names:
        why = _unreadable(files, name)
        if why is not None:
            unreadable[name] = why
            continue
        for file_page in range(1, _master_pages(files, name) + 1):
            refs.append(PageRef(name, file_page, offset + len(refs) + 1))
    return refs, unreadable


def upload_refs(record, names):
    """PageRefs of the readable masters `names` (see `upload_pages`)."""
    return upload_pages(record, names)[0]


def _report_unreadable(record, batch, key, unreadable):
    """Each unreadable master: a problem of the batch and an entry in the record's
    journal, so that nobody waits for text that will not come."""
    for name, why in unreadable.items():
        batch.problems.append(
            {
                "code": model.MASTER_UNREADABLE,
                "document": key,
                "message": f"{name}: {why}",
                "row": None,
                "column": None,
                "file": name,
            }
        )
        journal.record(record, kinds.OCR_NOT_POSSIBLE, file=name, reason=why)


def _nothing_readable(batch):
    batch.state = model.FAILED
    batch.finished = model.now_iso()
    batch.drop()
    batch.message = text(
        _(
            "batch_error_upload_unreadable",
            default="Tệp đã được lưu vào hồ sơ nhưng không nhận dạng chữ được: "
            "xem lý do của từng tệp, rồi tải lên bản quét đạt yêu cầu.",
        )
    )


@job("upload")
def import_upload(site, uid, names, creator, worker=None):
    """Masters added to record `uid` by a form or REST: process their pages as a batch."""
    key = document_key(None, 1)
    record = read(lambda: find_record(site, uid))
    found = (
        read(lambda: upload_pages(find_record(site, uid), names)) if record else None
    )
    if not found or not any(found):
        return "nothing to process"  # no scan among them
    refs, unreadable = found

    def create():
        record = find_record(site, uid)
        batch = model.add_batch(
            site,
            "upload",
            uid,
            creator,
            target=uid,
            title=", ".join(names) or record.Title(),
        )
        batch.take(worker)
        batch.started = model.now_iso()
        batch.state = model.IMPORTING
        document = batch.add_document(key, _record_label(record), 1)
        document.planned = {"upload": list(names)}
        _report_unreadable(record, batch, key, unreadable)
        if not refs:
            _nothing_readable(batch)
        return batch.id, batch.token

    with acting_as(site, creator):
        created = write(create)
    if created is None:
        return "skipped"
    if not refs:
        return "unreadable"
    batch_id, token = created
    return run_upload(site, batch_id, token, uid, names, creator)


def run_upload(site, batch_id, token, uid, names, creator):
    """Register the pages of the uploaded masters (again, after a dead worker)."""
    key = document_key(None, 1)

    def imported(site, planned):
        refs = upload_refs(find_record(site, uid), names)
        return ImportedDocument(uid, refs, False)

    with acting_as(site, creator), Heartbeat(site, batch_id, None, token):
        import_one(site, batch_id, token, key, None, imported)

    def finish():
        batch = model.get_batch(site, batch_id)
        if batch is not None and batch.token == token:
            batch.state = model.PROCESSING
            batch.imported = model.now_iso()
            batch.drop()
            check_finished(batch)
        return batch_id

    return write(finish)


def _record_label(record):
    for name in ("docId", "fileCode", "fondsCode"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return record.Title()
