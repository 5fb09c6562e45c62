"""Schema fields for codes and partial dates: one cleaning rule for forms, REST and imports.

z3c.form and plone.restapi both turn text into values through `fromUnicode`, so the
cleaning (trim, NFC, upper case) and the national checks happen once, here.
"""

from vnarchive.content.dates import normalize_partial_date
from vnarchive.content.dates import parse_partial_date
from zope import schema
from zope.interface import implementer
from zope.schema.interfaces import IFromUnicode

import unicodedata


@implementer(IFromUnicode)
class CodeLine(schema.TextLine):
    """A code typed by people, stored trimmed and in NFC; `check` raises a clear error."""

    def __init__(self, check=None, uppercase=True, **kw):
        self.check = check
        self.uppercase = uppercase
        super().__init__(**kw)

    def clean(self, value):
        value = unicodedata.normalize("NFC", value.strip())
        return value.upper() if self.uppercase else value

    def fromUnicode(self, value):
        value = self.clean(value) or self.missing_value
        self.validate(value)
        return value

    def _validate(self, value):
        super()._validate(value)
        if self.check is not None:
            self.check(value)


@implementer(IFromUnicode)
class PartialDateLine(schema.TextLine):
    """A date as DD/MM/YYYY, MM/YYYY or YYYY; ISO input is accepted and rewritten."""

    def __init__(self, **kw):
        kw.setdefault("max_length", 10)
        super().__init__(**kw)

    def fromUnicode(self, value):
        value = value.strip()
        value = normalize_partial_date(value) if value else self.missing_value
        self.validate(value)
        return value

    def _validate(self, value):
        super()._validate(value)
        parse_partial_date(value)
