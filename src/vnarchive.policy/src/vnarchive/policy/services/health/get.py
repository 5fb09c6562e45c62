"""GET /vnarchive/@health: the site's health for monitoring (see vnarchive.policy.health)."""

from plone.restapi.services import Service
from vnarchive.policy.health import may_see_detail
from vnarchive.policy.health import no_store
from vnarchive.policy.health import report


class HealthGet(Service):
    def reply(self):
        payload, code = report(self.context, may_see_detail(self.context, self.request))
        self.request.response.setStatus(code)
        no_store(self.request.response)
        return {"@id": f"{self.context.absolute_url()}/@health", **payload}
