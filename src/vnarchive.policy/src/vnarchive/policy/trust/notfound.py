"""The page for a missing name offers to log in: a record may exist for someone who has."""

from plone.app.layout.viewlets import ViewletBase
from urllib.parse import urlencode


class LoginOffer(ViewletBase):
    def available(self):
        # The same page for a missing record and a hidden one (the guard stops both alike),
        # so the offer is made on every 404 page, whoever asks.
        return self.request.response.getStatus() == 404

    def login_url(self):
        came_from = self.request.get("ACTUAL_URL") or self.request.get("URL", "")
        site = self.portal_state.portal_url()
        return f"{site}/login?{urlencode({'came_from': came_from})}"

    def render(self):
        return self.index() if self.available() else ""
