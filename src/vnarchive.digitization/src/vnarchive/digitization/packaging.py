"""A dossier or fonds of the site as the package builder's input (`packages.model`).

`gather(container, kind)` reads a dossier or fonds, its dossiers and their records as
the current user may see them, and what each may put in the package:

- a DIP holds what the public may receive: the container and the records Anonymous may
  View (published, inside published containers) whose access mode is public (01) — a
  conditional or secret record never, whoever asks — and of their files the copies for
  use (the PDF/A), never masters nor working images;
- an AIP is for the archive's staff, those who may download masters
  (`vnarchive: Download master files` on the container): every record they may View,
  its masters (where they may download them) and copies, and its journal's preservation
  events, with the last complete fixity run.

Files are read from the blob storage while the ZIP is written, not before. An AIP gets a
new identifier and the time it is made; a DIP's follow from its content
(`content_state`).
"""

from AccessControl import Unauthorized
from AccessControl.PermissionRole import rolesForPermissionOn
from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from datetime import datetime
from datetime import UTC
from plone import api
from plone.uuid.interfaces import IUUID
from Products.CMFCore.permissions import View
from vnarchive.content.codelists import PUBLIC
from vnarchive.content.files import IRecordFiles
from vnarchive.content.files import MASTER
from vnarchive.content.interfaces import IDossierRecord
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.interfaces import IFondsRecord
from vnarchive.digitization import __version__
from vnarchive.digitization.packages import model
from vnarchive.digitization.packages import naming
from vnarchive.digitization.packages.national import fields_of
from vnarchive.digitization.tasks.records import CLEAN_PAGE
from vnarchive.digitization.tasks.records import PDFA
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.policy import fixity
from vnarchive.policy.journal import entries
from vnarchive.policy.permissions import DOWNLOAD_MASTERS
from zope.component.hooks import getSite


KINDS = {"aip": model.AIP, "dip": model.DIP}
PACKAGE_EXPORTED = "package_exported"  # journal action, on the container
PDFA_FORMAT = "PDF/A-2b"
ENTRY_KEYS = ("number", "time", "actor", "action")


class NotReceivable(Exception):
    """A DIP was asked of a container the public may not receive."""


def public(obj):
    """Anonymous may View `obj` and every container above it up to the site."""
    site = getSite()
    current = aq_inner(obj)
    while current is not None:
        if "Anonymous" not in rolesForPermissionOn(View, current):
            return False
        if site is not None and aq_base(current) is aq_base(site):
            return True
        current = aq_parent(current)
    return True


def receivable(obj):
    """What a DIP may hold: public, and of the public access mode (01)."""
    return getattr(aq_base(obj), "mode", None) == PUBLIC and public(obj)


def _may_view(obj):
    return api.user.has_permission(View, obj=obj)


def _fields(obj, level):
    fields = {}
    for _national, stored, _how in fields_of(level):
        value = getattr(aq_base(obj), stored, None)
        if value is not None:
            fields[stored] = value
    title = obj.Title() if hasattr(obj, "Title") else None
    if title:
        fields["title"] = title
    return fields


def _modified(obj):
    modified = getattr(obj, "modified", None)
    return modified().ISO8601() if callable(modified) else ""


def content_state(state):
    """(identifier, date-time) of a DIP from what it holds: its records and files and
    when they last changed. The same content gives the same package, byte for byte (a
    DIP is a copy of published records: asking again gives the same copy); any change
    of a record or file gives another identifier and a later date."""
    times = [moment for _key, moment in state if moment]
    newest = (
        max(times, key=lambda value: datetime.fromisoformat(value)) if times else None
    )
    return naming.derived_identifier("dip", *sorted(state)), newest


def _created(obj):
    created = getattr(obj, "created", None)
    return created().ISO8601() if callable(created) else None


