"""The journal of a record, for staff: read-only, newest first."""

from Products.Five.browser import BrowserView
from vnarchive.policy.journal import entries


class JournalView(BrowserView):
    def entries(self):
        return list(reversed(entries(self.context)))
