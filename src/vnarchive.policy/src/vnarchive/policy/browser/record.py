"""The page of a record: its description, codes, contents, files and state."""

from plone import api
from plone.memoize.view import memoize
from Products.Five.browser import BrowserView
from vnarchive.content import codelists
from vnarchive.content.completeness import missing_fields
from vnarchive.content.indexers import main_code
from vnarchive.content.interfaces import IFileRecord
from vnarchive.policy.browser.fields import field_rows
from vnarchive.policy.journal import record_view
from vnarchive.policy.permissions import MANAGE_FILES
from vnarchive.policy.permissions import VIEW_JOURNAL
from vnarchive.policy.serializer import downloadable_files
from vnarchive.policy.serializer import serialize_file
from vnarchive.policy.workflow.closed import is_closed
from vnarchive.policy.workflow.guards import publication_reasons
from vnarchive.policy.workflow.states import ARCHIVED
from vnarchive.policy.workflow.states import DESTROYED
from vnarchive.policy.workflow.states import PROCESSING
from vnarchive.policy.workflow.states import WORKFLOW_ID
from zope.i18n import translate


BATCH = 50


class RecordView(BrowserView):
    def __call__(self):
        record_view(self.context)
        return self.index()

    def code(self):
        return main_code(self.context)

    @memoize
    def state(self):
        return api.content.get_state(self.context, default=None)

    def state_title(self):
        wf = api.portal.get_tool("portal_workflow")
        title = wf.getTitleForStateOnType(self.state(), self.context.portal_type)
        return translate(title, domain="vnarchive", context=self.request)

    @memoize
    def _state_titles(self):
        wf = api.portal.get_tool("portal_workflow")
        workflow = wf.getWorkflowById(WORKFLOW_ID)
        if workflow is None:
            return {}
        return {
            state.id: translate(state.title, domain="vnarchive", context=self.request)
            for state in workflow.states.values()
        }

    def child_state(self, brain):
        """The translated workflow state title of a listed record."""
        state = brain.review_state
        return self._state_titles().get(state, state or "")

    def rows(self):
        return field_rows(self.context, self.request)

    def _can(self, permission):
        return api.user.has_permission(permission, obj=self.context)

    def missing(self):
        """What blocks archiving, shown to those who could archive."""
        if self.state() != PROCESSING or not self._can("Modify portal content"):
            return []
        return [
            translate(title, context=self.request)
            for _name, title in missing_fields(self.context)
        ]

    def not_publishable(self):
        """What blocks publishing an archived public record, shown to those who could
        act (a record of restricted access is never published: no warning for it)."""
        if self.state() != ARCHIVED or not self._can("Modify portal content"):
            return []
        if getattr(self.context, "mode", None) != codelists.PUBLIC:
            return []
        return [
            translate(reason, context=self.request)
            for reason in publication_reasons(self.context)
        ]

    def is_destroyed(self):
        return self.state() == DESTROYED

    def destruction(self):
        return getattr(self.context, "destruction", None) or {}

    def can_view_journal(self):
        return self._can(VIEW_JOURNAL)

    def can_manage_files(self):
        return (
            IFileRecord.providedBy(self.context)
            and self._can(MANAGE_FILES)
            and not is_closed(self.context)  # also inside a closed dossier or fonds
        )

    def files(self):
        """The files the user may download, as @record-files lists them."""
        if not IFileRecord.providedBy(self.context):
            return []
        return [
            serialize_file(self.context, item)
            for item in downloadable_files(self.context)
        ]

    def children(self):
        """Contents through the catalog, so that only what the user may see is listed."""
        if not getattr(self.context, "isPrincipiaFolderish", False):
            return []
        start = max(int(self.request.form.get("b_start", 0) or 0), 0)
        brains = api.content.find(
            context=self.context,
            depth=1,
            sort_on="archival_code",
        )
        return {
            "items": brains[start : start + BATCH],
            "total": len(brains),
            "start": start,
            "next": start + BATCH if start + BATCH < len(brains) else None,
            "previous": max(start - BATCH, 0) if start else None,
        }
