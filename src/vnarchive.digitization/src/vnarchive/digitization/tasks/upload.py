"""The "upload" job: masters added one by one (form, REST) processed as a one-document batch.

`uploads.master_added` sends it after the commit that added the masters; the batch
(source_kind "upload") holds the record's new pages, which go through the same "page" and
"build" jobs as a batch's.
"""

from vnarchive.content.files import IRecordFiles
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
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.transactions import acting_as
from vnarchive.digitization.tasks.transactions import Heartbeat
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write


def _master_pages(files, name, readable=False):
    """Pages of master `name`; 0 for a file that is no scan (a text, a spreadsheet).

    `readable`: also 0 for a scan OCR cannot read (below the importer's resolution).
    """
    data = files.get(name).read()
    try:
        count = page_count(name, data)
        if readable:
            read_page(name, data, 1, min_dpi=MIN_DPI)
    except PageImageError as error:
        if error.code in ("unsupported", "low_dpi"):
            return 0
        raise
    return count


def upload_refs(record, names):
    """PageRefs of the masters `names`, numbered after the pages of the record's others."""
    files = IRecordFiles(record)
    names = [name for name in names if files.get(name) is not None]
    offset = sum(
        _master_pages(files, item.name)
        for item in files.masters()
        if item.name not in names
    )
    refs = []
    for name in names:
        for file_page in range(1, _master_pages(files, name, readable=True) + 1):
            refs.append(PageRef(name, file_page, offset + len(refs) + 1))
    return refs


@job("upload")
def import_upload(site, uid, names, creator, worker=None):
    """Masters added to record `uid` by a form or REST: process their pages as a batch."""
    key = document_key(None, 1)
    record = read(lambda: find_record(site, uid))
    if record is None or not read(lambda: upload_refs(find_record(site, uid), names)):
        return "nothing to process"  # no scan OCR can read

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
        return batch.id, batch.token

    created = write(create)
    if created is None:
        return "skipped"
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
