"""Batch signing after review: sign the reviewed documents of a batch, and how far it got.

`start(site, batch, by)` asks the workers to sign every document of the batch whose review
is complete and whose PDF/A is not signed yet (one "sign" task each, see `work`), and
notes each document as queued in the batch's run (an OOBTree in the site's annotations,
batch id -> {document key: plain dict}). The sign job notes the outcome: signed, or failed
with its reason in plain Vietnamese. `progress` counts them for the batch page and REST.
"""

from BTrees.OOBTree import OOBTree
from vnarchive.content.annotations import annotated_tree
from vnarchive.content.errors import message_text
from vnarchive.digitization.review.actions import OPEN_STATES
from vnarchive.digitization.signatures import rules
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signatures.store import now_iso
from vnarchive.digitization.tasks.records import find_record


RUNS_KEY = "vnarchive.digitization.batch_signing"
QUEUED = "queued"
SIGNED = "signed"
FAILED = "failed"


def _run(site, batch_id, create=False):
    runs = annotated_tree(site, RUNS_KEY, create)
    if runs is None:
        return None
    run = runs.get(batch_id)
    if run is None and create:
        run = runs[batch_id] = OOBTree()
    return run


def batch_records(site, batch):
    """(document key, record) of the batch's documents whose record exists."""
    found = []
    for document in sorted(batch.documents.values(), key=lambda item: item.position):
        record = find_record(site, document.uid) if document.uid else None
        if record is not None:
            found.append((document.key, record))
    return found


def _queued(site, run, key, uid):
    """The document waits in this run and its task is still open."""
    noted = run.get(key)
    if noted is None or noted["state"] != QUEUED:
        return False
    return work.get(site, work.task_key(work.SIGN, uid)) is not None


def _reviewed(site, uids):
    """The UIDs among `uids` whose review is complete, as the catalog knows it (the
    `ocr_review_state` index is kept by every correction and decision): no page of a long
    document is loaded to show the batch page. The sign job checks the rule itself."""
    brains = site.portal_catalog.unrestrictedSearchResults(UID=list(uids))
    return {
        brain.UID
        for brain in brains
        if (brain.ocr_review_state or None) not in OPEN_STATES
    }


def ready(site, batch):
    """(document key, record) of the documents signing may start on now: reviewed, with
    a PDF/A not signed yet, not waiting to be signed already."""
    run = _run(site, batch.id) or {}
    found = batch_records(site, batch)
    reviewed = _reviewed(site, [record.UID() for _key, record in found])
    return [
        (key, record)
        for key, record in found
        if record.UID() in reviewed
        and rules.record_pdfa(record) is not None
        and not rules.pdfa_signed(record)
        and not _queued(site, run, key, record.UID())
    ]


def start(site, batch, by):
    """Ask for the signature of every document of `batch` ready now; how many were asked.

    The caller checks that signing is set up, and commits (the messages go after it)."""
    chosen = ready(site, batch)
    if not chosen:
        return 0
    run = _run(site, batch.id, create=True)
    for key, record in chosen:
        uid = record.UID()
        work.ask(site, work.SIGN, uid, batch_id=batch.id, document_key=key, by=by)
        run[key] = {"state": QUEUED, "uid": uid, "reason": "", "time": now_iso()}
    return len(chosen)


def note(site, task, state, reason=None):
    """The sign job's outcome for a task of a batch run (nothing for other tasks)."""
    if task is None or task.batch_id is None:
        return
    run = _run(site, task.batch_id)
    if run is None or task.document_key not in run:
        return
    run[task.document_key] = {
        "state": state,
        "uid": task.uid,
        # an i18n message or a text already: kept as the Vietnamese text people read
        "reason": message_text(reason) if reason else "",
        "time": now_iso(),
    }


def progress(site, batch):
    """{"signed", "to_sign", "failed": counts, "failures": [{"document", "label",
    "reason"}], "active": True while some are still to sign} of the batch's runs."""
    run = _run(site, batch.id)
    counts = {SIGNED: 0, QUEUED: 0, FAILED: 0}
    failures = []
    for key, noted in (run or {}).items():
        counts[noted["state"]] = counts.get(noted["state"], 0) + 1
        if noted["state"] == FAILED:
            document = batch.documents.get(key)
            failures.append(
                {
                    "document": key,
                    "label": document.label if document is not None else key,
                    "reason": noted["reason"],
                }
            )
    return {
        "signed": counts[SIGNED],
        "to_sign": counts[QUEUED],
        "failed": counts[FAILED],
        "failures": failures,
        "active": bool(counts[QUEUED]),
    }


def ask(site, batch, by):
    """(number asked, None) — or (0, the SigningError) when signing is not set up, in
    which case nothing is asked for."""
    settings, error = rules.signing_settings()
    if settings is None:
        return 0, error
    return start(site, batch, by), None


def overview(site, batch):
    """`progress` with what staff need to start signing: whether signing is set up (and
    the SigningError saying why not: "setup_error"), and how many documents are ready."""
    settings, error = rules.signing_settings()
    data = progress(site, batch)
    data["configured"] = settings is not None
    data["setup_error"] = error
    data["ready"] = len(ready(site, batch))
    return data
