"""The "sweep" job: work whose worker died, messages that were lost.

Idle workers run it every few seconds: pages whose lease expired go back to the queue, and
what waits too long (a page, an import, a build, a signature to make or check) is enqueued
again; a duplicate message finds its work done or taken and does nothing.
"""

from datetime import datetime
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.jobs import job
from vnarchive.digitization.signatures import work as signature_work
from vnarchive.digitization.tasks.documents import check_finished
from vnarchive.digitization.tasks.documents import document_progress
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from ZODB.POSException import ConflictError

import contextlib
import time


@job("sweep")
def sweep(site, worker=None):
    """Give back the pages whose lease expired; enqueue again what waits too long."""
    sweeper = _Sweeper(site, time.time(), model.lease_seconds())
    ids = read(
        lambda: [
            item.id
            for item in model.all_batches(site)
            if item.state in model.UNFINISHED
        ]
    )
    for batch_id in ids:
        try:
            write(lambda batch_id=batch_id: sweeper.pass_over(batch_id), attempts=2)
        except ConflictError:
            continue  # another worker sweeps the same batch
    with contextlib.suppress(ConflictError):  # another worker sweeps them
        sweeper.found["signatures"] = write(
            lambda: signature_work.sweep(site, sweeper.now, sweeper.wait), attempts=2
        )
    return sweeper.found


class _Sweeper:
    """One sweep: the moment it looks from, and what it found (counted per kind)."""

    def __init__(self, site, now, wait):
        self.site = site
        self.now = now
        self.wait = wait
        self.found = {"pages": 0, "imports": 0, "builds": 0, "finished": 0}

    def pass_over(self, batch_id):
        batch = model.get_batch(self.site, batch_id)
        if batch is None:
            return
        if batch.state in (model.VALIDATING, model.IMPORTING):
            self.lost_import(batch)
            if batch.state == model.VALIDATING:
                return
        elif batch.state != model.PROCESSING:
            return
        self.stalled_pages(batch)
        self.stalled_documents(batch)
        if check_finished(batch):
            self.found["finished"] += 1

    def lost_import(self, batch):
        """Send the import again when its worker died or the message was lost."""
        last = max(_iso_seconds(batch.created), batch.heartbeat)
        lost = batch.token is None and self.now - last >= self.wait
        if lost or batch.expired(self.now):
            batch.drop()  # its worker died: the import resumes where it stopped
            batch.heartbeat = self.now
            self.found["imports"] += 1
            queue.enqueue("import", batch.id, priority=queue.PRIORITY_IMPORT)

    def stalled_pages(self, batch):
        """Give back the pages of dead workers; send again those that wait too long."""
        for key in list(batch.open):
            page = batch.pages[key]
            if page.state == model.RUNNING and page.expired(self.now):
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
            elif not (
                page.state == model.PENDING and self.now - page.enqueued > self.wait
            ):
                continue
            page.enqueued = self.now
            self.found["pages"] += 1
            queue.enqueue("page", batch.id, *key, priority=queue.PRIORITY_PAGE)

    def stalled_documents(self, batch):
        """Resend the builds that wait too long; move on documents fully settled."""
        for document in batch.documents.values():
            if document.state == model.DOC_BUILDING:
                if self.now - document.heartbeat > self.wait:
                    document.heartbeat = self.now
                    self.found["builds"] += 1
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


def _iso_seconds(value):
    try:
        return datetime.fromisoformat(value).timestamp()
    except (TypeError, ValueError):
        return 0.0
