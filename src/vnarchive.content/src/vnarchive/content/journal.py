"""An append-only journal per record, kept site-wide so that it outlives the record.

Entries are plain dicts stored by value in a BTree keyed by sequence number: there is
no call that changes or removes one. The journal of a record is found by its UID, so
it survives the destruction of the record's files and even the deletion of a draft.

An entry is numbered after the last one (`maxKey() + 1`: no count of the tree, which a
BTree can only make by reading every bucket). Entries are numbered 1, 2, 3... and never
removed, so the last number is how many there are and a batch of them is a range of keys:
a journal is counted and read one batch at a time without reading the rest (`count`,
`batch`, as the @journal service pages it). `written_by_append` names the persistent
objects the next entry changes, so that a request may be allowed to write those and
nothing else (views and downloads are journaled on GET: see vnarchive.policy.journal).
"""

from BTrees.LOBTree import LOBTree
from datetime import datetime
from datetime import UTC
from persistent import Persistent
from vnarchive.content.annotations import annotated_tree


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
OCR_NOT_POSSIBLE = "ocr_not_possible"  # a master kept but not read: why
# Closed records (destroyed, transferred): a write refused, or one the system made itself.
WRITE_REFUSED = "write_refused"
SYSTEM_CHANGE = "system_change"


class RecordJournal(Persistent):
    def __init__(self, uid):
        self.uid = uid
        self._entries = LOBTree()

    def next_number(self):
        try:
            return self._entries.maxKey() + 1
        except ValueError:  # no entry yet
            return 1

    def append(self, action, actor, **details):
        number = self.next_number()
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

    def count(self):
        """How many entries: the last number (read from the last bucket, not counted)."""
        return self.next_number() - 1

    def batch(self, start, size):
        """Copies of `size` entries from position `start` (0: the oldest), oldest first:
        the entries numbered `start + 1` to `start + size`, read from their buckets only."""
        if size <= 0:
            return []
        found = self._entries.values(min=start + 1, max=start + size)
        return [dict(entry) for entry in found]

    def __len__(self):
        return self.count()

    def written_by_append(self):
        """The stored objects the next `append` changes (see `tree_path`)."""
        return tree_path(self._entries, self.next_number())


def tree_path(tree, key):
    """The nodes of a BTree from its root down to the bucket where `key` is or would go.

    Setting `key` changes only objects on this path: the bucket, and the nodes above it
    when it splits (the new halves are new objects, not yet stored). A small tree keeps
    its one bucket inside itself: the path is the tree alone.
    """
    path = [tree]
    node = tree
    while isinstance(node, type(tree)):
        state = node.__getstate__()
        if not isinstance(state, tuple) or len(state) == 1:  # empty, one bucket inside
            break
        children = state[0]  # (child, key, child, key, child, ...)
        child = children[0]
        for index in range(1, len(children), 2):
            if key < children[index]:
                break
            child = children[index + 1]
        path.append(child)
        node = child
    return path


def _journals(site, create=False):
    return annotated_tree(site, JOURNAL_KEY, create)


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


def written_by_append(site, uid):
    """The stored objects `record_entry(site, uid, ...)` changes, found before it does.

    The record's journal from its root to its last bucket; when the record has none yet,
    also the site's tree of journals down to the bucket of `uid` (and the site's
    annotations, when no journal at all was kept before).
    """
    journal = journal_for(site, uid)
    if journal is not None:
        return journal.written_by_append()
    journals = _journals(site)
    if journals is not None:
        return tree_path(journals, uid)
    annotations = getattr(site, "__annotations__", None)
    return tree_path(annotations, JOURNAL_KEY) if annotations is not None else []


def entries_for(site, uid):
    journal = journal_for(site, uid)
    return journal.entries() if journal is not None else []


def batch_for(site, uid, start, size):
    """(entries from position `start`, at most `size` of them, oldest first; how many
    the journal holds in all)."""
    journal = journal_for(site, uid)
    if journal is None:
        return [], 0
    return journal.batch(start, size), journal.count()
