"""The search page (@@archive-search, and @@search on the site, which the portal's search box
and the front page use) and collective.solr's suggestion views made permission-safe."""

from plone import api
from Products.Five.browser import BrowserView
from vnarchive.policy.search.query import facet_named
from vnarchive.policy.search.service import facet_value_title
from vnarchive.policy.search.service import notice
from vnarchive.policy.search.service import outcome_json
from vnarchive.policy.search.service import run_search
from vnarchive.policy.search.service import url_with
from zope.i18n import translate

import json


class ArchiveSearchView(BrowserView):
    """One page for staff and the public: query box, facets, sorting, paging, snippets."""

    def __call__(self):
        self.outcome = run_search(self.context, self.request.form)
        self.data = outcome_json(self.outcome, self.request, self.base_url)
        # Search pages are personal (what a user may see): never cached by a proxy.
        self.request.response.setHeader("Cache-Control", "private, no-store")
        return self.index()

    @property
    def base_url(self):
        return f"{api.portal.get().absolute_url()}/@@archive-search"

    @property
    def query(self):
        return self.outcome.query

    def notice(self):
        return notice(self.outcome, self.request)

    def link(self, **changes):
        return url_with(self.base_url, self.query, page=None, **changes)

    def filter_link(self, facet_name, value, selected):
        values = list(self.query.filters.get(facet_name, []))
        if selected:
            values.remove(value)
        else:
            values.append(value)
        return self.link(**{facet_name: values})

    def year_link(self, year_from, year_to):
        return self.link(year_from=year_from, year_to=year_to)

    def page_link(self, page):
        return url_with(self.base_url, self.query, page=page if page > 1 else None)

    def sort_link(self, sort):
        return self.link(sort=sort)

    def pages(self):
        """Page numbers to show: the first, the last and a window around the current one."""
        total = self.data["batching"]["pages"]
        current = self.query.page
        shown = sorted(
            {1, total, *range(max(1, current - 2), min(total, current + 2) + 1)}
        )
        return shown

    def span(self, item):
        start, end = item.get("date_start"), item.get("date_end")
        if not start:
            return ""
        first, last = str(start)[:4], str(end or start)[:4]
        return first if first == last else f"{first}–{last}"

    def active_filters(self):
        """(facet title, value title, link that removes it) of every filter in use, also
        of those that leave nothing to find."""
        titles = {
            facet["name"]: {value["value"]: value["title"] for value in facet["values"]}
            for facet in self.data["facets"]
        }
        found = []
        for name, values in self.query.filters.items():
            facet = facet_named(name)
            for value in values:
                title = titles.get(name, {}).get(value) or facet_value_title(
                    facet, value, self.request
                )
                link = self.filter_link(name, value, True)
                found.append(
                    (translate(facet.title, context=self.request), title, link)
                )
        return found


class SafeSuggestView(BrowserView):
    """collective.solr's @@suggest-terms and @@solr-autocomplete ask Solr's /spell and
    /autocomplete handlers with no permission filter: they would suggest the titles and words
    of records the user may not see. Here they answer from the user's own search instead:
    titles of the first records the user may see that match the term."""

    LIMIT = 10

    def __call__(self):
        term = self.request.form.get("term", "")
        response = self.request.response
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Cache-Control", "private, no-store")
        if not isinstance(term, str) or not term.strip():
            return json.dumps([])
        outcome = run_search(self.context, {"q": term, "page_size": str(self.LIMIT)})
        titles = list(dict.fromkeys(hit.title for hit in outcome.results.hits))
        return json.dumps([{"label": title, "value": title} for title in titles])


class LiveSearchView(BrowserView):
    """@@ajax-search (the portal search box's live results) from the same search: Telex,
    folding and permissions as on the search page. Plone's own sends `bí* AND mật*`, which
    collective.solr folds into wildcards on the exact-diacritics field and so never finds
    Vietnamese words. The answer has the shape of Plone's."""

    def __call__(self):
        form = self.request.form
        try:
            per_page = max(1, min(50, int(form.get("perPage", 10))))
        except (TypeError, ValueError):
            per_page = 10
        try:
            page = max(1, int(form.get("page", 1)))
        except (TypeError, ValueError):
            page = 1
        query = {
            "q": form.get("SearchableText", ""),
            "page": str(page),
            "page_size": str(per_page),
        }
        outcome = run_search(self.context, query)
        response = self.request.response
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Cache-Control", "private, no-store")
        items = [
            {
                "id": hit.uid,
                "title": hit.title,
                "description": hit.description[:160],
                "url": hit.url,
                "state": hit.review_state if outcome.staff else None,
                "img_tag": None,
            }
            for hit in outcome.results.hits
        ]
        return json.dumps({"total": outcome.results.total, "items": items})
