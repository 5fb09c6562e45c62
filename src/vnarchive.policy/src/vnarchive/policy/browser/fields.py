"""A record's fields as label/value rows for people, code lists shown by their labels."""

from plone.dexterity.utils import iterSchemata
from vnarchive.policy import _
from zope.component import getUtility
from zope.i18n import translate
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import ICollection
from zope.schema.interfaces import IVocabularyFactory


HIDDEN = {"title"}


def _term_title(field, value, context, request):
    vocabulary = getUtility(IVocabularyFactory, field.vocabularyName)(context)
    try:
        title = vocabulary.getTerm(value).title
    except LookupError:
        return value
    return translate(title, context=request)


def display_value(field, value, context, request):
    if value in (None, "", [], ()):
        return None
    if IChoice.providedBy(field) and field.vocabularyName:
        return _term_title(field, value, context, request)
    if ICollection.providedBy(field) and IChoice.providedBy(field.value_type):
        return ", ".join(
            str(_term_title(field.value_type, item, context, request)) for item in value
        )
    if value is True:
        return translate(_("value_yes", default="Có"), context=request)
    if value is False:
        return None
    return value


def field_rows(context, request):
    """[(label, value)] of every filled field of every schema of the record."""
    rows = []
    for schema in iterSchemata(context):
        for name, field in getFieldsInOrder(schema):
            if name in HIDDEN:
                continue
            value = display_value(field, getattr(context, name, None), context, request)
            if value is not None:
                rows.append((translate(field.title, context=request), value))
    return rows
