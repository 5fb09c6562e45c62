"""Add forms validate invariants without a context; ours need the container.

Codes are unique in the site and built from the fonds above: the invariants of the
record schemas look at `data.__context__`. z3c.form gives an add form no content, so we
hand them the container the record is being added to (REST already does the same).
"""

from z3c.form.validator import Data
from z3c.form.validator import InvariantsValidator


class AddFormInvariantsValidator(InvariantsValidator):
    def validate(self, data):
        context = self.context if self.context is not None else self.view.context
        return self.validateObject(Data(self.schema, data, context))
