"""GET @search: Plone's own, refusing a free-text parameter given more than once."""

from plone.restapi.services.search.get import SearchGet
from vnarchive.policy.errors import BAD_INPUT
from vnarchive.policy.errors import service_error


# Free-text parameters are one text each: given twice, plone.restapi's handler fails on the
# list ZPublisher makes of them.
TEXT_PARAMETERS = ("SearchableText", "Title", "Description")


class PloneSearchGet(SearchGet):
    """Plone's @search, refusing a free-text parameter given more than once: a 400 in the
    user's language and the services' error shape, on any context."""

    def reply(self):
        for name in TEXT_PARAMETERS:
            if isinstance(self.request.form.get(name), (list, tuple)):
                answer = service_error(self.request, 400, BAD_INPUT, "BadRequest")
                answer.update(answer["error"])  # and plone.rest's shape, as errors.py
                return answer
        return super().reply()
