"""The "verify_signatures" job: the signatures of a PDF that came in, checked and kept.

    claim (commit) -> read the file, abort -> verify_pdf -> write if still ours (commit)

Sent for every PDF master a record receives (the upload form, POST @record-files, batch
imports: `signatures.subscribers`). Each signature is checked offline against the
configured trust anchors (`signing.verify_pdf`); the reports are kept on the record
(`signatures.store`), the record is reindexed (`signature_status`) and the outcome is
journaled. A PDF without signature is "unsigned"; one that cannot be read is kept as
unsigned with the reason (staff see it on the record).
"""

from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.jobs import job
from vnarchive.digitization.signatures import rules
from vnarchive.digitization.signatures import store
from vnarchive.digitization.signatures import work
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing import verify_pdf
from vnarchive.digitization.tasks.errors import failure_reason
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.transactions import read
from vnarchive.digitization.tasks.transactions import write
from vnarchive.policy.journal import record as journal
from ZODB.POSException import ConflictError

import logging


logger = logging.getLogger("vnarchive.digitization")

SIGNATURES_VERIFIED = "signatures_verified"  # journal action


@job("verify_signatures")
def verify_signatures(site, uid, name, worker=None):
    """Check the signatures of file `name` of record `uid`; keep, index and journal them."""
    key = work.task_key(work.VERIFY, uid, name)
    claimed = write(lambda: _claim(site, key, uid, name, worker))
    if claimed is None:
        return "skipped"
    token, sha256 = claimed
    try:
        data = read(lambda: _load(site, uid, name))
        reports, problem = _check(data)
    except ConflictError:
        raise
    except Exception as error:
        logger.warning("verifying %s of %s failed", name, uid, exc_info=True)
        reason = failure_reason(error)
        write(lambda: work.again(site, key, token, reason))
        return "again"
    return write(lambda: _save(site, key, token, uid, name, sha256, reports, problem))


def _check(data):
    """(reports, problem): the file's signatures, or none and why it could not be read."""
    settings, _error = rules.signing_settings()
    try:
        return verify_pdf(data, settings), ""
    except SigningError as error:
        return [], str(error)


def _claim(site, key, uid, name, worker):
    """(lease token, SHA-256 of the file) or None when there is nothing to do."""
    token = work.claim(site, key, worker)
    if token is None:
        return None
    record = find_record(site, uid)
    stored = IRecordFiles(record).get(name) if record is not None else None
    if token == work.EXHAUSTED or stored is None:
        task = work.finish(site, key)
        if stored is not None:  # tried too often: unsigned, with the reason
            store.remember(record, stored, [], store.RECEIVED, task.error or "")
            record.reindexObject(idxs=["signature_status"])
        return None
    if store.entry_for(record, stored) is not None:
        work.finish(site, key)  # checked already (a duplicate message)
        return None
    return token, stored.sha256


def _load(site, uid, name):
    record = find_record(site, uid)
    return IRecordFiles(record).get(name).read()


def _save(site, key, token, uid, name, sha256, reports, problem):
    if work.held(site, key, token) is None:
        return "stale"
    work.finish(site, key)
    record = find_record(site, uid)
    stored = IRecordFiles(record).get(name) if record is not None else None
    if stored is None or stored.sha256 != sha256:
        return "stale"  # masters never change; a file gone with its record
    entry = store.remember(record, stored, reports, store.RECEIVED, problem)
    record.reindexObject(idxs=["signature_status"])
    journal(
        record,
        SIGNATURES_VERIFIED,
        file=name,
        status=store.file_status(entry),
        signatures=len(reports),
        signers=[report.signer for report in reports] or None,
        reason=problem or None,
    )
    return store.file_status(entry)
