"""Import batches: the source of truth of the digitization work, kept in the ZODB.

A batch lives in a BTree in an annotation of the site. It knows where its files are (an
uploaded ZIP extracted under VAR/batches/<id>, or a folder under VNARCHIVE_IMPORT_ROOT), who
started it, its state (validating -> invalid | validated | importing -> processing -> done),
the problems its plan found, and the state of each document and each page.

Each page has a state (pending, running, done, failed), a number of attempts, a lease (worker
id, token, expiry) and a heartbeat. A worker claims a page by giving it a new lease token in
a committed transaction; it writes its result only if the token is still the page's own and
the page is not done, in the same transaction as the result. A sweeper gives the page of a
worker whose lease expired back to the queue. So a page is never written twice into the
record and never lost; after MAX_ATTEMPTS claims it is failed with the reason.

Every page is its own persistent object, and the counters are BTrees.Length, so workers on
different pages do not conflict; the pages of one document meet on their DocumentState
(`done`), which serialises the "last page done -> build the document" decision.
"""

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from datetime import datetime
from datetime import UTC
from persistent import Persistent
from persistent.list import PersistentList
from vnarchive.content.annotations import annotated_tree

import os
import secrets
import time
import uuid


BATCHES_KEY = "vnarchive.digitization.batches"

# Batch states
VALIDATING = "validating"
INVALID = "invalid"
VALIDATED = "validated"  # validate-only, no problem found
IMPORTING = "importing"
PROCESSING = "processing"
DONE = "done"  # every document imported and built, no page failed
DONE_WITH_PROBLEMS = "done_with_problems"  # finished, some documents or pages failed
FAILED = "failed"  # finished, no document could be imported or built
BATCH_STATES = (
    VALIDATING,
    INVALID,
    VALIDATED,
    IMPORTING,
    PROCESSING,
    DONE,
    DONE_WITH_PROBLEMS,
    FAILED,
)
UNFINISHED = (VALIDATING, IMPORTING, PROCESSING)
FINISHED = (
    DONE,
    DONE_WITH_PROBLEMS,
    FAILED,
)  # processed to the end (not validate-only)

# Page states
PENDING = "pending"
RUNNING = "running"
PAGE_STATES = (PENDING, RUNNING, DONE, FAILED)

# Document states
DOC_PENDING = "pending"  # planned, not imported yet
DOC_IMPORTED = "imported"  # imported, nothing to process (a fonds, a dossier)
DOC_PROCESSING = "processing"  # imported, pages under way
DOC_BUILDING = "building"  # every page done, the PDF/A is being built
DOC_BUILT = "built"  # PDF/A written, reindexed, viewer prepared
DOC_INCOMPLETE = "incomplete"  # some pages failed
DOC_FAILED = "failed"  # could not be imported or built

# The code of the problem a failed document leaves on its finished batch.
DOCUMENT_FAILED = "document_failed"
# A master kept on its record that OCR cannot read (too low a resolution, damaged).
MASTER_UNREADABLE = "master_unreadable"

MAX_ATTEMPTS = 3
RATE_WINDOW = 300.0  # seconds of recent work the time estimate looks at


def lease_seconds():
    """How long a claim on a page (or a batch's import) holds without news from its worker."""
    return float(os.environ.get("VNARCHIVE_LEASE_SECONDS", "120"))


def max_attempts():
    return int(os.environ.get("VNARCHIVE_MAX_ATTEMPTS", str(MAX_ATTEMPTS)))


def now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds")


class Lease(Persistent):
    """Mixin state: who holds the work, with which token, until when."""

    token = None
    worker = None
    expires = 0.0
    heartbeat = 0.0

    def take(self, worker, seconds=None):
        self.token = secrets.token_hex(8)
        self.worker = worker
        self.heartbeat = time.time()
        self.expires = self.heartbeat + (seconds or lease_seconds())
        return self.token

    def extend(self, token, seconds=None):
        if self.token != token:
            return False
        self.heartbeat = time.time()
        self.expires = self.heartbeat + (seconds or lease_seconds())
        return True

    def drop(self):
        self.token = self.worker = None
        self.expires = 0.0

    def expired(self, at=None):
        return self.token is not None and self.expires < (at or time.time())


