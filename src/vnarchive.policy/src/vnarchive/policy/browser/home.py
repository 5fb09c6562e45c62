"""The front page of the archive: its fonds and a search box, as the visitor may see them."""

from plone import api
from Products.Five.browser import BrowserView


class ArchiveHome(BrowserView):
    def fonds(self):
        return api.content.find(portal_type="Fonds", sort_on="archival_code")

    def span(self, brain):
        start, end = brain.date_start, brain.date_end
        if not start:
            return ""
        first, last = str(start)[:4], str(end)[:4]
        return first if first == last else f"{first}–{last}"
