"""Closed records: destroyed and transferred records are read-only for everyone.

The workflow takes every write permission away in those states (SPECIFICATION.md); this
module holds the same rule in code, for what permissions do not see: the workers and the
importer (they act as the system), scripts, records inside a closed dossier or fonds.

- `closed_state(obj)`: ``destroyed`` or ``transferred`` when `obj` or a container up the
  chain is in that state, else None.
- `ensure_writable(obj, action)`: the check every shared write function makes before it
  writes. A refusal raises `RecordClosed` (a clear message for people), journals the
  attempt on the record, and makes the transaction it happened in unable to commit,
  whatever the caller does with the error: nothing half-written is ever kept. The journal
  entry is written in a transaction of its own when that one is aborted.
- `system_change(reason)`: the system's own writers (upgrade steps, the destroy
  transition removing the files, the transfer job) pass, journaled as system changes.
"""

from AccessControl import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.SpecialUsers import nobody
from Acquisition import aq_base
from Acquisition import aq_chain
from Acquisition import aq_inner
from contextlib import contextmanager
from contextvars import ContextVar
from plone.uuid.interfaces import IUUID
from Products.statusmessages.interfaces import IStatusMessage
from vnarchive.content import journal as kinds
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.content.interfaces import IWriteGuard
from vnarchive.policy import _
from vnarchive.policy.journal import current_actor
from vnarchive.policy.journal import record as journal_record
from vnarchive.policy.trust.guard import requesting_user
from vnarchive.policy.workflow.states import DESTROYED
from vnarchive.policy.workflow.states import TRANSFERRED
from vnarchive.policy.workflow.states import WORKFLOW_ID
from zExceptions import Forbidden
from zExceptions import Unauthorized
from zope.component import adapter
from zope.component.hooks import getSite
from zope.container.interfaces import IContainerModifiedEvent
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.interface import implementer

import json
import logging
import transaction


logger = logging.getLogger("vnarchive.closed")

CLOSED_STATES = (DESTROYED, TRANSFERRED)

MESSAGES = {
    DESTROYED: _(
        "error_record_destroyed",
        default="“${title}” đã bị hủy: chỉ còn để tra cứu, không ai được thay đổi "
        "(kể cả tệp, văn bản nhận dạng, vị trí và tên). "
        "Lần thử này đã được ghi vào nhật ký.",
    ),
    TRANSFERRED: _(
        "error_record_transferred",
        default="“${title}” đã được nộp lưu vào lưu trữ lịch sử: bản ở đây chỉ để tra "
        "cứu, không ai được thay đổi (kể cả tệp, văn bản nhận dạng, vị trí và tên). "
        "Lần thử này đã được ghi vào nhật ký.",
    ),
}

_system = ContextVar("vnarchive_system_change", default=None)


class RecordClosed(ArchivalValidationError, Forbidden):
    """A write to a destroyed or transferred record (or to something inside one)."""

    def __init__(self, message, record=None, state=None, action=None):
        ArchivalValidationError.__init__(self, message)
        self.record = record
        self.state = state
        self.action = action


def state_of(obj):
    """The record workflow's state of `obj`, read from its history (no permission asked)."""
    history = getattr(aq_base(obj), "workflow_history", None) or {}
    entries = history.get(WORKFLOW_ID) or ()
    return entries[-1].get("review_state") if entries else None


def closed_record(obj):
    """The closed record that makes `obj` read-only: `obj` itself or a container; or None."""
    if obj is None:
        return None
    for item in aq_chain(aq_inner(obj)):
        if IArchivalRecord.providedBy(item) and state_of(item) in CLOSED_STATES:
            return item
    return None


def closed_state(obj):
    closed = closed_record(obj)
    return state_of(closed) if closed is not None else None


def is_closed(obj):
    return closed_record(obj) is not None


