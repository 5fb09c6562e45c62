"""Starting a batch (forms, REST, the command line): no heavy work here.

`start_batch` checks the folder (or stores the uploaded ZIP) and enqueues the "import" job;
`retry_failed` sends failed pages back to the queue; `enqueue_document_rebuild` asks for the
PDF/A of a record again (review). The caller commits: the messages are sent after it.
"""

from pathlib import Path
from plone.uuid.interfaces import IUUID
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.tasks.errors import BatchError

import os
import shutil
import time
import zipfile


def import_root():
    root = os.environ.get("VNARCHIVE_IMPORT_ROOT", "").strip()
    return Path(root).resolve() if root else None


def check_folder(path, anywhere=False):
    """The folder, resolved, if it is inside VNARCHIVE_IMPORT_ROOT; else BatchError.

    `anywhere`: the command-line importer, run by an operator on the server, may name
    any folder the workers can read.
    """
    if anywhere:
        folder = Path(path).resolve()
        if not folder.is_dir():
            raise BatchError(
                _(
                    "batch_error_no_folder",
                    default="Không có thư mục “${path}” trên máy chủ.",
                    mapping={"path": str(path)},
                )
            )
        return folder
    root = import_root()
    if root is None:
        raise BatchError(
            _(
                "batch_error_no_import_root",
                default="Chưa cấu hình thư mục nhập trên máy chủ "
                "(VNARCHIVE_IMPORT_ROOT); hãy tải lên tệp ZIP.",
            )
        )
    folder = (root / str(path)).resolve() if not Path(path).is_absolute() else None
    folder = folder or Path(path).resolve()
    if folder != root and root not in folder.parents:
        raise BatchError(
            _(
                "batch_error_outside_root",
                default="Thư mục “${path}” nằm ngoài thư mục nhập của máy chủ.",
                mapping={"path": str(path)},
            )
        )
    if not folder.is_dir():
        raise BatchError(
            _(
                "batch_error_no_folder",
                default="Không có thư mục “${path}” trên máy chủ.",
                mapping={"path": str(path)},
            )
        )
    return folder


def batches_dir():
    var = queue.var_dir()
    if var is None:
        raise BatchError(
            _(
                "batch_error_no_var",
                default="Máy chủ chưa có nơi lưu lô nhập (VNARCHIVE_VAR).",
            )
        )
    return var / "batches"


def start_batch(
    site,
    creator,
    folder=None,
    upload=None,
    filename=None,
    validate_only=False,
    target=None,
    resume=True,
    anywhere=False,
    send=True,
):
    """Create a batch from a server folder or an uploaded ZIP (a stream) and enqueue it.

    The ZIP is only stored (VAR/batches/<id>/upload.zip): a worker unpacks and validates
    it. A folder that has an unfinished batch resumes that batch instead (`resume`).
    Returns the batch; the caller commits (the message is sent after the commit).
    `send=False` enqueues nothing: the command-line importer imports in its own process.
    """
    if folder is not None:
        source = check_folder(folder, anywhere=anywhere)
        if resume and not validate_only:
            existing = model.unfinished_for(site, "folder", source)
            if existing is not None:
                if send:
                    queue.enqueue("import", existing.id, priority=queue.PRIORITY_IMPORT)
                return existing
        batch = model.add_batch(
            site,
            "folder",
            source,
            creator,
            validate_only=validate_only,
            target=target,
        )
    else:
        if upload is None:
            raise BatchError(
                _("batch_error_nothing", default="Hãy chọn tệp ZIP hoặc thư mục.")
            )
        batch_id = model.new_id()
        place = batches_dir() / batch_id
        place.mkdir(parents=True, exist_ok=False)
        path = place / "upload.zip"
        with open(path, "wb") as out:
            if isinstance(upload, bytes):
                out.write(upload)
            else:
                shutil.copyfileobj(upload, out, 1 << 20)
        if not zipfile.is_zipfile(path):
            shutil.rmtree(place, ignore_errors=True)
            raise BatchError(
                _(
                    "batch_error_not_zip",
                    default="Tệp “${name}” không phải tệp ZIP.",
                    mapping={"name": filename or "upload"},
                )
            )
        batch = model.Batch(
            batch_id,
            "zip",
            str(path),
            creator,
            validate_only=validate_only,
            target=target,
            title=filename or "upload.zip",
        )
        model.container(site, create=True)[batch_id] = batch
    if send:
        queue.enqueue("import", batch.id, priority=queue.PRIORITY_IMPORT)
    return batch


def retry_failed(site, batch, keys=None):
    """Failed pages back to the queue (all of them, or `keys`); the caller commits."""
    chosen = batch.retry_failed(keys)
    for document, number in chosen:
        queue.enqueue("page", batch.id, document, number, priority=queue.PRIORITY_PAGE)
    if keys is None:
        # Documents whose pages are all done but whose PDF/A could not be built.
        for document in batch.documents.values():
            if (
                document.state == model.DOC_FAILED
                and document.uid
                and document.pages
                and document.done == len(document.pages)
            ):
                document.state = model.DOC_BUILDING
                document.error = None
                document.heartbeat = time.time()
                batch.reopen()
                queue.enqueue(
                    "build",
                    document.uid,
                    batch.id,
                    document.key,
                    priority=queue.PRIORITY_BUILD,
                )
    return chosen


def enqueue_document_rebuild(record):
    """Rebuild the PDF/A of `record` from its current page texts (after review).

    Call it in the transaction that changed the texts: the message is sent when that
    transaction commits, and a worker rebuilds the PDF/A, reindexes the record and
    prepares the viewer again.
    """
    queue.enqueue("build", IUUID(record), None, None, priority=queue.PRIORITY_BUILD)
