"""Fixity: every stored file still has the SHA-256 it was stored with.

`check(site)` walks the records that keep files (IFileRecord) through the catalog,
unrestricted and in UID order, verifies every stored file, journals each mismatch on
its record (`fixity_failed`, with the file name and the expected SHA-256) and returns
a report. It is resumable: the run (its id, the last UID done, the counts and the
failures so far) lives in an annotation of the site and is committed every `batch`
records, so a run that is interrupted continues where it stopped; `restart=True`
begins a new one. Run it with `make fixity` (scripts/fixity.py); docs/operations.md
says how to schedule it.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.users import UnrestrictedUser
from contextlib import contextmanager
from datetime import datetime
from datetime import UTC
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone.uuid.interfaces import IUUID
from vnarchive.content import journal as kinds
from vnarchive.content.files import CHUNK
from vnarchive.content.files import IRecordFiles
from vnarchive.content.indexers import main_code
from vnarchive.content.interfaces import IFileRecord
from vnarchive.policy.journal import record
from ZODB.blob import BlobError
from ZODB.POSException import ConflictError
from ZODB.POSException import POSKeyError
from zope.annotation.interfaces import IAnnotations

import hashlib
import logging
import transaction
import uuid


logger = logging.getLogger("vnarchive.fixity")

STATE_KEY = "vnarchive.policy.fixity"
# The name the journal shows for entries written by the check.
ACTOR = "vnarchive-fixity"
# Attempts at one batch when a concurrent edit of the same journal conflicts.
RETRIES = 3


def _now():
    return datetime.now(UTC).isoformat(timespec="seconds")


def _state(site):
    annotations = IAnnotations(site)
    state = annotations.get(STATE_KEY)
    if state is None:
        state = annotations[STATE_KEY] = PersistentMapping()
    return state


def _begin(state):
    state.update(
        run_id=uuid.uuid4().hex,
        started=_now(),
        finished=None,
        last_uid=None,
        records=0,
        files=0,
        bytes=0,
        failures=PersistentList(),
        resumed=0,
    )


def _report(state):
    report = {
        key: state.get(key)
        for key in ("run_id", "started", "finished", "records", "files", "bytes")
    }
    report["failures"] = [dict(item) for item in state.get("failures", ())]
    report["complete"] = state.get("finished") is not None
    report["resumed"] = state.get("resumed", 0)
    return report


def status(site):
    """The current (or last) run as a report, without checking anything."""
    state = IAnnotations(site).get(STATE_KEY)
    return _report(state) if state else None


class _Checker(UnrestrictedUser):
    """A system user with a name in the journal (a SpecialUser's id is None)."""

    def getId(self):
        return self.getUserName()


@contextmanager
def _as_checker(site):
    """Act as the check itself, so the journal names it, whoever started it."""
    previous = getSecurityManager()
    user = _Checker(ACTOR, "", ("Manager",), ())
    newSecurityManager(None, user.__of__(site.acl_users))
    try:
        yield
    finally:
        setSecurityManager(previous)


def _digest(item):
    digest = hashlib.sha256()
    with item.open() as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(item):
    """None when the file is intact, else what is wrong with it (a dict)."""
    try:
        if item.verify():
            return None
        return {"problem": "mismatch", "found": _digest(item)}
    except (POSKeyError, BlobError, OSError) as error:
        return {"problem": "missing", "found": None, "error": str(error)}


def check_record(obj, run_id=None):
    """Verify every file of `obj`; journal and return the failures (and counts)."""
    failures, files, size = [], 0, 0
    for item in IRecordFiles(obj):
        files += 1
        size += item.size or 0
        problem = check_file(item)
        if problem is None:
            continue
        record(
            obj,
            kinds.FIXITY_FAILED,
            file=item.name,
            sha256=item.sha256,
            found=problem["found"],
            problem=problem["problem"],
            run=run_id,
        )
        failures.append(
            dict(
                problem,
                uid=IUUID(obj, None),
                path="/".join(obj.getPhysicalPath()),
                archival_code=main_code(obj),
                file=item.name,
                expected=item.sha256,
            )
        )
    return failures, files, size


def _records(site, after):
    catalog = site.portal_catalog
    query = {"object_provides": IFileRecord.__identifier__, "sort_on": "UID"}
    if after:
        query["UID"] = {"query": after, "range": "min"}
    for brain in catalog.unrestrictedSearchResults(**query):
        uid = brain.UID
        if uid != after:
            yield brain


def check(site, batch=100, limit=None, restart=False, commit=None, log=None):
    """Check the files of the records not yet done in the current run.

    A new run begins when there is none, when the last one finished, or on
    `restart`. `limit` stops after that many records, leaving the run open (it
    resumes next time). Progress is committed every `batch` records with `commit`
    (`transaction.commit` by default). Returns the report of the run.
    """
    commit = commit or transaction.commit
    log = log or logger.info
    state = _state(site)
    if restart or not state.get("run_id") or state.get("finished"):
        _begin(state)
        log(f"fixity run {state['run_id']} begins")
    else:
        state["resumed"] = state.get("resumed", 0) + 1
        log(
            f"fixity run {state['run_id']} resumes after {state['records']} records"
            f" (last UID {state['last_uid']})"
        )
    commit()
    progress = {"done": 0}
    attempts = 0
    with _as_checker(site):
        while True:
            try:
                complete = _run_batches(
                    site, state, batch, limit, progress, commit, log
                )
                break
            except ConflictError:
                # A concurrent write to the same journal: the batch is undone, the
                # progress is what was committed last. Take it up again from there.
                transaction.abort()
                attempts += 1
                if attempts > RETRIES:
                    raise
                log("conflict with a concurrent edit; retrying from the last commit")
    if complete:
        state["finished"] = _now()
        summary = _report(state)
        summary["failures"] = len(summary["failures"])
        state["last"] = PersistentMapping(summary)
        commit()
    return _report(state)


def _run_batches(site, state, batch, limit, progress, commit, log):
    """Check records after the last one done; True when none is left."""
    jar = getattr(site, "_p_jar", None)
    for brain in _records(site, state["last_uid"]):
        if limit is not None and progress["done"] >= limit:
            commit()
            return False
        obj = brain._unrestrictedGetObject()
        failures, files, size = check_record(obj, state["run_id"])
        state["failures"].extend(failures)
        state["files"] += files
        state["bytes"] += size
        state["records"] += 1
        state["last_uid"] = brain.UID
        progress["done"] += 1
        for failure in failures:
            log(
                f"FIXITY FAILED {failure['path']} {failure['file']}:"
                f" expected {failure['expected']}, found {failure['found']}"
            )
        if progress["done"] % batch == 0:
            commit()
            if jar is not None:
                jar.cacheGC()
            log(
                f"{state['records']} records, {state['files']} files checked,"
                f" {len(state['failures'])} failures"
            )
    commit()
    return True


def format_report(report):
    """The report as lines for people (and for cron's mail)."""
    if report is None:
        return "Chưa có lần kiểm tra nào. / No fixity run yet."
    lines = [
        f"Fixity run {report['run_id']} started {report['started']}"
        + (
            f", finished {report['finished']}"
            if report["complete"]
            else " (not finished: run again to resume)"
        ),
        f"{report['records']} records, {report['files']} files,"
        f" {report['bytes']} bytes checked; {len(report['failures'])} failures.",
    ]
    for failure in report["failures"]:
        lines.append(
            f"  {failure['problem'].upper()}: {failure['archival_code'] or ''}"
            f" {failure['path']} file {failure['file']!r}: expected"
            f" {failure['expected']}, found {failure['found']}"
        )
    return "\n".join(lines)
