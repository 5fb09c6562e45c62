"""A validation error whose message is the translated text people read."""

from zope.i18n import translate
from zope.schema import ValidationError


# The language of every msgid default. Without a request to negotiate with, zope.i18n falls
# back to English once an English catalog exists; logs, stored reasons and str() of an error
# are in the archive's own language instead.
SOURCE_LANGUAGE = "vi"


def message_text(message, language=SOURCE_LANGUAGE):
    """The text of an i18n message where no request says which language to use."""
    return translate(message, target_language=language)


class ArchivalValidationError(ValidationError):
    """Raised by the domain rules; `doc()` is what forms and REST show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def doc(self):
        return self.message

    def __str__(self):
        return str(self.message)  # the msgid: what code and tests compare
