"""The register of certified copies (sổ đăng ký bản sao): numbers, entries, the files.

Kept in the site (an annotation), not in the records: a copy is not part of the archival
record. One `Register` holds

- `sequence`: the last copy number of each year. Copy numbers are `BS-<year>-<number>`
  (`BS-2026-000123`), counted from 1 each year as Vietnamese registers are. The sequence
  deliberately does not resolve write conflicts: two transactions that take a number at
  the same time conflict, and the one that is retried (Zope retries a request that meets
  a ConflictError; the workers' `write` does too) takes the next number. A counter that
  resolves conflicts by adding them up (BTrees.Length) would let both keep the same
  number. The entries are also keyed by number, so a number is never registered twice;
- `entries`: copy number -> `CopyEntry` (OOBTree);
- `by_record`: record UID -> the numbers of its copies (OOBTree of OOTreeSet).

A `CopyEntry` holds what the copy certifies (record UID, archival code and title as they
were when it was asked for, pages), the requester (name, identity document or
organisation, purpose: personal data, shown to staff only and printed on the copy), who
asked, the state (pending -> issued or failed; issued -> revoked), and once issued the
signed PDF (a blob) with its SHA-256, size, signer and signing time.
"""

from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from datetime import datetime
from persistent import Persistent
from vnarchive.digitization.signing.appearance import vietnam_time
from ZODB.blob import Blob
from zope.annotation.interfaces import IAnnotations

import hashlib
import re


REGISTER_KEY = "vnarchive.digitization.copies"
PREFIX = "BS"
NUMBER = re.compile(r"^BS-(\d{4})-(\d{6,9})$")

PENDING = "pending"  # registered; the workers make it
ISSUED = "issued"  # made, signed and stored
FAILED = "failed"  # could not be made (the reason is kept)
REVOKED = "revoked"  # issued, then withdrawn by the archive: no longer valid
STATES = (PENDING, ISSUED, FAILED, REVOKED)


class Sequence(Persistent):
    """The last number taken in each year. No `_p_resolveConflict`: concurrent takes
    conflict, and the retried transaction takes the next number."""

    def __init__(self):
        self.last = {}

    def take(self, year):
        number = self.last.get(year, 0) + 1
        self.last = {**self.last, year: number}  # a new dict: the object is changed
        return number


class Register(Persistent):
    def __init__(self):
        self.sequence = Sequence()
        self.entries = OOBTree()
        self.by_record = OOBTree()


class CopyEntry(Persistent):
    """One certified copy in the register."""

    sha256 = None
    size = 0
    blob = None
    agency = ""  # the issuing archive, as signed
    signer = ""
    level = ""
    signed_at = ""  # ISO 8601, +07:00
    issued_at = ""  # ISO 8601, +07:00: when the signed copy was stored
    error = ""  # why it failed, in Vietnamese
    revoked_at = ""
    revoked_by = ""
    revoke_reason = ""

    def __init__(
        self, number, record_uid, kind, pages, total_pages, requester, **facts
    ):
        self.number = number
        self.record_uid = record_uid
        self.kind = kind  # certificate.FULL or EXTRACT
        self.pages = tuple(pages)
        self.total_pages = total_pages
        self.requester = dict(requester)  # name, identity, purpose
        self.code = facts.get("code") or ""
        self.title = facts.get("title") or ""
        self.language = facts.get("language") or "vi"
        self.requested_by = facts.get("requested_by") or ""
        self.verify_url = facts.get("verify_url") or ""
        self.registered_at = vietnam_time().isoformat()
        self.state = PENDING

    def store(self, data):
        """Keep the signed copy (bytes) and its SHA-256."""
        self.blob = Blob()
        with self.blob.open("w") as out:
            out.write(data)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()

    def read(self):
        if self.blob is None:
            return b""
        with self.blob.open("r") as stream:
            return stream.read()

    def stored_sha256(self):
        """The SHA-256 of the bytes stored now (None when nothing is stored)."""
        if self.blob is None:
            return None
        digest = hashlib.sha256()
        with self.blob.open("r") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    @property
    def issued_date(self):
        """The date of issue in Vietnam (a date), or None before it is issued."""
        if not self.issued_at:
            return None
        return datetime.fromisoformat(self.issued_at).date()


def get_register(site, create=False):
    annotations = IAnnotations(site)
    register = annotations.get(REGISTER_KEY)
    if register is None and create:
        register = annotations[REGISTER_KEY] = Register()
    return register


def normalize(number):
    """`number` as the register writes it (upper case, no spaces), or None when it is
    not a copy number."""
    if not isinstance(number, str) or len(number) > 40:
        return None
    number = number.strip().upper()
    return number if NUMBER.match(number) else None


def get_entry(site, number):
    """The entry of copy `number`, or None (unknown, or not a copy number)."""
    number = normalize(number)
    register = get_register(site)
    if number is None or register is None:
        return None
    return register.entries.get(number)


def entries_for(site, record_uid):
    """The entries of the copies of a record, newest first."""
    register = get_register(site)
    if register is None:
        return []
    numbers = register.by_record.get(record_uid) or ()
    return [register.entries[number] for number in reversed(list(numbers))]


def register_copy(site, record_uid, kind, pages, total_pages, requester, **facts):
    """A new `CopyEntry` with the next number of this year (Vietnam time), pending."""
    register = get_register(site, create=True)
    year = vietnam_time().year
    while True:
        number = f"{PREFIX}-{year}-{register.sequence.take(year):06d}"
        if number not in register.entries:  # a restored register may have it already
            break
    entry = CopyEntry(number, record_uid, kind, pages, total_pages, requester, **facts)
    register.entries[number] = entry
    numbers = register.by_record.get(record_uid)
    if numbers is None:
        numbers = register.by_record[record_uid] = OOTreeSet()
    numbers.insert(number)
    return entry


def issued(entry, data, report, agency, when):
    """The copy is made: its signed bytes, the archive's signature (`report`), the
    issuing archive and the moment of issue (+07:00)."""
    entry.store(data)
    entry.agency = agency
    entry.signer = report.signer
    entry.level = report.level
    entry.signed_at = report.signed_at.isoformat() if report.signed_at else ""
    entry.issued_at = vietnam_time(when).isoformat()
    entry.error = ""
    entry.state = ISSUED


def failed(entry, reason):
    entry.state = FAILED
    entry.error = reason


def revoke(entry, by, reason):
    """The archive withdraws an issued copy: the register keeps it, marked revoked."""
    entry.state = REVOKED
    entry.revoked_at = vietnam_time().isoformat()
    entry.revoked_by = by
    entry.revoke_reason = reason
