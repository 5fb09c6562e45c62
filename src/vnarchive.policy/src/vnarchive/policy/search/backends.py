"""The catalog's search, and what every search backend shares (`Results`, the permission keys).

A full-text backend (vnarchive.search's Solr, an `ISearchBackend` utility) and the catalog both
take a `SearchQuery` and the user's permission filter and give `Results`: the hits of
the page asked for, the total, the facet counts and the snippets. Everything is counted over
what the user may see; nothing else is ever asked for.

Permission filter: the catalog's own `_listAllowedRolesAndUsers(user)` and its
`allow_inactive` rule (Products.CMFPlone.CatalogTool.searchResults), `permission_query`; other
backends turn these very keys into their filters, so they cannot drift from the catalog's.
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

import logging
import re
import time


logger = logging.getLogger("vnarchive.search")

SNIPPETS = 3  # per hit
SNIPPET_CHARS = 160
FACET_LIMIT = 20


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


CATALOG = "catalog"


class SearchUnavailable(Exception):
    """The full-text backend did not answer: the caller falls back to the catalog."""


class SearchNotConfigured(SearchUnavailable):
    """The backend is not set up (Solr inactive): the catalog answers, nothing is wrong."""


# -- The permission filter -------------------------------------------------------------------


def permission_query(catalog):
    """The keys Plone's catalog adds to every search of the current user."""
    user = api.user.get_current()
    query = {"allowedRolesAndUsers": catalog._listAllowedRolesAndUsers(user)}
    if not catalog.allow_inactive({}):
        query["effectiveRange"] = DateTime()
    return query


# -- The catalog -----------------------------------------------------------------------------

_TEXT_SYNTAX = re.compile(r'[()"*?]|\b(?:and|or|not)\b', re.IGNORECASE)


def catalog_text_query(variants):
    """A SearchableText query for the query's variants, OR'ed. Plone's lexicon folds
    Vietnamese (vnarchive.policy.lexicon), so "luu tru" and "lưu trữ" are one query."""
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
        backend=CATALOG,
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
