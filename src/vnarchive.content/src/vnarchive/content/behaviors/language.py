"""Ngôn ngữ: the languages of a record, codes of the national list (Lao included)."""

from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from zope import schema
from zope.interface import provider


@provider(IFormFieldProvider)
class ILanguage(model.Schema):
    # Stored on the record as `languageCode`, as when each type declared it.
    languageCode = schema.List(
        title=_("label_language", default="Ngôn ngữ"),
        value_type=schema.Choice(vocabulary="vnarchive.vocabularies.language"),
        required=False,
        default=[],
    )
