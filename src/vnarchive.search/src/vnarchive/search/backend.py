"""Search through Apache Solr (collective.solr's connection): the `ISearchBackend` of this add-on.

Takes the core's `SearchQuery` and the user's permission filter (built by collective.solr's own
query builder from the keys Plone's catalog adds, so the two cannot drift) and gives the core's
`Results`. Raises `SearchUnavailable` when Solr is off or does not answer: the core's search
service then asks the catalog.
"""

from html import escape
from plone import api
from vnarchive.content.search_text import fold
from vnarchive.policy.search.backends import FACET_LIMIT
from vnarchive.policy.search.backends import Hit
from vnarchive.policy.search.backends import permission_query
from vnarchive.policy.search.backends import Results
from vnarchive.policy.search.backends import SearchNotConfigured
from vnarchive.policy.search.backends import SearchUnavailable
from vnarchive.policy.search.backends import Snippet
from vnarchive.policy.search.backends import SNIPPET_CHARS
from vnarchive.policy.search.backends import SNIPPETS
from vnarchive.policy.search.interfaces import ISearchBackend
from vnarchive.policy.search.query import day
from vnarchive.policy.search.query import DECADE
from vnarchive.policy.search.query import RECORD_TYPES
from vnarchive.policy.search.query import SORTS
from zope.interface import implementer

import json
import logging
import re
import time


logger = logging.getLogger("vnarchive.search")

MARK_START, MARK_END = (
    "\ue000",
    "\ue001",
)  # Solr's highlight marks, made <mark> after escaping
YEAR_RANGE = (1800, 2100)

# Field boosts: the exact-diacritics fields over their folded copies, titles over text.
QF = (
    "archival_codes^20 Title^10 Title_folded^5 Description^4 Description_folded^2 "
    "SearchableText^3 SearchableText_folded^1"
)
# Phrases: the whole query, and every pair of neighbouring syllables (Vietnamese words are
# mostly two syllables: "lưu trữ", "hồ sơ"), exact above folded.
PF = "Title^20 Title_folded^8 SearchableText^6 SearchableText_folded^3"
PF2 = "Title^8 Title_folded^4 SearchableText^4 SearchableText_folded^2"
FIELDS = (
    "UID path_string Title Description portal_type review_state archival_code fonds_code "
    "document_type issuer date_start date_end record_language access_mode retention score"
)


def solr_permission_filters(catalog, search_utility):
    """Solr filter queries for the current user, built by collective.solr from the same
    keys as Plone's catalog search. Fails closed: no filter, no search."""
    query, params = search_utility.buildQueryAndParameters(**permission_query(catalog))
    filters = list(params.get("fq", []))
    filters += [value for key, value in query.items() if value != "*:*"]
    if not any("allowedRolesAndUsers" in item for item in filters):
        raise SearchUnavailable("no permission filter")
    return filters


# -- Solr ------------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([+\-!(){}\[\]^~*?:\\/]|&&|\|\|)")


def solr_escape(text):
    """A query's words for edismax: operators and syntax escaped; balanced double quotes
    kept (they ask for a phrase), unbalanced ones dropped."""
    text = _SPECIAL.sub(r"\\\1", text)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return text


def _quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def solr_params(query, security):
    """The parameters of the Solr request for `query` (security: the permission filters)."""
    params = {
        "wt": "json",
        "fl": FIELDS,
        "start": query.start,
        "rows": query.page_size,
        "sort": SORTS[query.sort][0],
        "fq": [*security, "portal_type:(" + " OR ".join(RECORD_TYPES) + ")"],
        "facet": "true",
        "facet.mincount": 1,
        "facet.limit": FACET_LIMIT,
        "facet.field": [facet.index for facet in query.facets()],
        "facet.range": "date_start",
        "facet.range.start": day(YEAR_RANGE[0]),
        "facet.range.end": day(YEAR_RANGE[1]),
        "facet.range.gap": DECADE * 10000,
        "facet.range.other": "none",
    }
    variants = query.variants
    if variants:
        params.update(
            {
                "defType": "edismax",
                "q": " OR ".join(f"({solr_escape(v)})" for v in variants),
                "q.op": "AND",
                "qf": QF,
                "pf": PF,
                "pf2": PF2,
                "ps": 0,
                "hl": "true",
                "hl.method": "unified",
                "hl.fl": "page_*",
                "hl.requireFieldMatch": "false",
                "hl.snippets": SNIPPETS,
                "hl.fragsize": SNIPPET_CHARS,
                "hl.tag.pre": MARK_START,
                "hl.tag.post": MARK_END,
                "hl.defaultSummary": "false",
                # The folded words of every variant: the page fields are folded.
                "hl.q": "SearchableText_folded:("
                + " OR ".join(f"({solr_escape(fold(v))})" for v in variants)
                + ")",
            }
        )
    else:
        params["q"] = "*:*"
    for facet in query.facets():
        values = query.filters.get(facet.name)
        if values:
            params["fq"].append(
                f"{facet.index}:(" + " OR ".join(_quote(v) for v in values) + ")"
            )
    if query.year_to:
        params["fq"].append(f"date_start:[* TO {day(query.year_to, last=True)}]")
    if query.year_from:
        params["fq"].append(f"date_end:[{day(query.year_from)} TO *]")
    return params


