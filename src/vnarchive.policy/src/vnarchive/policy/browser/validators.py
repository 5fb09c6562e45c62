"""Add forms validate invariants without a context; ours need the container.

Codes are unique in the site and built from the fonds above: the invariants of the
record schemas look at `data.__context__`. z3c.form gives an add form no content, so we
hand them the container the record is being added to (REST already does the same).
"""

from contextlib import suppress
from z3c.form.validator import Data
from z3c.form.validator import InvariantsValidator
from zope.interface.exceptions import Invalid
from zope.schema.interfaces import ValidationError


class NoInputData(ValidationError):
    """A field the user gave no valid value for: its invariants wait for it."""


class AddFormData(Data):
    def __getattr__(self, name):
        # The container is not the record: never read a missing field from it.
        if name in self._Data_schema___ and name not in self._Data_data___:
            raise NoInputData(name)
        return super().__getattr__(name)


class AddFormInvariantsValidator(InvariantsValidator):
    def validate(self, data):
        context = self.context if self.context is not None else self.view.context
        errors = []
        with suppress(Invalid):  # each one is collected in `errors`
            self.schema.validateInvariants(
                AddFormData(self.schema, data, context), errors
            )
        return tuple(error for error in errors if not isinstance(error, NoInputData))
