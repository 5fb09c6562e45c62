"""GET @linkintegrity?uids=…: plone.restapi's service, through the shared resolver.

plone.restapi's own version fails with 401 on a UID the user may not View and 500 on an
unknown one, which tells the two apart, and it lists the titles of linking objects the
user may not see. Here an unknown and a forbidden UID both give 404, and only sources the
user may View are listed.
"""

from plone.app.linkintegrity.utils import linkintegrity_enabled
from plone.restapi.interfaces import ISerializeToJsonSummary
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services.linkintegrity.get import LinkIntegrityGet
from plone.uuid.interfaces import IUUID
from Products.CMFCore.utils import getToolByName
from vnarchive.policy.trust.resolve import may_view
from vnarchive.policy.trust.resolve import viewable_object
from vnarchive.policy.trust.resolve import viewable_or_not_found
from zExceptions import BadRequest
from zope.component import getMultiAdapter


class ViewableLinkIntegrityGet(LinkIntegrityGet):
    def reply(self):
        if not linkintegrity_enabled():
            return json_compatible([])
        uids = self.request.form.get("uids", [])
        if not uids:
            raise BadRequest('Missing parameter "uids"')
        if not isinstance(uids, list):
            uids = [uids]
        # Every UID asked for first: none may tell "forbidden" from "missing".
        items = [viewable_or_not_found(uid=uid, context=self.context) for uid in uids]
        asked = [IUUID(item) for item in items]
        catalog = getToolByName(self.context, "portal_catalog")
        result = []
        while items:
            item = items.pop(0)
            info = item.restrictedTraverse("@@delete_confirmation_info")
            data = getMultiAdapter((item, self.request), ISerializeToJsonSummary)()
            data["breaches"] = []
            for breach in info.get_breaches():
                target = breach["target"]["uid"]
                if target not in asked:
                    # A linked object inside the item: reported on its own, if viewable.
                    inner = viewable_object(uid=target, context=self.context)
                    if inner is not None:
                        asked.append(target)
                        items.append(inner)
                    continue
                for source in breach.get("sources", []):
                    obj = viewable_object(uid=source["uid"], context=self.context)
                    if obj is None or not may_view(obj):
                        continue
                    data["breaches"].append(
                        {
                            "@id": source["url"],
                            "uid": source["uid"],
                            "title": source["title"],
                        }
                    )
            # The catalog answers with what the user may see; minus the item itself.
            path = "/".join(item.getPhysicalPath())
            data["items_total"] = max(len(catalog(path=path)) - 1, 0)
            result.append(data)
        return json_compatible(result)
