"""What the signatures of a record's files were found to be, kept on the record.

An OOBTree in the record's annotations (`annotated_tree`), one entry per file name, each a
plain dict (no class of ours is pickled, so the data outlives this code):

    {"sha256": the bytes that were checked, "checked": ISO time (UTC),
     "origin": "archive" (the archive signed this PDF/A) | "received" (a file that came in),
     "signatures": [{"status", "signer", "signed_at" (ISO, UTC, or None), "level",
                     "whole_document", "problem"}, ...],
     "problem": why the file could not be checked ("" when it was)}

An entry speaks for the bytes it was made from only: once a file has other bytes (a PDF/A
rebuilt after a correction) its entry no longer counts, and the file is unsigned again.
"""

from datetime import UTC
from vnarchive.content.annotations import annotated_tree
from vnarchive.content.files import IRecordFiles

import datetime


ANNOTATION_KEY = "vnarchive.digitization.signatures"

VALID = "valid"
INVALID = "invalid"
UNKNOWN_SIGNER = "unknown_signer"
UNSIGNED = "unsigned"
STATUSES = (VALID, INVALID, UNKNOWN_SIGNER, UNSIGNED)

ARCHIVE = "archive"  # the archive's own signature on its PDF/A
RECEIVED = "received"  # a signed file that came in (upload, import)


def now_iso():
    return datetime.datetime.now(UTC).isoformat(timespec="seconds")


def report_data(report):
    """A `signing.SignatureReport` as plain data."""
    signed_at = report.signed_at
    return {
        "status": report.status,
        "signer": report.signer,
        "signed_at": (
            signed_at.astimezone(UTC).isoformat(timespec="seconds")
            if signed_at is not None
            else None
        ),
        "level": report.level,
        "whole_document": bool(report.whole_document),
        "problem": report.problem or "",
    }


def remember(record, stored, reports, origin, problem=""):
    """Keep the reports of the stored file `stored` (as it is now) on `record`."""
    tree = annotated_tree(record, ANNOTATION_KEY, create=True)
    entry = {
        "sha256": stored.sha256,
        "checked": now_iso(),
        "origin": origin,
        "signatures": [report_data(report) for report in reports],
        "problem": problem or "",
    }
    tree[stored.name] = entry
    return dict(entry)


def entry_for(record, stored):
    """The entry of `stored` if it was made from the bytes the file has now, else None."""
    tree = annotated_tree(record, ANNOTATION_KEY)
    if tree is None or stored is None:
        return None
    entry = tree.get(stored.name)
    if entry is None or entry.get("sha256") != stored.sha256:
        return None
    return dict(entry)


def current(record):
    """[(stored file, entry)] of the record's files whose entry is current, by name."""
    tree = annotated_tree(record, ANNOTATION_KEY)
    files = IRecordFiles(record, None)
    if tree is None or files is None:
        return []
    found = []
    for name, entry in tree.items():
        stored = files.get(name)
        if stored is not None and entry.get("sha256") == stored.sha256:
            found.append((stored, dict(entry)))
    return found


def file_status(entry):
    """The status of one file: its worst signature, or "unsigned"."""
    statuses = {item["status"] for item in entry.get("signatures") or ()}
    for status in (INVALID, UNKNOWN_SIGNER, VALID):
        if status in statuses:
            return status
    return UNSIGNED


def record_statuses(record):
    """The statuses of the signatures in the record's files (a keyword index's values):
    each status found at least once, or ["unsigned"] when no file carries a signature."""
    found = {
        item["status"]
        for _stored, entry in current(record)
        for item in entry.get("signatures") or ()
    }
    return sorted(found & set(STATUSES)) or [UNSIGNED]
