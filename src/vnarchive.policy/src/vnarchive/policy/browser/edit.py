"""Edit form of records: codes are shown read-only once they are frozen."""

from plone.dexterity.browser.edit import DefaultEditForm
from plone.z3cform import layout
from Products.statusmessages.interfaces import IStatusMessage
from vnarchive.content.coding import is_frozen
from vnarchive.policy.workflow.closed import ensure_writable
from vnarchive.policy.workflow.closed import RecordClosed
from z3c.form.interfaces import DISPLAY_MODE
from zope.i18n import translate

import transaction


CODE_FIELDS = {"fondsCode", "agencyCode", "fileYear", "fileNumber", "docOrdinal"}


class RecordEditForm(DefaultEditForm):
    closed = False

    def update(self):
        # A record inside a destroyed or transferred dossier: the workflow does not see
        # it (the record's own state allows edits), the closed container does.
        try:
            ensure_writable(self.context, "edit")
        except RecordClosed as error:
            transaction.doom()
            IStatusMessage(self.request).add(
                translate(error.doc(), context=self.request), type="error"
            )
            self.request.response.redirect(self.context.absolute_url())
            self.closed = True
            return
        self.closed = False
        super().update()

    def render(self):
        return "" if self.closed else super().render()

    def updateFields(self):
        super().updateFields()
        if not is_frozen(self.context):
            return
        for fields in [self.fields, *(group.fields for group in self.groups)]:
            for name in fields:
                if fields[name].field.__name__ in CODE_FIELDS:
                    fields[name].mode = DISPLAY_MODE


RecordEditView = layout.wrap_form(RecordEditForm)
