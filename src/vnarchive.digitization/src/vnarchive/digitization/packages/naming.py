"""Names inside a package: identifiers, date-times, safe paths.

- Identifiers are `uuid-<UPPERCASE UUID>` (standards summary §5): a record's UID (32 hex
  digits in Plone) is written as such; anything else gets a name-based UUID, so that the
  same input always gives the same identifier.
- Date-times are ISO 8601 in Vietnam's time, `+07:00`.
- A path inside the ZIP is made of safe components whatever the input says: no `..`, no
  separator or control character, Unicode NFC (Vietnamese letters stay), at most 200 bytes
  of UTF-8 per component.
"""

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import UTC
from urllib.parse import quote

import re
import unicodedata
import uuid


VIETNAM = timezone(timedelta(hours=7))
# Name-based identifiers (uuid5) of what has no UUID of its own: files, journal entries.
NAMESPACE = uuid.UUID("6f2b8a5e-2d0c-5d2e-9a4b-7c1e0f3a9b11")
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]')
MAX_COMPONENT_BYTES = 200


def identifier(value):
    """`uuid-<UPPERCASE UUID>` for a UUID (any spelling, `uuid-` or not) or, name-based,
    for any other string."""
    text = str(value)
    try:
        parsed = uuid.UUID(text[5:] if text.lower().startswith("uuid-") else text)
    except ValueError:
        parsed = uuid.uuid5(NAMESPACE, text)
    return f"uuid-{str(parsed).upper()}"


def new_identifier():
    return identifier(uuid.uuid4())


def derived_identifier(*parts):
    """The identifier of something inside a record (a file, an entry): stable per input."""
    return identifier(uuid.uuid5(NAMESPACE, "\x1f".join(str(part) for part in parts)))


def to_vietnam(value):
    """ISO 8601 date-time (naive: UTC) as `YYYY-MM-DDThh:mm:ss+07:00`."""
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def zip_time(value):
    """The ZIP entry's date-time fields, in Vietnam's time (ZIP has no zone), ≥ 1980."""
    moment = datetime.fromisoformat(to_vietnam(value))
    return max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def safe_component(name, fallback="file"):
    """One path component that cannot climb out of its folder or break a file system."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = UNSAFE.sub("_", text).strip(" .")
    if not text:
        text = fallback
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_COMPONENT_BYTES:
        _stem, dot, suffix = text.rpartition(".")
        keep = suffix if dot and len(suffix) <= 10 else ""
        room = MAX_COMPONENT_BYTES - len(keep.encode("utf-8")) - 1
        head = encoded[:room].decode("utf-8", errors="ignore")
        text = f"{head}.{keep}" if keep else head
    return text


def unique_name(name, taken):
    """`name`, or `stem-2.ext`… when another file of the same folder has it (any case)."""
    candidate = name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    counter = 2
    while candidate.casefold() in taken:
        candidate = f"{stem}-{counter}{dot}{suffix}"
        counter += 1
    taken.add(candidate.casefold())
    return candidate


def href(path):
    """A relative path as a URL (xlink:href): each component percent-encoded."""
    return "/".join(quote(part, safe="") for part in path.split("/"))
