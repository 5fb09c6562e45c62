"""What a record must have before it leaves processing (the national minimum)."""

from Acquisition import aq_base
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


def _conditionally_required(value):
    if value("confidenceLevel") == codelists.DIGITIZED:
        yield "paperFileCode"  # of a digitized dossier; documents have no such field
    if value("riskRecovery"):
        yield "riskRecoveryStatus"


def _empty(value):
    return value is None or value == "" or value == [] or value == ()


def record_fields(record):
    """{name: field} of the record's own type: its schema and its behaviors."""
    fields = {}
    for schema in iterSchemata(record):
        for name in schema.names():
            fields.setdefault(name, schema[name])
    return fields


def missing_fields(record):
    """[(field name, field title)] still empty that archiving requires.

    Only fields of the record's own type count, read without acquisition: a document
    does not answer for its dossier's fields. The title is the field's i18n message
    (its label in the form), for the caller to translate.
    """
    fields = record_fields(record)
    own = aq_base(record)

    def value(name):
        return getattr(own, name, None) if name in fields else None

    names = list(REQUIRED_TO_ARCHIVE.get(record.portal_type, ()))
    names.extend(_conditionally_required(value))
    return [
        (name, fields[name].title)
        for name in names
        if name in fields and _empty(value(name))
    ]