class _Gatherer:
    def __init__(self, kind):
        self.kind = kind
        self.aip = kind == model.AIP
        self.state = []  # what the package holds, as of when: see `content_state`
        self.fixity = _fixity_report() if self.aip else None

    def admits(self, obj):
        if self.aip:
            return _may_view(obj)
        return receivable(obj)

    def unit(self, obj, level):
        uid = IUUID(obj)
        self.state.append((uid, _modified(obj)))
        unit = model.Unit(
            level=level,
            identifier=naming.identifier(uid),
            fields=_fields(obj, level),
            portal_type=obj.portal_type,
            created=_created(obj),
        )
        if self.aip:
            unit.events = _events(obj, uid)
        return unit

    def dossier(self, dossier):
        unit = self.unit(dossier, model.DOSSIER)
        records = [
            obj
            for obj in dossier.objectValues()
            if IFileRecord.providedBy(obj) and self.admits(obj)
        ]
        records.sort(
            key=lambda obj: (getattr(obj, "docOrdinal", None) or 0, obj.getId())
        )
        for record in records:
            document = self.unit(record, model.DOCUMENT)
            document.files = self.files(record)
            if self.aip:
                document.events.extend(self.fixity_events(record))
            unit.children.append(document)
        return unit

    def fonds(self, fonds):
        unit = self.unit(fonds, model.FONDS)
        dossiers = [
            obj
            for obj in fonds.objectValues()
            if IDossierRecord.providedBy(obj) and self.admits(obj)
        ]
        dossiers.sort(
            key=lambda obj: (getattr(obj, "fileCode", None) or "", obj.getId())
        )
        unit.children = [self.dossier(dossier) for dossier in dossiers]
        return unit

    def wanted(self, record, item):
        if item.kind == CLEAN_PAGE:
            return False  # working images, made again from the masters
        if item.role != MASTER:
            return True
        return self.aip and api.user.has_permission(DOWNLOAD_MASTERS, obj=record)

    def files(self, record):
        found = []
        uid = IUUID(record)
        for item in IRecordFiles(record):
            if not self.wanted(record, item):
                continue
            is_pdfa = item.kind == PDFA
            self.state.append((item.sha256, item.created))
            found.append(
                model.PackageFile(
                    name=pdfa_name(record) if is_pdfa else item.name,
                    source=item.open,
                    size=item.size,
                    sha256=item.sha256,
                    mime_type=item.content_type,
                    created=item.created,
                    use=model.MASTER if item.role == MASTER else model.ACCESS,
                    format_name=PDFA_FORMAT if is_pdfa else None,
                    original_name=item.name,
                    identifier=naming.derived_identifier(uid, "file", item.name),
                )
            )
        return found

    def fixity_events(self, record):
        """The last complete fixity run, for each file it found intact (a file it found
        changed or missing is in the journal already, as fixity_failed)."""
        report = self.fixity
        if not report:
            return []
        uid = IUUID(record)
        failed = {(item["uid"], item["file"]) for item in report["failures"]}
        events = []
        for item in IRecordFiles(record):
            if (uid, item.name) in failed or (item.created or "") > report["started"]:
                continue
            events.append(
                model.Event(
                    "fixity_checked",
                    report["finished"],
                    fixity.ACTOR,
                    {"file": item.name, "run": report["run_id"]},
                    naming.derived_identifier(
                        uid, "fixity", report["run_id"], item.name
                    ),
                )
            )
        return events


def _fixity_report():
    report = fixity.status(getSite())
    if not report or not report.get("complete"):
        return None
    return report


def _events(obj, uid):
    found = []
    for entry in entries(obj):
        details = {key: value for key, value in entry.items() if key not in ENTRY_KEYS}
        found.append(
            model.Event(
                entry["action"],
                entry["time"],
                entry.get("actor"),
                details,
                naming.derived_identifier(uid, "journal", entry["number"]),
            )
        )
    return found


def gather(container, kind):
    """The `model.Package` of a dossier or fonds; `kind` is "aip" or "dip".

    Raises Unauthorized (an AIP for someone who may not download masters) or
    NotReceivable (a DIP of a container the public may not receive)."""
    package_kind = KINDS[kind]
    if package_kind == model.AIP and not api.user.has_permission(
        DOWNLOAD_MASTERS, obj=container
    ):
        raise Unauthorized("an AIP is for the archive's staff")
    if package_kind == model.DIP and not receivable(container):
        raise NotReceivable(container.absolute_url())
    gatherer = _Gatherer(package_kind)
    if IFondsRecord.providedBy(container):
        root = gatherer.fonds(container)
    else:
        root = gatherer.dossier(container)
    site = getSite()
    identifier = naming.new_identifier()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    if package_kind == model.DIP:
        identifier, newest = content_state(gatherer.state)
        created = newest or created
    return model.Package(
        kind=package_kind,
        identifier=identifier,
        created=created,
        root=root,
        archive=site.Title() if site is not None else None,
        software="vnarchive",
        software_version=__version__,
    )
