"""A validation error whose message is the translated text people read."""

from zope.schema import ValidationError


class ArchivalValidationError(ValidationError):
    """Raised by the domain rules; `doc()` is what forms and REST show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def doc(self):
        return self.message

    def __str__(self):
        return str(self.message)
