"""The two ways a search runs: Solr (through collective.solr's connection) and the catalog.

Both take a `SearchQuery` and the user's permission filter and give `Results`: the hits of
the page asked for, the total, the facet counts and the snippets. Everything is counted over
what the user may see; nothing else is ever asked for.

Permission filter: the catalog's own `_listAllowedRolesAndUsers(user)` and its
`allow_inactive` rule (Products.CMFPlone.CatalogTool.searchResults), turned into Solr filter
queries by collective.solr's own query builder, so the Solr filter is the one Plone's catalog
(and collective.solr's dispatch of @search) applies and cannot drift from it.
"""

from dataclasses import dataclass
from dataclasses import field
from DateTime import DateTime
from html import escape
from plone import api
from vnarchive.content.files import IRecordFiles
from vnarchive.content.search_text import fold
from vnarchive.policy.search.query import day
from vnarchive.policy.search.query import DECADE
from vnarchive.policy.search.query import RECORD_TYPES
from vnarchive.policy.search.query import SORTS

import json
import logging
import re
import time


logger = logging.getLogger("vnarchive.search")

MARK_START, MARK_END = (
    "\ue000",
    "\ue001",
)  # Solr's highlight marks, made <mark> after escaping
SNIPPETS = 3  # per hit
SNIPPET_CHARS = 160
FACET_LIMIT = 20
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


@dataclass
class Snippet:
    html: str  # escaped text with <mark> around the words found
    page: int = None  # the page of the OCR text it comes from


@dataclass
class Hit:
    uid: str
    url: str
    title: str
    description: str = ""
    portal_type: str = ""
    review_state: str = ""
    archival_code: str = ""
    fonds_code: str = ""
    document_type: str = ""
    issuer: str = ""
    date_start: int = None
    date_end: int = None
    snippets: list = field(default_factory=list)


@dataclass
class Results:
    backend: str  # "solr" or "catalog"
    total: int = 0
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)  # facet name -> [(value, count)]
    years: list = field(default_factory=list)  # [(first year of the decade, count)]
    took_ms: float = 0.0


class SearchUnavailable(Exception):
    """Solr is not set up, or did not answer: the caller falls back to the catalog."""


# -- The permission filter -------------------------------------------------------------------


def permission_query(catalog):
    """The keys Plone's catalog adds to every search of the current user."""
    user = api.user.get_current()
    query = {"allowedRolesAndUsers": catalog._listAllowedRolesAndUsers(user)}
    if not catalog.allow_inactive({}):
        query["effectiveRange"] = DateTime()
    return query


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
        raise SearchUnavailable("collective.solr is not installed") from error
    registry_active = api.portal.get_registry_record(
        "collective.solr.active", default=False
    )
    if not registry_active:
        raise SearchUnavailable("Solr is not active")
    from zope.component import queryUtility

    manager = queryUtility(ISolrConnectionManager)
    search_utility = queryUtility(ISearch)
    if manager is None or search_utility is None:
        raise SearchUnavailable("collective.solr is not set up")
    # collective.solr keeps one connection per thread and never looks at the settings
    # again: after Solr was moved or its credentials changed, open a new one.
    from vnarchive.policy.solr import current_connection

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


# -- The catalog -----------------------------------------------------------------------------

_TEXT_SYNTAX = re.compile(r'[()"*?]|\b(?:and|or|not)\b', re.IGNORECASE)


def catalog_text_query(variants):
    """A SearchableText query for the query's variants, OR'ed. Plone's lexicon folds
    Vietnamese (vnarchive.policy.solr.lexicon), so "luu tru" and "lưu trữ" are one query."""
    groups = {}
    for variant in variants:
        words = [
            word
            for word in _TEXT_SYNTAX.sub(" ", variant).split()
            if re.search(r"\w", word)
        ]
        if words:
            groups.setdefault(fold(" ".join(words)), " ".join(words))
    if not groups:
        return None
    return " OR ".join(f"({group})" for group in groups.values())