class PageState(Lease):
    """One page of a document in a batch."""

    def __init__(self, document, number, master, index):
        self.document = document  # the DocumentState key
        self.number = number  # page number in the record
        self.master = master  # name of the master file it comes from
        self.index = index  # page number within that master (1-based)
        self.state = PENDING
        self.attempts = 0
        self.error = None
        self.enqueued = 0.0
        self.started = None
        self.finished = None
        self.confidence = None
        self.reused = False  # already done by an earlier batch

    @property
    def key(self):
        return (self.document, self.number)

    def info(self):
        return {
            "document": self.document,
            "page": self.number,
            "master": self.master,
            "master_page": self.index,
            "state": self.state,
            "attempts": self.attempts,
            "error": self.error,
            "worker": self.worker,
            "confidence": self.confidence,
            "finished": self.finished,
        }


class DocumentState(Lease):
    """One document of a batch: the record it became, its pages, its PDF/A."""

    def __init__(self, key, label, position):
        self.key = key
        self.planned = None  # the importer's PlannedDocument.to_dict()
        self.label = label  # what people know it by (identifier or title)
        self.position = position  # order in the plan
        self.uid = None
        self.path = None
        self.state = DOC_PENDING
        self.pages = ()  # page numbers
        self.done = 0  # pages done (written by each page: serialises the last one)
        self.failed = 0
        self.created = False  # the record was created by this batch (not reused)
        self.error = None
        self.pdfa = None  # name of the PDF/A derivative once built
        self.built = None

    def info(self):
        return {
            "key": self.key,
            "label": self.label,
            "uid": self.uid,
            "path": self.path,
            "state": self.state,
            "pages": len(self.pages),
            "pages_done": self.done,
            "pages_failed": self.failed,
            "created": self.created,
            "error": self.error,
            "pdfa": self.pdfa,
        }