def solr_connection():
    """collective.solr's connection of this thread, or SearchUnavailable."""
    try:
        from collective.solr.interfaces import ISearch
        from collective.solr.interfaces import ISolrConnectionManager
    except ImportError as error:
        raise SearchNotConfigured("collective.solr is not installed") from error
    registry_active = api.portal.get_registry_record(
        "collective.solr.active", default=False
    )
    if not registry_active:
        raise SearchNotConfigured("Solr is not active")
    from zope.component import queryUtility

    manager = queryUtility(ISolrConnectionManager)
    search_utility = queryUtility(ISearch)
    if manager is None or search_utility is None:
        raise SearchNotConfigured("collective.solr is not set up")
    # collective.solr keeps one connection per thread and never looks at the settings
    # again: after Solr was moved or its credentials changed, open a new one.
    from vnarchive.search.connection import current_connection

    manager.setSearchTimeout()
    manager, connection = current_connection()
    if connection is None:
        raise SearchUnavailable("no Solr connection")
    manager.setSearchTimeout()
    return manager, connection, search_utility


def _snippet_html(text):
    text = escape(" ".join(text.split()))
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def _page_number(name):
    try:
        return int(name.split("_", 1)[1])
    except (IndexError, ValueError):
        return None


def solr_search(context, query):
    started = time.perf_counter()
    catalog = api.portal.get_tool("portal_catalog")
    manager, connection, search_utility = solr_connection()
    try:
        security = solr_permission_filters(catalog, search_utility)
        params = solr_params(query, security)
        response = connection.search(**params)
        data = json.loads(response.read())
    except SearchUnavailable:
        raise
    except Exception as error:
        manager.closeConnection()
        logger.warning("Solr search failed, falling back to the catalog: %r", error)
        raise SearchUnavailable(type(error).__name__) from error
    request = getattr(context, "REQUEST", None)
    highlighting = data.get("highlighting", {})
    hits = []
    for doc in data.get("response", {}).get("docs", []):
        uid = doc.get("UID")
        snippets = []
        for name, fragments in sorted(
            highlighting.get(uid, {}).items(),
            key=lambda item: _page_number(item[0]) or 0,
        ):
            page = _page_number(name)
            snippets += [Snippet(_snippet_html(text), page) for text in fragments]
        hits.append(
            Hit(
                uid=uid,
                url=request.physicalPathToURL(doc.get("path_string", ""))
                if request is not None
                else doc.get("path_string", ""),
                title=doc.get("Title") or "",
                description=doc.get("Description") or "",
                portal_type=doc.get("portal_type") or "",
                review_state=doc.get("review_state") or "",
                archival_code=doc.get("archival_code") or "",
                fonds_code=doc.get("fonds_code") or "",
                document_type=doc.get("document_type") or "",
                issuer=doc.get("issuer") or "",
                date_start=doc.get("date_start"),
                date_end=doc.get("date_end"),
                snippets=snippets[:SNIPPETS],
            )
        )
    counts = data.get("facet_counts", {})
    fields = counts.get("facet_fields", {})
    facets = {}
    for facet in query.facets():
        flat = fields.get(facet.index, [])
        facets[facet.name] = [
            (value, count)
            for value, count in zip(flat[::2], flat[1::2], strict=True)
            if count > 0 and value not in (None, "")
        ]
    ranges = counts.get("facet_ranges", {}).get("date_start", {}).get("counts", [])
    years = [
        (int(value) // 10000, count)
        for value, count in zip(ranges[::2], ranges[1::2], strict=True)
        if count > 0
    ]
    return Results(
        backend="solr",
        total=data.get("response", {}).get("numFound", 0),
        hits=hits,
        facets=facets,
        years=years,
        took_ms=(time.perf_counter() - started) * 1000,
    )


@implementer(ISearchBackend)
class SolrBackend:
    """Full-text search in Solr while collective.solr is active."""

    name = "solr"

    def search(self, context, query):
        return solr_search(context, query)
