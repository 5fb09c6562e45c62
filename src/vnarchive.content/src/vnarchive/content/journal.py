"""An append-only journal per record, kept site-wide so that it outlives the record.

Entries are plain dicts stored by value in a BTree keyed by sequence number: there is
no call that changes or removes one. The journal of a record is found by its UID, so
it survives the destruction of the record's files and even the deletion of a draft.
"""

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from persistent import Persistent
from zope.annotation.interfaces import IAnnotations


JOURNAL_KEY = "vnarchive.content.journal"

CREATED = "created"
EDITED = "edited"
TRANSITION = "transition"
DOWNLOAD = "download"
VIEWED = "viewed"
DELETED = "deleted"
FILE_ADDED = "file_added"
FILES_DESTROYED = "files_destroyed"
FIXITY_FAILED = "fixity_failed"
# OCR review (kiểm duyệt): a page's text corrected, the document's OCR approved or rejected.
OCR_CORRECTED = "ocr_corrected"
OCR_APPROVED = "ocr_approved"
OCR_REJECTED = "ocr_rejected"
# Closed records (destroyed, transferred): a write refused, or one the system made itself.
WRITE_REFUSED = "write_refused"
SYSTEM_CHANGE = "system_change"


class RecordJournal(Persistent):
    def __init__(self, uid):
        self.uid = uid
        self._entries = LOBTree()

    def append(self, action, actor, **details):
        number = (self._entries.maxKey() + 1) if len(self._entries) else 1
        entry = {
            "number": number,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
        }
        entry.update(
            {key: value for key, value in details.items() if value is not None}
        )
        self._entries[number] = entry
        return dict(entry)

    def entries(self):
        """Copies of the entries, oldest first: changing them changes nothing stored."""
        return [dict(entry) for entry in self._entries.values()]

    def __len__(self):
        return len(self._entries)


def _journals(site, create=False):
    annotations = IAnnotations(site)
    journals = annotations.get(JOURNAL_KEY)
    if journals is None and create:
        journals = annotations[JOURNAL_KEY] = OOBTree()
    return journals


def journal_for(site, uid, create=False):
    journals = _journals(site, create=create)
    if journals is None:
        return None
    journal = journals.get(uid)
    if journal is None and create:
        journal = journals[uid] = RecordJournal(uid)
    return journal


def record_entry(site, uid, action, actor, **details):
    return journal_for(site, uid, create=True).append(action, actor, **details)


def entries_for(site, uid):
    journal = journal_for(site, uid)
    return journal.entries() if journal is not None else []
