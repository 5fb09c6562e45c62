"""UID redirects that resolve only to what the user may View.

Plone's `resolveuid/<uid>` (plone.outputfilters) and `@@redirect-to-uuid/<uid>`
(plone.app.uuid) look the UID up without checking permissions and answer with a redirect to
the hidden URL. These answer the same 404 for a UID the user may not View as for one that
does not exist (see `vnarchive.policy.trust.resolve`).
"""

from plone.app.uuid.browser import RedirectToUUIDView
from plone.outputfilters.browser.resolveuid import ResolveUIDView
from vnarchive.policy.trust.resolve import viewable_or_not_found


class ViewableResolveUIDView(ResolveUIDView):
    """`resolveuid/<uid>[/subpath]`: a permanent redirect, to a viewable object only."""

    def __call__(self):
        obj = viewable_or_not_found(uid=self.uuid, context=self.context)
        url = obj.absolute_url()
        if self.subpath:
            url = "/".join([url, *self.subpath])
        if self.request.QUERY_STRING:
            url += "?" + self.request.QUERY_STRING
        self.request.response.redirect(url, status=301)
        return ""


class ViewableRedirectToUUIDView(RedirectToUUIDView):
    """`@@redirect-to-uuid/<uid>`: a redirect, to a viewable object only."""

    def __call__(self):
        obj = viewable_or_not_found(uid=self.uuid, context=self.context)
        self.request.response.redirect(obj.absolute_url())
        return ""