def catalog_query(query):
    """Catalog keys for `query`; the catalog adds the user's permission keys itself."""
    keys = {"portal_type": list(RECORD_TYPES)}
    text = catalog_text_query(query.variants)
    if text:
        keys["SearchableText"] = text
    for facet in query.facets():
        values = query.filters.get(facet.name)
        if values:
            keys[facet.index] = list(values)  # a list: any of them
    if query.year_to:
        keys["date_start"] = {"query": day(query.year_to, last=True), "range": "max"}
    if query.year_from:
        keys["date_end"] = {"query": day(query.year_from), "range": "min"}
    _solr_order, sort_on, sort_order = SORTS[query.sort]
    if sort_on:
        keys["sort_on"] = sort_on
        keys["sort_order"] = sort_order
    return keys


def catalog_results(catalog, keys):
    """Plone's catalog search (permission keys added by CatalogTool.searchResults), never
    dispatched to Solr: collective.solr keeps Plone's own method as _cs_old_searchResults."""
    search = getattr(catalog, "_cs_old_searchResults", None) or catalog.searchResults
    return search(**keys)


def _brain_values(catalog, brain, facet):
    if facet.multi:
        index = catalog._catalog.getIndex(facet.index)
        values = index.getEntryForObject(brain.getRID(), default=None) or ()
        return list(values) if isinstance(values, list | tuple) else [values]
    value = getattr(brain, facet.index, None)
    return [value] if value not in (None, "") else []


def _page_snippets(obj, variants):
    """Simple snippets from the OCR pages of `obj`: where the folded words occur."""
    words = {
        word for variant in variants for word in fold(variant).split() if len(word) > 1
    }
    files = IRecordFiles(obj, None)
    if not words or files is None:
        return []
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
        + r")(?!\w)"
    )
    snippets = []
    for page in files.pages():
        text = page.text or ""
        folded = fold(text)
        if len(folded) != len(text):  # folding changed the length: no safe offsets
            continue
        found = list(pattern.finditer(folded))
        if not found:
            continue
        start = max(0, found[0].start() - SNIPPET_CHARS // 2)
        end = min(len(text), start + SNIPPET_CHARS)
        pieces, position = [], start
        for match in found:
            if match.start() < start or match.end() > end:
                continue
            pieces.append(escape(text[position : match.start()]))
            pieces.append(
                "<mark>" + escape(text[match.start() : match.end()]) + "</mark>"
            )
            position = match.end()
        pieces.append(escape(text[position:end]))
        html = " ".join("".join(pieces).split())
        snippets.append(
            Snippet(
                ("… " if start else "") + html + (" …" if end < len(text) else ""),
                page.number,
            )
        )
        if len(snippets) >= SNIPPETS:
            break
    return snippets


def catalog_search(context, query):
    started = time.perf_counter()
    catalog = api.portal.get_tool("portal_catalog")
    try:
        brains = catalog_results(catalog, catalog_query(query))
    except Exception as error:  # a query the text index cannot parse
        logger.info("catalog search failed for %r: %r", query.text, error)
        brains = []
    total = len(brains)
    facets = {facet.name: {} for facet in query.facets()}
    decades = {}
    for brain in brains:
        for facet in query.facets():
            for value in _brain_values(catalog, brain, facet):
                counts = facets[facet.name]
                counts[value] = counts.get(value, 0) + 1
        if brain.date_start:
            year = int(brain.date_start) // 10000
            decade = year - year % DECADE
            decades[decade] = decades.get(decade, 0) + 1
    hits = []
    for brain in brains[query.start : query.start + query.page_size]:
        snippets = []
        if query.text and brain.portal_type in RECORD_TYPES:
            try:
                snippets = _page_snippets(brain.getObject(), query.variants)
            except Exception:  # a hit that cannot be woken up shows no snippet
                logger.debug("no snippet for %s", brain.getPath(), exc_info=True)
        hits.append(
            Hit(
                uid=brain.UID,
                url=brain.getURL(),
                title=brain.Title or "",
                description=brain.Description or "",
                portal_type=brain.portal_type or "",
                review_state=brain.review_state or "",
                archival_code=brain.archival_code or "",
                fonds_code=brain.fonds_code or "",
                document_type=brain.document_type or "",
                issuer=brain.issuer or "",
                date_start=brain.date_start or None,
                date_end=brain.date_end or None,
                snippets=snippets,
            )
        )
    return Results(
        backend="catalog",
        total=total,
        hits=hits,
        facets={
            name: sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[
                :FACET_LIMIT
            ]
            for name, counts in facets.items()
        },
        years=sorted(decades.items()),
        took_ms=(time.perf_counter() - started) * 1000,
    )