class Batch(Lease):
    """A batch import: its source, its plan's problems, its documents and pages."""

    def __init__(
        self,
        batch_id,
        source_kind,
        source,
        creator,
        validate_only=False,
        target=None,
        title=None,
    ):
        self.id = batch_id
        self.source_kind = source_kind  # "zip" or "folder"
        self.source = source  # absolute path of the ZIP or the folder
        self.folder = source if source_kind == "folder" else None
        self.creator = creator
        self.created = now_iso()
        self.validate_only = bool(validate_only)
        self.target = target  # UID of the object the import was started from
        self.title = title or os.path.basename(str(source).rstrip("/"))
        self.state = VALIDATING
        self.message = None  # why the batch could not go on, for people
        self.problems = PersistentList()
        self.documents = OOBTree()
        self.pages = OOBTree()  # (document key, page number) -> PageState
        self.open = OOTreeSet()  # keys of pages pending or running
        self.failed_keys = OOTreeSet()
        self.pages_done = Length()
        self.pages_failed = Length()
        self.pages_reused = Length()  # found done by an earlier batch
        self.pages_taken_again = Length()  # claimed again after a worker died or failed
        self.finished_times = LOBTree()  # microseconds -> 1: the recent rate
        self.started = None
        self.finished = None
        self.imported = None

    # ---- building ----

    def add_document(self, key, label, position):
        document = self.documents.get(key)
        if document is None:
            document = self.documents[key] = DocumentState(key, label, position)
        return document

    def add_page(self, document, number, master, index, done=False):
        key = (document.key, number)
        page = self.pages.get(key)
        if page is not None:
            return page
        page = self.pages[key] = PageState(document.key, number, master, index)
        if done:
            page.state = DONE
            page.reused = True
            page.finished = now_iso()
            self.pages_done.change(1)
            self.pages_reused.change(1)
            document.done += 1
        else:
            page.enqueued = time.time()
            self.open.add(key)
        return page

    # ---- page outcomes (called in the worker's write transaction) ----

    def page_done(self, page, confidence=None):
        page.state = DONE
        page.error = None
        page.finished = now_iso()
        page.confidence = confidence
        page.drop()
        self.open.discard(page.key)
        self.pages_done.change(1)
        self.finished_times[_unique_microseconds(self.finished_times)] = 1
        document = self.documents[page.document]
        document.done += 1
        return document

    def page_failed(self, page, reason):
        page.state = FAILED
        page.error = reason
        page.finished = now_iso()
        page.drop()
        self.open.discard(page.key)
        self.failed_keys.add(page.key)
        self.pages_failed.change(1)
        document = self.documents[page.document]
        document.failed += 1
        return document

    def page_again(self, page, reason=None):
        """Back to pending (its worker died, or a transient error): to be enqueued again."""
        page.state = PENDING
        if reason:
            page.error = reason
        page.drop()
        page.enqueued = time.time()
        self.open.add(page.key)

    def retry_failed(self, keys=None):
        """Failed pages (all, or `keys`) back to pending with fresh attempts; returns their keys."""
        chosen = [
            key for key in list(self.failed_keys) if keys is None or key in set(keys)
        ]
        for key in chosen:
            page = self.pages[key]
            self.failed_keys.discard(key)
            self.pages_failed.change(-1)
            page.attempts = 0
            page.finished = None
            self.page_again(page)
            document = self.documents[page.document]
            document.failed -= 1
            if document.state in (DOC_INCOMPLETE, DOC_FAILED) and document.uid:
                document.state = DOC_PROCESSING
        if chosen and self.state in FINISHED:
            self.reopen()
        return chosen

    def reopen(self):
        """Processing again (a retry): the outcome is computed anew at the end."""
        self.state = PROCESSING
        self.finished = None
        self.message = None
        self.problems[:] = [
            item for item in self.problems if item.get("code") != DOCUMENT_FAILED
        ]

    # ---- reading ----

    @property
    def pages_total(self):
        return len(self.pages)

    def rate(self, at=None):
        """Pages per second over the recent window, or None when too little is known."""
        at = at or time.time()
        since = int((at - RATE_WINDOW) * 1_000_000)
        recent = list(self.finished_times.keys(min=since))
        if len(recent) < 2:
            return None
        span = at - recent[0] / 1_000_000
        return len(recent) / span if span > 0 else None

    def progress(self):
        total = self.pages_total
        done = self.pages_done()
        failed = self.pages_failed()
        remaining = max(total - done - failed, 0)
        rate = self.rate()
        eta = None
        if remaining and rate:
            eta = round(remaining / rate)
        elif not remaining and self.state in (PROCESSING, *FINISHED):
            eta = 0
        documents = list(self.documents.values())
        return {
            "pages_total": total,
            "pages_done": done,
            "pages_failed": failed,
            "pages_remaining": remaining,
            "percent": int(100 * (done + failed) / total) if total else 0,
            "pages_per_minute": round(rate * 60, 1) if rate else None,
            "eta_seconds": eta,
            "documents_total": len(documents),
            "documents_built": sum(1 for item in documents if item.state == DOC_BUILT),
            "documents_failed": sum(
                1 for item in documents if item.state in (DOC_FAILED, DOC_INCOMPLETE)
            ),
        }

    def failed_pages(self):
        return [self.pages[key].info() for key in self.failed_keys]

    def failed_documents(self):
        return [
            item.info()
            for item in self.documents.values()
            if item.state == DOC_FAILED and item.error
        ]

    def summary(self):
        return {
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "source_kind": self.source_kind,
            "creator": self.creator,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "validate_only": self.validate_only,
            "message": self.message,
            "problems": len(self.problems),
            **self.progress(),
        }

    def details(self):
        data = self.summary()
        data["problems"] = [dict(item) for item in self.problems]
        data["documents"] = [
            item.info()
            for item in sorted(self.documents.values(), key=lambda doc: doc.position)
        ]
        data["failed_pages"] = self.failed_pages()
        # Pages claimed more than once: their worker died or gave up (a transient error).
        data["pages_taken_again"] = self.pages_taken_again()
        data["pages_reused"] = self.pages_reused()
        return data


def _unique_microseconds(tree):
    key = int(time.time() * 1_000_000)
    while key in tree:
        key += 1
    return key


# ---- The batches of a site ----


def container(site, create=False):
    return annotated_tree(site, BATCHES_KEY, create)


def new_id():
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]


def add_batch(site, source_kind, source, creator, **options):
    batch = Batch(new_id(), source_kind, str(source), creator, **options)
    container(site, create=True)[batch.id] = batch
    return batch


def get_batch(site, batch_id):
    batches = container(site)
    if batches is None or not isinstance(batch_id, str):
        return None
    return batches.get(batch_id)


def all_batches(site):
    """Newest first."""
    batches = container(site)
    return list(reversed(list(batches.values()))) if batches else []


def unfinished_for(site, source_kind, source):
    """The newest unfinished batch of the same source (to resume it), or None."""
    for batch in all_batches(site):
        if (
            batch.source_kind == source_kind
            and batch.source == str(source)
            and batch.state in UNFINISHED
            and not batch.validate_only
        ):
            return batch
    return None
