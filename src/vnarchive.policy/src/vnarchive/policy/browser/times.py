"""Times for people: stored in UTC, shown in the site's timezone (plone.portal_timezone)."""

from datetime import datetime
from datetime import UTC
from plone import api
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError


DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
FORMAT = "%d/%m/%Y %H:%M"


def site_timezone():
    try:
        name = api.portal.get_registry_record("plone.portal_timezone", default=None)
    except Exception:  # no site (scripts) or no registry record
        name = None
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def to_datetime(value):
    """A datetime from an ISO string, a float timestamp or a datetime; None if not one."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times are UTC
    return moment


def local_time(value, fmt=FORMAT):
    """`value` (UTC) in the site's timezone as dd/mm/yyyy HH:MM; the raw value if unreadable."""
    moment = to_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    return moment.astimezone(site_timezone()).strftime(fmt)


def iso_time(value):
    """The machine-readable form, for <time datetime="...">."""
    moment = to_datetime(value)
    return moment.isoformat(timespec="seconds") if moment is not None else ""
