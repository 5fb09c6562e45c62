"""The "sweep" job: work whose worker died, messages that were lost.

Idle workers run it every few seconds: pages whose lease expired go back to the queue, and
what waits too long (a page, an import, a build) is enqueued again; a duplicate message
finds its work done or taken and does nothing.
"""

from datetime import datetime
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.jobs import job
from vnarchive.digitization.tasks.documents import check_finished
from vnarchive.digitization.tasks.documents import document_progress
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from ZODB.POSException import ConflictError

import time


@job("sweep")
def sweep(site, worker=None):
    """Give back the pages whose lease expired; enqueue again what waits too long."""
    now = time.time()
    wait = model.lease_seconds()
    found = {"pages": 0, "imports": 0, "builds": 0, "finished": 0}

    def pass_over(batch_id):
        batch = model.get_batch(site, batch_id)
        if batch is None:
            return
        if batch.state in (model.VALIDATING, model.IMPORTING):
            last = max(_iso_seconds(batch.created), batch.heartbeat)
            lost = batch.token is None and now - last >= wait
            if lost or batch.expired(now):
                batch.drop()  # its worker died: the import resumes where it stopped
                batch.heartbeat = now
                found["imports"] += 1
                queue.enqueue("import", batch.id, priority=queue.PRIORITY_IMPORT)
            if batch.state == model.VALIDATING:
                return
        elif batch.state != model.PROCESSING:
            return
        for key in list(batch.open):
            page = batch.pages[key]
            if page.state == model.RUNNING and page.expired(now):
                batch.page_again(
                    page,
                    text(
                        _(
                            "digitization_note_worker_lost",
                            default="Tiến trình ${worker} dừng khi đang xử lý trang; "
                            "trang được xếp hàng lại.",
                            mapping={"worker": page.worker or "?"},
                        )
                    ),
                )
            elif not (page.state == model.PENDING and now - page.enqueued > wait):
                continue
            page.enqueued = now
            found["pages"] += 1
            queue.enqueue("page", batch.id, *key, priority=queue.PRIORITY_PAGE)
        for document in batch.documents.values():
            if document.state == model.DOC_BUILDING:
                if now - document.heartbeat > wait:
                    document.heartbeat = now
                    found["builds"] += 1
                    queue.enqueue(
                        "build",
                        document.uid,
                        batch.id,
                        document.key,
                        priority=queue.PRIORITY_BUILD,
                    )
            elif document.state == model.DOC_PROCESSING and (
                document.done + document.failed >= len(document.pages)
            ):
                document_progress(batch, document)
        if check_finished(batch):
            found["finished"] += 1

    ids = read(
        lambda: [
            item.id
            for item in model.all_batches(site)
            if item.state in model.UNFINISHED
        ]
    )
    for batch_id in ids:
        try:
            write(lambda batch_id=batch_id: pass_over(batch_id), attempts=2)
        except ConflictError:
            continue  # another worker sweeps the same batch
    return found


def _iso_seconds(value):
    try:
        return datetime.fromisoformat(value).timestamp()
    except (TypeError, ValueError):
        return 0.0
