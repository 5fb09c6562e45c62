"""GET @search: Plone's own, refusing a free-text parameter given more than once."""

from plone.restapi.services.search.get import SearchGet


# Free-text parameters are one text each: given twice, plone.restapi's handler fails on the
# list ZPublisher makes of them.
TEXT_PARAMETERS = ("SearchableText", "Title", "Description")


class PloneSearchGet(SearchGet):
    """Plone's @search, refusing a free-text parameter given more than once (a 400 in the
    user's language, as every bad parameter: see errors.py)."""

    def reply(self):
        for name in TEXT_PARAMETERS:
            if isinstance(self.request.form.get(name), (list, tuple)):
                raise ValueError(f"{name} given more than once")
        return super().reply()
