"""The open signing and verification work of the site: nothing is lost when a worker dies.

Work is asked for in the transaction that makes it needed (a PDF/A built, a batch signed
after review, a master added, a certified copy registered): a `Task` goes into the site's
ledger (an OOBTree in the site's annotations, keyed by (job, record UID, file name or copy
number)) and its message is sent when that transaction commits. The job claims its task
(a lease: token, expiry, one more attempt; committed), works with no transaction open,
and writes its result only while the lease is still its own, removing the task in the
same transaction. The sweeper (`sweep`, run by idle workers) sends again a task whose
worker died (lease expired) or whose message waited too long; after
`batches.max_attempts()` claims a task fails with its reason.

The ledger holds open work only, so the sweeper reads little; what was done is on the
records (`store`, the journal) and, for batch signing, in `runs`.
"""

from vnarchive.content.annotations import annotated_tree
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue

import time


LEDGER_KEY = "vnarchive.digitization.signature_work"
SIGN = "sign"
VERIFY = "verify_signatures"
COPY = "copy"  # a certified copy to make and sign (copies/, tasks/copies.py)
PRIORITY = queue.PRIORITY_BUILD
EXHAUSTED = "exhausted"  # claim(): tried too often


class Task(model.Lease):
    """One record to sign, one file of a record to verify, or one certified copy of a
    record to make (`name`: its copy number)."""

    def __init__(self, job, uid, name="", batch_id=None, document_key=None, by=None):
        self.job = job
        self.uid = uid
        self.name = name or ""
        self.batch_id = batch_id  # batch signing: the batch and document it serves
        self.document_key = document_key
        self.requested_by = by  # who asked (journal actor); None: the system
        self.attempts = 0
        self.error = None
        self.enqueued = time.time()

    @property
    def key(self):
        return task_key(self.job, self.uid, self.name)


def task_key(job, uid, name=""):
    return (job, uid, name or "")


def ledger(site, create=False):
    return annotated_tree(site, LEDGER_KEY, create)


def get(site, key):
    tree = ledger(site)
    return tree.get(key) if tree is not None else None


def _send(task):
    """The task's message, when the current transaction commits (the job names are
    written out: the layout test finds every job the add-on sends)."""
    task.enqueued = time.time()
    if task.job == SIGN:
        queue.enqueue("sign", task.uid, priority=PRIORITY)
    elif task.job == COPY:
        queue.enqueue("copy", task.uid, task.name, priority=PRIORITY)
    else:
        queue.enqueue("verify_signatures", task.uid, task.name, priority=PRIORITY)


def ask(site, job, uid, name="", batch_id=None, document_key=None, by=None):
    """Ask for work on record `uid` (file `name`); the message goes when this commits.

    Asked again while open, the task is sent again and, when a batch asks, serves that
    batch from now on (its progress follows the task)."""
    tree = ledger(site, create=True)
    key = task_key(job, uid, name)
    task = tree.get(key)
    if task is None:
        task = tree[key] = Task(job, uid, name, batch_id, document_key, by)
    elif batch_id is not None:
        task.batch_id, task.document_key = batch_id, document_key
        task.requested_by = by
        task.attempts = 0
    _send(task)
    return task


def claim(site, key, worker):
    """A new lease token on the task; None when it is done or a live worker holds it;
    EXHAUSTED when it was claimed `max_attempts()` times already."""
    task = get(site, key)
    if task is None or (task.token is not None and not task.expired()):
        return None
    if task.attempts >= model.max_attempts():
        return EXHAUSTED
    task.attempts += 1
    return task.take(worker)


def held(site, key, token):
    """The task if `token` still holds its lease, else None."""
    task = get(site, key)
    return task if task is not None and task.token == token else None


def finish(site, key):
    """The work is done (or given up): the task leaves the ledger; the task, or None."""
    tree = ledger(site)
    if tree is None or key not in tree:
        return None
    task = tree[key]
    del tree[key]
    return task


def again(site, key, token, reason=None):
    """A transient failure or stale bytes: the lease is dropped, the task sent again."""
    task = held(site, key, token)
    if task is None:
        return None
    task.drop()
    task.error = reason
    _send(task)
    return task


def has_open(site):
    tree = ledger(site)
    return bool(tree)


def sweep(site, now, wait):
    """Send again the tasks whose worker died or whose message waited too long."""
    tree = ledger(site)
    if not tree:
        return 0
    sent = 0
    for task in list(tree.values()):
        if task.token is not None and task.expired(now):
            task.drop()
        elif task.token is not None or now - task.enqueued <= wait:
            continue
        _send(task)
        sent += 1
    return sent
