"""What a record must have before it leaves processing (the national minimum)."""

from plone.dexterity.utils import iterSchemata
from vnarchive.content import codelists


# Beyond the few fields needed to save a draft: the national minimum description.
REQUIRED_TO_ARCHIVE = {
    "Fonds": ("title", "fondsCode", "mode"),
    "Dossier": (
        "title",
        "fileCode",
        "maintenance",
        "mode",
        "languageCode",
        "startDate",
        "endDate",
        "confidenceLevel",
    ),
    "ArchivalDocument": (
        "docId",
        "typeName",
        "issuedDate",
        "organName",
        "subjectText",
        "languageCode",
        "maintenance",
        "mode",
        "numberOfPage",
    ),
    "PhotoRecord": ("docId", "title", "photoKind", "dateTaken", "maintenance", "mode"),
    "AudioVisualRecord": (
        "docId",
        "title",
        "avKind",
        "recordedDate",
        "maintenance",
        "mode",
    ),
}


def _conditionally_required(record):
    if getattr(record, "confidenceLevel", None) == codelists.DIGITIZED and hasattr(
        record, "paperFileCode"
    ):
        yield "paperFileCode"
    if getattr(record, "riskRecovery", False):
        yield "riskRecoveryStatus"


def _empty(value):
    return value is None or value == "" or value == [] or value == ()


def missing_fields(record):
    """[(field name, field title)] still empty that archiving requires."""
    names = list(REQUIRED_TO_ARCHIVE.get(record.portal_type, ()))
    names.extend(_conditionally_required(record))
    titles = {}
    for schema in iterSchemata(record):
        for name in schema.names():
            titles.setdefault(name, schema[name].title)
    return [
        (name, titles.get(name, name))
        for name in names
        if _empty(getattr(record, name, None))
    ]
