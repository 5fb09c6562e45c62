"""One search for the page and for REST: Solr when it answers, else the catalog.

    results = run_search(context, request.form)   # -> SearchOutcome
    data = outcome_json(outcome, base_url)        # the REST answer (snake_case)

When Solr is not set up, or fails, the catalog answers (Vietnamese folding through the
`folded_text` index, facets counted over the permitted results, simple snippets) and
`outcome.reduced` is True: staff are told search runs in reduced mode; the public is not.
After a failure Solr is not asked again for RETRY_AFTER seconds, so that a dead server does
not make every search wait for its time-out.
"""

from AccessControl import getSecurityManager
from dataclasses import dataclass
from plone import api
from vnarchive.policy import _
from vnarchive.policy.search import backends
from vnarchive.policy.search.interfaces import ISearchBackend
from vnarchive.policy.search.query import facet_named
from vnarchive.policy.search.query import parse
from vnarchive.policy.search.query import SORT_TITLES
from vnarchive.policy.search.query import SORTS
from vnarchive.policy.search.query import YEAR_FACET
from zope.component import queryUtility
from zope.i18n import translate

import threading
import time
import urllib.parse


STAFF_PERMISSION = "vnarchive: View journal"
RETRY_AFTER = 10.0  # seconds

_state = threading.local()
_backend_down_until = [0.0]


def is_staff(context):
    """Staff read journals (archivists, archive heads, appraisers, managers)."""
    return bool(
        getSecurityManager().checkPermission(STAFF_PERMISSION, api.portal.get())
    )


@dataclass
class SearchOutcome:
    query: object  # SearchQuery
    results: object  # backends.Results
    reduced: bool  # the catalog answered instead of the full-text backend (Solr)
    staff: bool


def backend_down():
    return time.monotonic() < _backend_down_until[0]


def run_search(context, form):
    """Search with the parameters in `form` (a request form or a dict) as the current user."""
    staff = is_staff(context)
    query = parse(form, staff=staff)
    results = None
    backend = queryUtility(ISearchBackend)
    if backend is not None and not backend_down():
        try:
            results = backend.search(context, query)
        except backends.SearchNotConfigured:
            pass
        except backends.SearchUnavailable:
            _backend_down_until[0] = time.monotonic() + RETRY_AFTER
    if results is None:
        results = backends.catalog_search(context, query)
    return SearchOutcome(
        query=query,
        results=results,
        reduced=results.backend == backends.CATALOG,
        staff=staff,
    )


def reset_backend_state():
    """Ask the backend again at the next search (tests, and after an operator restarts Solr)."""
    _backend_down_until[0] = 0.0


# -- Labels ----------------------------------------------------------------------------------


def _t(message, request):
    return translate(message, context=request) if message is not None else ""


def facet_value_title(facet, value, request, fonds_titles=None):
    if facet.codelist is not None:
        code = facet.codelist.get(value)
        if code is not None:
            return _t(code.label, request)
    if facet.name == "fonds" and fonds_titles:
        return fonds_titles.get(value) or value
    if facet.name == "review_state":
        workflow = api.portal.get_tool("portal_workflow")
        title = workflow.getTitleForStateOnType(value, "ArchivalDocument")
        return _t(title, request) if title else value
    return value


def fonds_titles(codes):
    """Titles of the fonds the user may see, by code (others show their code)."""
    if not codes:
        return {}
    brains = api.content.find(portal_type="Fonds", fonds_code=list(codes))
    return {brain.fonds_code: brain.Title for brain in brains}


def notice(outcome, request):
    """The staff notice about reduced mode, or None (never for the public)."""
    if not (outcome.reduced and outcome.staff):
        return None
    return _t(
        _(
            "search_reduced_mode",
            default="Tìm kiếm đang chạy ở chế độ rút gọn: máy chủ Solr không hoạt động, "
            "kết quả lấy từ danh mục của Plone (không xếp hạng theo dấu, trích đoạn đơn "
            "giản). Kiểm tra Solr (make status) và đồng bộ lại chỉ mục khi Solr chạy lại.",
        ),
        request,
    )


# -- The REST answer -------------------------------------------------------------------------


def url_with(base_url, query, **changes):
    params = query.params(**changes)
    return base_url + ("?" + urllib.parse.urlencode(params) if params else "")


def outcome_json(outcome, request, base_url):
    query, results = outcome.query, outcome.results
    pages = max(1, -(-results.total // query.page_size))
    titles = fonds_titles([value for value, _count in results.facets.get("fonds", [])])
    facets = []
    for name, counts in results.facets.items():
        facet = facet_named(name)
        selected = set(query.filters.get(name, []))
        facets.append(
            {
                "name": name,
                "index": facet.index,
                "title": _t(facet.title, request),
                "values": [
                    {
                        "value": value,
                        "title": facet_value_title(facet, value, request, titles),
                        "count": count,
                        "selected": value in selected,
                    }
                    for value, count in counts
                ],
            }
        )
    facets.append(
        {
            "name": YEAR_FACET,
            "index": "date_start",
            "title": _t(_("search_facet_year", default="Thời gian"), request),
            "values": [
                {
                    "value": decade,
                    "title": f"{decade}–{decade + 9}",
                    "year_from": decade,
                    "year_to": decade + 9,
                    "count": count,
                }
                for decade, count in results.years
            ],
        }
    )
    items = []
    for hit in results.hits:
        item = {
            "@id": hit.url,
            "uid": hit.uid,
            "title": hit.title,
            "description": hit.description,
            "portal_type": hit.portal_type,
            "archival_code": hit.archival_code,
            "fonds_code": hit.fonds_code,
            "document_type": hit.document_type,
            "issuer": hit.issuer,
            "date_start": hit.date_start,
            "date_end": hit.date_end,
            "snippets": [
                {"page": snippet.page, "html": snippet.html} for snippet in hit.snippets
            ],
        }
        if outcome.staff:
            item["review_state"] = hit.review_state
        items.append(item)
    data = {
        "@id": url_with(base_url, query, page=query.page if query.page > 1 else None),
        "query": {
            "q": query.text,
            "variants": query.variants,
            "filters": query.filters,
            "year_from": query.year_from,
            "year_to": query.year_to,
            "sort": query.sort,
            "page": query.page,
            "page_size": query.page_size,
        },
        "problems": [_t(problem, request) for problem in query.problems],
        "items_total": results.total,
        "items": items,
        "facets": facets,
        "sorts": [
            {"value": name, "title": _t(SORT_TITLES[name], request)} for name in SORTS
        ],
        "batching": {
            "page": query.page,
            "pages": pages,
            "next": url_with(base_url, query, page=query.page + 1)
            if query.page < pages
            else None,
            "prev": url_with(base_url, query, page=query.page - 1 or None)
            if query.page > 1
            else None,
        },
    }
    if outcome.staff:
        data["backend"] = results.backend
        data["reduced"] = outcome.reduced
        data["notice"] = notice(outcome, request)
    return data