def message_for(closed):
    """Why `closed` (and what is in it) may not change, with its title."""
    title = closed.Title() if hasattr(closed, "Title") else closed.getId()
    return Message(MESSAGES[state_of(closed)], mapping={"title": title})


@contextmanager
def system_change(reason):
    """The system's own writes to closed records: upgrade steps, destruction, transfer.

    Each record changed inside is journaled once as a system change with `reason`.
    """
    changes = {"reason": reason, "journaled": set()}
    token = _system.set(changes)
    try:
        yield changes
    finally:
        _system.reset(token)


def ensure_writable(obj, action):
    """Refuse (RecordClosed) a write to `obj` when it or a container is closed."""
    closed = closed_record(obj)
    if closed is None:
        return
    changes = _system.get()
    if changes is not None:
        key = (IUUID(obj, None) or id(obj), action)
        if key not in changes["journaled"]:
            changes["journaled"].add(key)
            journal_record(
                obj, kinds.SYSTEM_CHANGE, change=action, reason=changes["reason"]
            )
        return
    raise refuse(obj, action, closed)


def refuse(obj, action, closed=None):
    """Journal a refused write to `obj` and return the error to raise."""
    closed = closed if closed is not None else closed_record(obj)
    state = state_of(closed)
    details = {"change": action, "state": state}
    if aq_base(closed) is not aq_base(obj):
        details["closed"] = "/".join(closed.getPhysicalPath())
    _journal_refusal(obj, details)
    _never_commit(transaction.get())
    return RecordClosed(message_for(closed), record=closed, state=state, action=action)


def _journal_refusal(obj, details):
    """In this transaction (its caller sees it) and, if it is aborted, in one of its own."""
    uid = IUUID(obj, None)
    site = getSite()
    if uid is None or site is None:
        return
    txn = transaction.get()
    done = getattr(txn, "_vnarchive_refused", None)
    if done is None:
        done = txn._vnarchive_refused = set()
    key = (uid, details["change"])
    if key in done:
        return  # one entry per record and kind of change in one transaction
    done.add(key)
    actor = current_actor()
    journal_record(obj, kinds.WRITE_REFUSED, **details)
    jar = getattr(site, "_p_jar", None)
    if jar is not None:
        txn.addAfterAbortHook(
            _write_aborted_entry,
            args=(jar.db(), site.getPhysicalPath(), uid, actor, details),
        )


def _write_aborted_entry(db, site_path, uid, actor, details):
    """After the refused transaction is aborted: keep its journal entry all the same."""
    from vnarchive.content.journal import record_entry
    from ZODB.POSException import ConflictError

    for _attempt in range(3):
        manager = transaction.TransactionManager()
        connection = db.open(transaction_manager=manager)
        try:
            manager.begin()
            site = connection.root()["Application"].unrestrictedTraverse(
                "/".join(site_path[1:])
            )
            record_entry(site, uid, kinds.WRITE_REFUSED, actor, **details)
            manager.commit()
            return
        except ConflictError:
            manager.abort()
        except Exception:
            manager.abort()
            logger.warning("could not journal a refused write on %s", uid, exc_info=1)
            return
        finally:
            connection.close()


def _refuse_commit():
    raise RecordClosed(
        _(
            "error_record_closed_commit",
            default="Không lưu được: thao tác này đã cố thay đổi một hồ sơ đã hủy "
            "hoặc đã nộp lưu.",
        )
    )


def _never_commit(txn):
    if not getattr(txn, "_vnarchive_never_commit", False):
        txn._vnarchive_never_commit = True
        txn.addBeforeCommitHook(_refuse_commit)


@implementer(IWriteGuard)
@adapter(IArchivalRecord)
class ClosedRecordGuard:
    """What vnarchive.content's shared write functions ask (files, pages)."""

    def __init__(self, context):
        self.context = context

    def check(self, action):
        ensure_writable(self.context, action)


# -- Events: whatever the path, a closed record does not change --------------------


