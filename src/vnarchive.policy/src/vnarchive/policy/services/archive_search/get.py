"""GET /@archive-search: the search page's answer as JSON (facets and snippets included).

Plone's own @search keeps its shape (clients rely on it, and it goes to Solr through
collective.solr with the same permission filter); this service adds what people search
with: Telex/VNI variants, facets, year ranges, snippets with page numbers. It pages as
plone.restapi does (`b_start`, `b_size`, the `batching` links); `page` and `page_size`,
which the search page uses, are understood too.
"""

from plone import api
from plone.restapi.services import Service
from vnarchive.policy.search.service import outcome_json
from vnarchive.policy.search.service import run_search
from vnarchive.policy.services.batching import Batch
from vnarchive.policy.services.batching import Page


class ArchiveSearchGet(Service):
    def reply(self):
        outcome = run_search(self.context, self.request.form)
        self.request.response.setHeader("Cache-Control", "private, no-store")
        base_url = f"{api.portal.get().absolute_url()}/@archive-search"
        data = outcome_json(outcome, self.request, base_url)
        query = outcome.query
        hits = Page(data["items"], query.start, outcome.results.total)
        batch = Batch(self.request, hits, query.start, query.page_size)
        del data["batching"]  # the page's own links, by page number
        if batch.links:
            data["batching"] = batch.links
        return data
