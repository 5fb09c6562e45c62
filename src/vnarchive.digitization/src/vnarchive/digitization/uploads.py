"""Masters added one by one (the record's upload form, POST @record-files) are processed too.

The core fires `IMasterFileAdded` whenever `add_master_file` stores a master. Where this
add-on is installed (its browser layer registered in the site), the masters a transaction
added to a record are sent, once the transaction commits, to the workers as one "upload"
job per record: the worker makes a one-document batch (source_kind "upload") of the
record's new pages, which go through the same jobs as a batch's (clean-up, OCR, PDF/A).

Batch imports add masters through the same function but enqueue their pages themselves:
they add them inside `suppressed()`, which this subscriber respects.
"""

from AccessControl import getSecurityManager
from contextlib import contextmanager
from contextvars import ContextVar
from plone.browserlayer.utils import registered_layers
from plone.uuid.interfaces import IUUID
from vnarchive.digitization import queue
from vnarchive.digitization.interfaces import IVnarchiveDigitizationLayer
from zope.component.hooks import getSite

import logging
import transaction


logger = logging.getLogger("vnarchive.digitization")

UPLOAD_JOB = "upload"
_suppressed = ContextVar("vnarchive_digitization_masters_suppressed", default=False)
_DATA_KEY = object()  # this module's data on a transaction


@contextmanager
def suppressed():
    """Masters added inside are not sent for processing here (the caller does it)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def installed():
    """The add-on is installed in the current site (its browser layer is registered)."""
    return getSite() is not None and IVnarchiveDigitizationLayer in registered_layers()


def _current_user():
    return getSecurityManager().getUser().getId()


def master_added(record, event):
    """IMasterFileAdded subscriber: remember the master; one job per record at commit."""
    if _suppressed.get() or not getattr(event, "process", True) or not installed():
        return
    current = transaction.get()
    pending = current.data(_DATA_KEY) if _has_data(current) else None
    if pending is None:
        pending = {}
        current.set_data(_DATA_KEY, pending)
        current.addAfterCommitHook(_send, args=(pending,))
    uid = IUUID(record)
    if uid not in pending:
        pending[uid] = {"creator": _current_user(), "names": []}
    pending[uid]["names"].append(event.name)


def _has_data(current):
    try:
        current.data(_DATA_KEY)
    except KeyError:
        return False
    return True


def _send(committed, pending):
    if not committed:
        return
    for uid, item in pending.items():
        try:
            queue.enqueue_now(
                UPLOAD_JOB,
                uid,
                list(item["names"]),
                item["creator"],
                priority=queue.PRIORITY_IMPORT,
            )
        except Exception:
            # No queue (not configured): nothing to process the masters with.
            logger.exception("could not enqueue the upload of %s to %s", item, uid)