def record_will_move(obj, event):
    """Adding into, moving, renaming or deleting a closed record (or one inside it)."""
    if event.oldParent is not None:
        ensure_writable(obj, "delete" if event.newParent is None else "move")
    if event.newParent is not None and is_closed(event.newParent):
        container = event.newParent
        ensure_writable(container, "add")


def record_modified(obj, event):
    """Edits (forms, REST, scripts), also of a closed container's order or contents."""
    ensure_writable(
        obj, "reorder" if IContainerModifiedEvent.providedBy(event) else "edit"
    )


def record_before_transition(obj, event):
    """A record inside a closed dossier or fonds keeps its state."""
    if event.transition is not None:
        ensure_writable(obj, f"transition:{event.transition.id}")


# -- The answer people get ----------------------------------------------------------


def _json(request, message):
    response = request.response
    # plone.rest's error view locked its generic 401 answer: this one says why.
    response._locked_status = response._locked_body = 0
    response.setHeader("Content-Type", "application/json")
    response.setStatus(403, lock=1)
    body = {"error": {"type": "Forbidden", "message": message}}
    body.update(body["error"])  # plone.rest's shape and plone.restapi's service shape
    response.setBody(json.dumps(body, ensure_ascii=False), lock=1)
    response._has_challenged = True  # no redirect to the login form


class RecordClosedView:
    """Exception view: a 403 with the message in the user's language, never a traceback.

    Over REST: JSON. In a browser: back to the record's page, the message on top.
    """

    def __init__(self, context, request):
        self.context, self.request = context, request
        self.__parent__ = None

    def __call__(self):
        request = self.request
        message = _translate(self.context.doc(), request)
        if _is_api(request):
            _json(request, message)
            return request.response.body
        IStatusMessage(request).add(message, type="error")
        record = self.context.record
        target = getSite()
        if record is not None and getSecurityManager().checkPermission("View", record):
            target = record
        url = target.absolute_url() if target is not None else request["SERVER_URL"]
        request.response.redirect(url, lock=1)
        return ""


def _is_api(request):
    from vnarchive.policy.errors import wants_json

    return wants_json(request)


def _translate(message, request):
    """In the user's language even where Plone has not negotiated it (errors)."""
    from vnarchive.policy.errors import language

    return translate(message, target_language=language(request))


def refused_request(event):
    """Journal a permission refusal on a closed record the user may see (PubBeforeAbort).

    The workflow refused it (no write permission in a closed state). Zope refuses before
    it knows who asks (no one has the roles), so the credentials are checked here: the
    attempt goes into the record's journal, and the answer says why, in the user's
    language (REST: a 403 with the message; pages: the message on top).
    """
    error = event.exc_info[1]
    if isinstance(error, RecordClosed) or not isinstance(error, Unauthorized):
        return
    request = event.request
    # plone.rest puts its RESTWrapper around each object of an API request's PARENTS.
    parents = [getattr(p, "context", p) for p in request.get("PARENTS") or ()]
    records = [parent for parent in parents if IArchivalRecord.providedBy(parent)]
    if not records:
        return
    # PARENTS is in traversal order until traversal ends: take the innermost record.
    target = max(records, key=lambda item: len(item.getPhysicalPath()))
    closed = closed_record(target)
    if closed is None:
        return
    user = requesting_user(request)
    if user is nobody:
        return
    previous = getSecurityManager()
    newSecurityManager(request, user)
    try:
        if not getSecurityManager().checkPermission("View", target):
            return
        name = (request.get("PATH_INFO") or "").rstrip("/").rsplit("/", 1)[-1]
        action = f"{request.get('REQUEST_METHOD', 'GET')} {name}"[:200]
        refuse(target, action, closed)
    finally:
        setSecurityManager(previous)
    message = _translate(message_for(closed), request)
    if _is_api(request):
        _json(request, message)
    else:
        IStatusMessage(request).add(message, type="error")
