"""Import a batch from the command line: `make import BATCH=/path [VALIDATE=1]`.

    .venv/bin/python scripts/import_batch.py /srv/scans/lo-12 [--validate] [--user ID]
        [--conf instance/etc/zope-client1.conf] [--no-wait]

It is a Zope client of the site's database, like the workers. It validates the folder
(printing every problem), imports the documents in its own process (records and masters,
one transaction per document), enqueues their pages, and shows a progress bar until the
workers are done, then a summary (documents, pages, failed pages with their reasons, time).
Running it again on a folder whose batch did not finish resumes that batch; on a finished
one it creates nothing new. The workers must run (`make start` starts them, `make worker`
runs one): it says so when none is alive.

Exit status: 0 done without failures (or valid, with --validate), 1 some pages or documents
failed (or problems found), 2 the batch is invalid or could not start.
"""

from pathlib import Path
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization import worker
from vnarchive.digitization.tasks.batch_import import import_batch
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.intake import start_batch
from vnarchive.digitization.tasks.transactions import acting_as

import argparse
import os
import sys
import time
import transaction


NO_WORKER_WARNING = (
    "Không có tiến trình xử lý nền nào đang chạy: các trang chờ trong hàng đợi. "
    "Chạy `make start` (khởi động cả các worker) hoặc `make worker`.\n"
    "No worker is running: the pages wait in the queue. Run `make start` (it starts "
    "the workers) or `make worker`."
)


def arguments(argv):
    default = (
        Path(os.environ.get("VNARCHIVE_ETC", "instance/etc")) / "zope-client1.conf"
    )
    parser = argparse.ArgumentParser(prog="import_batch", description=__doc__)
    parser.add_argument("batch", help="the batch folder (manifest and scans)")
    parser.add_argument("--validate", action="store_true", help="only validate")
    parser.add_argument(
        "--user",
        default=os.environ.get("VNARCHIVE_IMPORT_USER", "admin"),
        help="the user the records are created as [admin]",
    )
    parser.add_argument("--conf", default=str(default), help="zope.conf to load")
    parser.add_argument(
        "--no-wait", action="store_true", help="enqueue and exit, no progress bar"
    )
    return parser.parse_args(argv)


def _duration(seconds):
    if seconds is None:
        return "?"
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return (
        f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    )


def bar(progress, width=30):
    total = progress["pages_total"] or 1
    done = progress["pages_done"] + progress["pages_failed"]
    filled = int(width * done / total)
    eta = progress["eta_seconds"]
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {progress['pages_done']}/"
        f"{progress['pages_total']} trang/pages, {progress['pages_failed']} lỗi/failed, "
        f"còn/left ~{_duration(eta)}"
    )


def print_problems(batch, out):
    if not batch.problems:
        return
    print(f"{len(batch.problems)} vấn đề / problems:", file=out)
    for problem in batch.problems:
        where = ", ".join(
            str(part)
            for part in (
                problem.get("file"),
                f"dòng/row {problem['row']}" if problem.get("row") else None,
                problem.get("column"),
            )
            if part
        )
        print(f"  - {where + ': ' if where else ''}{problem.get('message')}", file=out)


def summary(batch, elapsed, out):
    progress = batch.progress()
    documents = list(batch.documents.values())
    created = sum(1 for item in documents if item.created)
    print(
        f"Lô / batch {batch.id}: {batch.state}. "
        f"{len(documents)} tài liệu/documents ({created} mới/new, "
        f"{progress['documents_built']} PDF/A), {progress['pages_total']} trang/pages: "
        f"{progress['pages_done']} xong/done, {progress['pages_failed']} lỗi/failed. "
        f"Thời gian/time {_duration(elapsed)}.",
        file=out,
    )
    for item in documents:
        if item.state == model.DOC_FAILED:
            print(
                f"  TÀI LIỆU LỖI / DOCUMENT FAILED {item.label}: {item.error}", file=out
            )
    for page in batch.failed_pages():
        label = batch.documents[page["document"]].label
        print(
            f"  TRANG LỖI / PAGE FAILED {label}, trang/page {page['page']}: "
            f"{page['error']}",
            file=out,
        )
    if batch.message:
        print(f"  {batch.message}", file=out)


def run(site, options, out=sys.stdout):
    """Validate, import, wait; returns the exit status."""
    started = time.monotonic()
    transaction.begin()
    try:
        batch = start_batch(
            site,
            options.user,
            folder=options.batch,
            validate_only=options.validate,
            anywhere=True,
            send=False,
        )
    except BatchError as error:
        transaction.abort()
        print(text(error.doc()), file=out)
        return 2
    batch_id = batch.id
    resumed = batch.state != model.VALIDATING
    transaction.commit()
    transaction.begin()
    batch = model.get_batch(site, batch_id)
    print(
        f"Lô / batch {batch_id} ({'tiếp tục / resumed' if resumed else 'mới / new'}): "
        f"{batch.source}; hàng đợi / queue: {queue.describe()}",
        file=out,
        flush=True,
    )
    if batch.state in (model.VALIDATING, model.IMPORTING):
        outcome = import_batch(site, batch_id, worker=f"import:{os.getpid()}")
        if outcome == "skipped":
            print(
                "Một worker đang nhập lô này / a worker imports this batch.", file=out
            )
    transaction.begin()
    batch = model.get_batch(site, batch_id)
    print_problems(batch, out)
    if batch.state in (model.INVALID, model.VALIDATED):
        summary(batch, time.monotonic() - started, out)
        transaction.abort()
        if batch.state == model.VALIDATED:
            return 0
        return 1 if batch.validate_only else 2
    transaction.abort()
    if options.no_wait:
        return 0
    return wait(site, batch_id, started, out)


def wait(site, batch_id, started, out):
    tty = out.isatty()
    last_line = last_warning = 0.0
    first_check = time.monotonic()
    while True:
        transaction.begin()
        batch = model.get_batch(site, batch_id)
        progress, state = batch.progress(), batch.state
        now = time.monotonic()
        if state not in model.UNFINISHED:
            if tty:
                print("\r" + bar(progress), file=out)
            summary(batch, now - started, out)
            failed = progress["pages_failed"] or any(
                item.state == model.DOC_FAILED for item in batch.documents.values()
            )
            transaction.abort()
            return 1 if failed else 0
        transaction.abort()
        if tty:
            print("\r" + bar(progress), end="", file=out, flush=True)
        elif now - last_line >= 5:
            print(bar(progress), file=out, flush=True)
            last_line = now
        if (
            now - first_check > 5
            and now - last_warning > 60
            and not queue.live_workers()
        ):
            print(("\n" if tty else "") + NO_WORKER_WARNING, file=out, flush=True)
            last_warning = now
        time.sleep(1)


def main(argv=None):
    options = arguments(sys.argv[1:] if argv is None else argv)
    if not Path(options.conf).exists():
        sys.exit(
            f"No {options.conf}: run `make start` (or scripts/ctl.py render) first."
        )
    _app, site = worker.open_site(options.conf)
    with acting_as(site, options.user):
        return run(site, options)


if __name__ == "__main__":
    sys.exit(main())
