"""The "import" job: validate a batch, then import its documents one by one (resumable).

The batch's ZIP, if any, is unpacked first; the plan (`importing.planner.plan_batch`) is
kept in the batch with its problems, then each planned document is imported in its own
transaction and its pages sent to the queue. A batch whose worker died is taken again
where it stopped (the sweeper sends the job again).
"""

from functools import partial
from pathlib import Path
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization.importing.apply import import_document
from vnarchive.digitization.importing.plan import PlannedDocument
from vnarchive.digitization.importing.planner import plan_batch
from vnarchive.digitization.jobs import job
from vnarchive.digitization.tasks.documents import check_finished
from vnarchive.digitization.tasks.documents import document_key
from vnarchive.digitization.tasks.documents import import_one
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.transactions import acting_as
from vnarchive.digitization.tasks.transactions import Heartbeat
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.digitization.tasks.unzip import extract_zip
from vnarchive.digitization.tasks.upload import run_upload

import transaction
import zipfile


@job("import")
def import_batch(site, batch_id, worker=None):
    """Validate the batch, then import its documents one by one (resumable)."""
    claimed = write(lambda: _claim(site, batch_id, worker))
    if claimed is None:
        return "skipped"
    token, state, kind, source, folder = claimed
    if kind == "upload":  # its worker died before the pages were registered
        creator, names = read(lambda: _upload(site, batch_id))
        return run_upload(site, batch_id, token, source, names, creator)
    if folder is None:
        try:
            with Heartbeat(site, batch_id, None, token):
                folder = str(extract_zip(source, Path(source).parent / "files"))
        except (BatchError, zipfile.BadZipFile, OSError) as error:
            return _give_up(site, batch_id, token, failure_reason(error))
        write(lambda: _remember_folder(site, batch_id, token, folder))

    batch_creator = read(lambda: model.get_batch(site, batch_id).creator)
    with acting_as(site, batch_creator):
        planned = _planned(site, batch_id, token, state, folder)
        if isinstance(planned, str):
            return planned
        if not _import_documents(site, batch_id, token, planned):
            return "lost"
    write(lambda: _finish_import(site, batch_id, token))
    return "imported"


def _ours(batch, token):
    """The batch is still there and still leased to this job."""
    return batch is not None and batch.token == token


def _claim(site, batch_id, worker):
    """Take the batch: (token, state, kind, source, folder), or None to leave it be."""
    batch = model.get_batch(site, batch_id)
    if batch is None or batch.state not in (model.VALIDATING, model.IMPORTING):
        return None
    if batch.token is not None and not batch.expired():
        return None  # another worker imports it
    batch.take(worker)
    batch.started = batch.started or model.now_iso()
    return batch.token, batch.state, batch.source_kind, batch.source, batch.folder


def _upload(site, batch_id):
    """(creator, names of the uploaded masters) of an upload batch."""
    batch = model.get_batch(site, batch_id)
    return batch.creator, list(batch.documents["00001"].planned["upload"])


def _remember_folder(site, batch_id, token, folder):
    batch = model.get_batch(site, batch_id)
    if _ours(batch, token):
        batch.folder = folder
        batch.extend(token)


def _planned(site, batch_id, token, state, folder):
    """[(key, planned)] to import, or the outcome when planning settled the batch."""
    if state == model.IMPORTING:
        # Resumed: the plan was made and kept; go on where the import stopped.
        return read(lambda: _kept_plan(site, batch_id))
    return plan_documents(site, batch_id, token, folder, partial(_ours, token=token))


def _kept_plan(site, batch_id):
    return [
        (document.key, PlannedDocument.from_dict(document.planned))
        for document in sorted(
            model.get_batch(site, batch_id).documents.values(),
            key=lambda document: document.position,
        )
        if document.planned is not None
    ]


def _import_documents(site, batch_id, token, planned):
    """Import each planned document in its own transaction; False if the batch is lost."""
    # The lease is extended by a thread: a long document (a 500-page TIFF to hash
    # and store) must not look like a dead worker; the batch object itself is
    # written by nobody else meanwhile, so this does not conflict.
    with Heartbeat(site, batch_id, None, token):
        for key, item in planned:
            if not import_one(site, batch_id, token, key, item, import_document):
                return False
    return True


def _finish_import(site, batch_id, token):
    batch = model.get_batch(site, batch_id)
    if _ours(batch, token):
        batch.state = model.PROCESSING
        batch.imported = model.now_iso()
        batch.drop()
        check_finished(batch)


def _give_up(site, batch_id, token, message):
    def fail():
        batch = model.get_batch(site, batch_id)
        if batch is not None and batch.token == token:
            batch.state = model.INVALID
            batch.message = message
            batch.finished = model.now_iso()
            batch.drop()

    write(fail)
    return "invalid"


def plan_documents(site, batch_id, token, folder, still_ours):
    """Validate the folder; keep the problems and the plan. [(key, planned)] or an outcome."""
    transaction.begin()
    try:
        with Heartbeat(site, batch_id, None, token):
            plan = plan_batch(site, Path(folder))
    except ArchivalValidationError as error:
        transaction.abort()
        return _give_up(site, batch_id, token, failure_reason(error))
    finally:
        transaction.abort()
    planned = [
        (document_key(item, position), item)
        for position, item in enumerate(plan.documents, start=1)
    ]
    problems = [_problem_dict(item) for item in plan.problems]

    def record_plan():
        batch = model.get_batch(site, batch_id)
        if not still_ours(batch):
            return None
        batch.problems[:] = problems
        for position, (key, item) in enumerate(planned, start=1):
            document = batch.add_document(
                key, _document_label(item, position), position
            )
            document.planned = item.to_dict()
        if batch.validate_only:
            batch.state = model.INVALID if problems else model.VALIDATED
            batch.finished = model.now_iso()
            batch.drop()
            return batch.state
        if not planned:
            batch.state = model.INVALID
            batch.message = text(
                _(
                    "batch_error_nothing_to_import",
                    default="Lô không có tài liệu nào nhập được.",
                )
            )
            batch.finished = model.now_iso()
            batch.drop()
            return batch.state
        batch.state = model.IMPORTING
        batch.extend(token)
        return batch.state

    outcome = write(record_plan)
    if outcome != model.IMPORTING:
        return outcome or "skipped"
    return planned


def _problem_dict(problem):
    if hasattr(problem, "to_dict"):
        data = problem.to_dict()
    elif isinstance(problem, dict):
        data = dict(problem)
    else:
        data = {"message": str(problem)}
    return {
        key: (text(value) if hasattr(value, "default") else value)
        for key, value in data.items()
    }


def _document_label(planned, position):
    for name in ("label", "identifier", "code", "title"):
        value = getattr(planned, name, None)
        if value:
            return str(value)
    return f"#{position}"
