"""The digitization jobs the workers run: import a batch, process a page, build a document.

Each job takes the site and the ids of what it works on; it reads the batch in the ZODB,
never trusts the message that woke it (a message may be a duplicate or stale), and keeps
no ZODB transaction open while it does CPU work:

    claim (commit) -> read what it needs, abort -> clean/OCR/build -> write if still ours (commit)

A write that meets a concurrent one (ConflictError) is retried from a fresh view of the
database. The entry points for the rest of the site are `start_batch` (forms, REST, CLI),
`retry_failed` and `enqueue_document_rebuild` (review: regenerate the PDF/A of a record
from its current page texts).
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.users import UnrestrictedUser
from Acquisition import aq_inner
from Acquisition import aq_parent
from contextlib import contextmanager
from pathlib import Path
from plone.uuid.interfaces import IUUID
from vnarchive.content import identifiers
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.errors import message_text
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.jobs import job
from vnarchive.policy.workflow.closed import RecordClosed
from ZODB.POSException import ConflictError

import logging
import os
import random
import shutil
import stat
import time
import transaction
import zipfile


logger = logging.getLogger("vnarchive.digitization")

ACTOR = "vnarchive-digitization"  # the journal's name for what the workers do
DIGITIZED = "digitized"  # journal action: PDF/A built from OCR'd pages
PDFA_REBUILT = "pdfa_rebuilt"  # journal action: PDF/A rebuilt (after review)
CLEAN_PAGE = "clean-page"
PDFA = "pdfa"
WRITE_ATTEMPTS = 6

# ZIP safety: what an upload may unpack to.
ZIP_MAX_FILES = int(os.environ.get("VNARCHIVE_ZIP_MAX_FILES", "20000"))
ZIP_MAX_BYTES = int(os.environ.get("VNARCHIVE_ZIP_MAX_BYTES", str(20 * 1024**3)))
ZIP_MAX_RATIO = 200  # uncompressed / compressed, per member (scans compress little)


class BatchError(ArchivalValidationError):
    """A batch that cannot be started as asked (a path outside the import root, a bad ZIP)."""


def text(message):
    """An i18n message as the Vietnamese text stored for people (batches keep text)."""
    return message_text(message) if message is not None else None


def _reason(error):
    """What went wrong with a page, for people: never a traceback."""
    problems = getattr(error, "problems", None)
    if problems:  # importer.ImportRefused: every problem of the record
        return "; ".join(str(problem) for problem in problems)
    if isinstance(error, ArchivalValidationError):
        return text(error.doc()) if hasattr(error, "doc") else str(error)
    return text(
        _(
            "digitization_error_unexpected",
            default="Lỗi khi xử lý: ${kind}: ${detail}",
            mapping={"kind": type(error).__name__, "detail": str(error)[:300]},
        )
    )


# ---- Transactions ----


def write(func, attempts=WRITE_ATTEMPTS):
    """Run `func` in a fresh transaction and commit; retry it on ConflictError."""
    for attempt in range(attempts):
        transaction.begin()
        try:
            result = func()
            transaction.commit()
            return result
        except ConflictError:
            transaction.abort()
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))  # noqa: S311
        except BaseException:
            transaction.abort()
            raise
    return None


def read(func):
    """Run `func` in a fresh transaction and abort it (nothing held afterwards)."""
    transaction.begin()
    try:
        return func()
    finally:
        transaction.abort()


class _System(UnrestrictedUser):
    def getId(self):
        return self.getUserName()


@contextmanager
def acting_as(site, userid=None):
    """Act as `userid` (the batch's creator) when it exists, else as the workers."""
    previous = getSecurityManager()
    user = None
    if userid:
        user = site.acl_users.getUserById(userid)
        if user is not None:
            user = user.__of__(site.acl_users)
    if user is None:
        user = _System(ACTOR, "", ("Manager",), ()).__of__(site.acl_users)
    newSecurityManager(None, user)
    try:
        yield
    finally:
        setSecurityManager(previous)


def find_record(site, uid):
    catalog = site.portal_catalog
    brains = catalog.unrestrictedSearchResults(UID=uid)
    return brains[0]._unrestrictedGetObject() if brains else None


# ---- Starting a batch (forms, REST, CLI): no heavy work here ----


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


# ---- ZIP ----


def extract_zip(path, target):
    """Unpack `path` into `target` safely: no path leaving it, no links, no bomb."""
    target = Path(target).resolve()
    with zipfile.ZipFile(path) as archive:
        members = [item for item in archive.infolist() if not item.is_dir()]
        if len(members) > ZIP_MAX_FILES:
            raise BatchError(
                _(
                    "batch_error_zip_too_many",
                    default="Tệp ZIP có quá nhiều tệp (${count}, tối đa ${max}).",
                    mapping={"count": len(members), "max": ZIP_MAX_FILES},
                )
            )
        total = 0
        for item in members:
            name = item.filename.replace("\\", "/")
            parts = [part for part in name.split("/") if part not in ("", ".")]
            mode = item.external_attr >> 16
            if (
                name.startswith("/")
                or ".." in parts
                or (parts and ":" in parts[0])
                or not parts
            ):
                raise BatchError(
                    _(
                        "batch_error_zip_path",
                        default="Tệp ZIP có đường dẫn không an toàn: “${name}”.",
                        mapping={"name": item.filename},
                    )
                )
            if stat.S_ISLNK(mode):
                raise BatchError(
                    _(
                        "batch_error_zip_link",
                        default="Tệp ZIP có liên kết tượng trưng: “${name}”.",
                        mapping={"name": item.filename},
                    )
                )
            total += item.file_size
            if total > ZIP_MAX_BYTES or item.file_size > ZIP_MAX_RATIO * max(
                item.compress_size, 1024
            ):
                raise BatchError(
                    _(
                        "batch_error_zip_bomb",
                        default="Tệp ZIP giải nén ra quá lớn (“${name}”): có thể là bom nén.",
                        mapping={"name": item.filename},
                    )
                )
        target.mkdir(parents=True, exist_ok=True)
        for item in members:
            parts = [
                part
                for part in item.filename.replace("\\", "/").split("/")
                if part not in ("", ".")
            ]
            destination = target.joinpath(*parts)
            if target not in destination.resolve().parents:
                raise BatchError(
                    _(
                        "batch_error_zip_path",
                        default="Tệp ZIP có đường dẫn không an toàn: “${name}”.",
                        mapping={"name": item.filename},
                    )
                )
            destination.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(item) as source, open(destination, "wb") as out:
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > item.file_size:  # the header lied
                        raise BatchError(
                            _(
                                "batch_error_zip_bomb",
                                default="Tệp ZIP giải nén ra quá lớn (“${name}”): có thể là "
                                "bom nén.",
                                mapping={"name": item.filename},
                            )
                        )
                    out.write(chunk)
    return _single_top_folder(target)


def _single_top_folder(target):
    """A ZIP of one folder holding the batch: that folder is the batch."""
    entries = [entry for entry in target.iterdir() if entry.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target


# ---- Import: validate, create records and masters, enqueue pages ----


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


def _document_key(planned, position):
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


def clean_page_name(number):
    return f"page-{number:04d}.png"


@job("import")
def import_batch(site, batch_id, worker=None):
    """Validate the batch, then import its documents one by one (resumable)."""
    from vnarchive.digitization.importer import import_document
    from vnarchive.digitization.importer import PlannedDocument

    def claim():
        batch = model.get_batch(site, batch_id)
        if batch is None or batch.state not in (model.VALIDATING, model.IMPORTING):
            return None
        if batch.token is not None and not batch.expired():
            return None  # another worker imports it
        batch.take(worker)
        batch.started = batch.started or model.now_iso()
        return batch.token, batch.state, batch.source_kind, batch.source, batch.folder

    claimed = write(claim)
    if claimed is None:
        return "skipped"
    token, state, kind, source, folder = claimed
    if kind == "upload":  # its worker died before the pages were registered

        def upload():
            batch = model.get_batch(site, batch_id)
            return batch.creator, list(batch.documents["00001"].planned["upload"])

        creator, names = read(upload)
        return _run_upload(site, batch_id, token, source, names, creator)

    def still_ours(batch):
        return batch is not None and batch.token == token

    if folder is None:
        try:
            with _Heartbeat(site, batch_id, None, token):
                folder = str(extract_zip(source, Path(source).parent / "files"))
        except (BatchError, zipfile.BadZipFile, OSError) as error:
            return _give_up(site, batch_id, token, _reason(error))

        def remember():
            batch = model.get_batch(site, batch_id)
            if still_ours(batch):
                batch.folder = folder
                batch.extend(token)

        write(remember)

    batch_creator = read(lambda: model.get_batch(site, batch_id).creator)
    with acting_as(site, batch_creator):
        if state == model.IMPORTING:
            # Resumed: the plan was made and kept; go on where the import stopped.
            planned = read(
                lambda: [
                    (document.key, PlannedDocument.from_dict(document.planned))
                    for document in sorted(
                        model.get_batch(site, batch_id).documents.values(),
                        key=lambda document: document.position,
                    )
                    if document.planned is not None
                ]
            )
        else:
            planned = _plan(site, batch_id, token, folder, still_ours)
            if isinstance(planned, str):
                return planned
        # The lease is extended by a thread: a long document (a 500-page TIFF to hash
        # and store) must not look like a dead worker; the batch object itself is
        # written by nobody else meanwhile, so this does not conflict.
        with _Heartbeat(site, batch_id, None, token):
            for key, item in planned:
                if not _import_one(site, batch_id, token, key, item, import_document):
                    return "lost"

    def finish_import():
        batch = model.get_batch(site, batch_id)
        if still_ours(batch):
            batch.state = model.PROCESSING
            batch.imported = model.now_iso()
            batch.drop()
            check_finished(batch)

    write(finish_import)
    return "imported"


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


def _plan(site, batch_id, token, folder, still_ours):
    """Validate the folder; keep the problems and the plan. [(key, planned)] or an outcome."""
    from vnarchive.digitization.importer import plan_batch

    transaction.begin()
    try:
        with _Heartbeat(site, batch_id, None, token):
            plan = plan_batch(site, Path(folder))
    except ArchivalValidationError as error:
        transaction.abort()
        return _give_up(site, batch_id, token, _reason(error))
    finally:
        transaction.abort()
    planned = [
        (_document_key(item, position), item)
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


def _import_one(site, batch_id, token, key, planned, import_document):
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
        refs = _page_refs(imported)
        document.pages = tuple(number for number, _master, _index in refs)
        if not refs:
            # A fonds, a dossier: no files, nothing to OCR (and no IRecordFiles).
            document.state = model.DOC_IMPORTED
            return True
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
                    "page", batch_id, key, number, priority=queue.PRIORITY_PAGE
                )
        elif files.get(pdfa_name(record)) is not None:
            document.state = model.DOC_BUILT  # nothing new: an earlier batch did it all
            document.pdfa = pdfa_name(record)
        else:
            document.state = model.DOC_BUILDING
            document.heartbeat = time.time()
            queue.enqueue(
                "build", imported.uid, batch_id, key, priority=queue.PRIORITY_BUILD
            )
        return True

    try:
        return write(step)
    except ConflictError:
        raise
    except Exception as error:  # one bad document does not stop the batch
        logger.warning("import of document %s failed", key, exc_info=True)
        reason = _reason(error)

        def mark():
            batch = model.get_batch(site, batch_id)
            if batch is None or batch.token != token:
                return False
            document = batch.documents[key]
            document.state = model.DOC_FAILED
            document.error = reason
            return True

        return write(mark)


# ---- One page: clean-up and OCR ----


def _languages(record):
    return list(getattr(record, "languageCode", None) or ["01"])


class _Heartbeat:
    """Extends a page's lease while its CPU work runs (a second connection, own transactions)."""

    def __init__(self, site, batch_id, key, token):
        import threading

        self.db = site._p_jar.db()
        self.path = site.getPhysicalPath()
        self.batch_id, self.key, self.token = (
            batch_id,
            key,
            token,
        )  # key None: the batch
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)

    def run(self):
        interval = max(model.lease_seconds() / 3, 1.0)
        while not self.stop.wait(interval):
            manager = transaction.TransactionManager()
            connection = self.db.open(transaction_manager=manager)
            try:
                manager.begin()
                app = connection.root()["Application"]
                site = app.unrestrictedTraverse("/".join(self.path[1:]))
                batch = model.get_batch(site, self.batch_id)
                if batch is not None and self.key is not None:
                    page = batch.pages.get(self.key)
                else:
                    page = batch
                if page is None or not page.extend(self.token):
                    manager.abort()
                    return
                manager.commit()
            except ConflictError:
                manager.abort()
            except Exception:
                manager.abort()
                logger.warning("heartbeat failed", exc_info=True)
            finally:
                connection.close()


def process(data, master, index, languages):
    """Pure work of one page: master bytes -> (clean PNG bytes, dpi, PageText)."""
    from vnarchive.digitization.pipeline import process_page

    page = process_page(master, data, index, languages)
    return page.png, page.dpi, page.page_text


@job("page")
def process_page(site, batch_id, document_key, number, worker=None):
    key = (document_key, number)

    def claim():
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
            _document_progress(batch, document)
            return None
        page.attempts += 1
        if page.attempts == 2:
            batch.pages_taken_again.change(1)
        page.state = model.RUNNING
        page.started = model.now_iso()
        token = page.take(worker)
        return token, document.uid, page.master, page.index

    claimed = write(claim)
    if claimed is None:
        return "skipped"
    token, uid, master, index = claimed

    def load():
        record = find_record(site, uid)
        stored = IRecordFiles(record).get(master) if record is not None else None
        if stored is None:
            raise BatchError(
                _(
                    "digitization_error_no_master",
                    default="Không tìm thấy tệp gốc “${name}”.",
                    mapping={"name": master},
                )
            )
        data = stored.read()
        import hashlib

        if hashlib.sha256(data).hexdigest() != stored.sha256:
            raise BatchError(
                _(
                    "digitization_error_master_changed",
                    default="Tệp gốc “${name}” không còn khớp mã SHA-256 đã lưu: "
                    "hãy khôi phục nó từ bản sao lưu rồi xử lý lại.",
                    mapping={"name": master},
                )
            )
        return data, _languages(record)

    try:
        data, languages = read(load)
        with _Heartbeat(site, batch_id, key, token):
            png, dpi, page_text = process(data, master, index, languages)
    except ConflictError:
        raise
    except Exception as error:
        logger.warning("page %s of batch %s failed", key, batch_id, exc_info=True)
        permanent = isinstance(error, ArchivalValidationError)
        return _page_error(site, batch_id, key, token, _reason(error), permanent)

    def save():
        batch = model.get_batch(site, batch_id)
        page = batch.pages.get(key)
        if page is None or page.state == model.DONE or page.token != token:
            return "stale"  # re-leased after our lease expired: the other worker writes
        record = find_record(site, uid)
        files = IRecordFiles(record)
        files.set_derivative(
            clean_page_name(number),
            png,
            "image/png",
            kind=CLEAN_PAGE,
            source=master,
        )
        files.page(number, create=True).set_text(
            page_text.text,
            source="ocr",
            confidence=page_text.confidence,
            words=page_text.to_dict(),
            language=page_text.languages,
        )
        document = batch.page_done(page, page_text.confidence)
        _document_progress(batch, document)
        return "done"

    try:
        return write(save)
    except RecordClosed as error:
        # Destroyed or transferred while the page was read: nothing is written to it.
        return _page_error(site, batch_id, key, token, _reason(error), permanent=True)


def _page_error(site, batch_id, key, token, reason, permanent):
    def save():
        batch = model.get_batch(site, batch_id)
        page = batch.pages.get(key)
        if page is None or page.token != token or page.state == model.DONE:
            return "stale"
        if permanent or page.attempts >= model.max_attempts():
            batch.page_failed(page, reason)
            _document_progress(batch, batch.documents[page.document])
            return "failed"
        batch.page_again(page, reason)
        queue.enqueue("page", batch_id, *key, priority=queue.PRIORITY_PAGE)
        return "again"

    return write(save)


def _document_progress(batch, document):
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
    if not failed and not batch.pages_failed():
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


# ---- The document: PDF/A, reindex, viewer, journal ----


def pdfa_name(record):
    """`<dossier code>.<ordinal>.pdf`, the national name of a digitized document."""
    dossier = aq_parent(aq_inner(record))
    code = getattr(dossier, "fileCode", None)
    ordinal = getattr(record, "docOrdinal", None)
    if code and ordinal:
        return identifiers.digitized_file_name(code, ordinal)
    return f"{record.getId()}.pdf"


def _pdf_language(record):
    return _languages(record)[0]


def _pages_for_pdf(record):
    from vnarchive.digitization.ocr import PageText
    from vnarchive.digitization.pdfa import PdfPage

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
    from vnarchive.digitization.pdfa import build_pdfa

    def gather():
        if batch_id is not None:
            batch = model.get_batch(site, batch_id)
            document = batch.documents.get(document_key) if batch else None
            if document is None or document.state != model.DOC_BUILDING:
                return None
        record = find_record(site, uid)
        if record is None:
            return None
        return _pages_for_pdf(record), record.Title(), _pdf_language(record)

    gathered = read(gather)
    if gathered is None:
        return "skipped"
    pages, title, language = gathered

    def fail(reason):
        if batch_id is None:
            return
        batch = model.get_batch(site, batch_id)
        document = batch.documents.get(document_key)
        if document is not None and document.state == model.DOC_BUILDING:
            document.state = model.DOC_FAILED
            document.error = reason
            check_finished(batch)

    try:
        if not pages:
            raise BatchError(
                _(
                    "digitization_error_no_clean_pages",
                    default="Tài liệu chưa có trang nào đã làm sạch và nhận dạng.",
                )
            )
        pdf = build_pdfa(pages, title, language)
    except Exception as error:
        logger.warning("PDF/A of %s failed", uid, exc_info=True)
        reason = _reason(error)
        write(lambda: fail(reason))
        return "failed"

    def save():
        document = batch = None
        if batch_id is not None:
            batch = model.get_batch(site, batch_id)
            document = batch.documents.get(document_key)
            if document is None or document.state != model.DOC_BUILDING:
                return None
        record = find_record(site, uid)
        name = pdfa_name(record)
        stored = IRecordFiles(record).set_derivative(
            name, pdf, "application/pdf", kind=PDFA, source="ocr"
        )
        record.reindexObject()
        from vnarchive.policy.journal import record as journal

        journal(
            record,
            DIGITIZED if batch_id is not None else PDFA_REBUILT,
            file=name,
            sha256=stored.sha256,
            pages=len(pages),
            batch=batch_id,
        )
        if document is not None:
            document.state = model.DOC_BUILT
            document.pdfa = name
            document.built = model.now_iso()
            check_finished(batch)
        return name

    try:
        name = write(save)
    except RecordClosed as error:
        # Destroyed or transferred meanwhile: its files stay as they are.
        reason = _reason(error)
        write(lambda: fail(reason))
        return "failed"
    if name is None:
        return "skipped"

    def viewer():
        from vnarchive.digitization.viewer import convert

        record = find_record(site, uid)
        if record is not None:
            convert(record)

    try:
        write(viewer)
    except Exception:
        # The PDF/A and the text are in; the viewer can be prepared again later.
        logger.exception("viewer conversion of %s failed", uid)
    return "built"


# ---- The sweeper: work whose worker died, messages that were lost ----


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
                _document_progress(batch, document)
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
    from datetime import datetime

    try:
        return datetime.fromisoformat(value).timestamp()
    except (TypeError, ValueError):
        return 0.0


# ---- Masters uploaded one by one (uploads.py): a one-document batch ----


def _master_pages(files, name, readable=False):
    """Pages of master `name`; 0 for a file that is no scan (a text, a spreadsheet).

    `readable`: also 0 for a scan OCR cannot read (below the importer's resolution).
    """
    from vnarchive.digitization.images import page_count
    from vnarchive.digitization.images import PageImageError
    from vnarchive.digitization.images import read_page
    from vnarchive.digitization.importer import MIN_DPI

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
    from vnarchive.digitization.importer import PageRef

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
    key = _document_key(None, 1)
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
    return _run_upload(site, batch_id, token, uid, names, creator)


def _run_upload(site, batch_id, token, uid, names, creator):
    """Register the pages of the uploaded masters (again, after a dead worker)."""
    from vnarchive.digitization.importer import ImportedDocument

    key = _document_key(None, 1)

    def imported(site, planned):
        refs = upload_refs(find_record(site, uid), names)
        return ImportedDocument(uid, refs, False)

    with acting_as(site, creator), _Heartbeat(site, batch_id, None, token):
        _import_one(site, batch_id, token, key, None, imported)

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
