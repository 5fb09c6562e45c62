"""Edit form of records: codes are shown read-only once they are frozen."""

from plone.dexterity.browser.edit import DefaultEditForm
from plone.z3cform import layout
from vnarchive.content.coding import is_frozen
from z3c.form.interfaces import DISPLAY_MODE


CODE_FIELDS = {"fondsCode", "agencyCode", "fileYear", "fileNumber", "docOrdinal"}


class RecordEditForm(DefaultEditForm):
    def updateFields(self):
        super().updateFields()
        if not is_frozen(self.context):
            return
        for fields in [self.fields, *(group.fields for group in self.groups)]:
            for name in fields:
                if fields[name].field.__name__ in CODE_FIELDS:
                    fields[name].mode = DISPLAY_MODE


RecordEditView = layout.wrap_form(RecordEditForm)
