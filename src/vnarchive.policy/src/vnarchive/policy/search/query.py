"""What a search asks for, read from a page's form or a REST query string.

One `SearchQuery` for both: the words, the facet filters, the year range, the sort order and
the page (`page` and `page_size`, or `b_start` and `b_size` as plone.restapi pages). Bad
input never fails a search: an unknown sort is relevance, a year that is not a
year is ignored (and reported in `problems`), a page that is not a number is the first.
"""

from dataclasses import dataclass
from dataclasses import field
from vnarchive.content import codelists
from vnarchive.content.search_text import normalize_query
from vnarchive.content.search_text import query_variants
from vnarchive.policy import _
from vnarchive.policy.search.interfaces import ISearchFacets
from zope.component import getUtilitiesFor


RECORD_TYPES = (
    "Fonds",
    "Dossier",
    "ArchivalDocument",
    "PhotoRecord",
    "AudioVisualRecord",
)


@dataclass(frozen=True)
class Facet:
    name: str  # the parameter and JSON name
    index: str  # catalog index = Solr field
    title: object  # message
    codelist: object = None  # labels of the values
    staff_only: bool = False
    multi: bool = False  # the index holds several values per record


FACETS = (
    Facet("fonds", "fonds_code", _("search_facet_fonds", default="Phông")),
    Facet(
        "document_type",
        "document_type",
        _("search_facet_document_type", default="Loại văn bản"),
        codelists.DOCUMENT_TYPE,
    ),
    Facet("issuer", "issuer", _("search_facet_issuer", default="Cơ quan ban hành")),
    Facet(
        "language",
        "record_language",
        _("search_facet_language", default="Ngôn ngữ"),
        codelists.LANGUAGE,
        multi=True,
    ),
    Facet(
        "access_mode",
        "access_mode",
        _("search_facet_access_mode", default="Chế độ sử dụng"),
        codelists.ACCESS_MODE,
    ),
    Facet(
        "retention",
        "retention",
        _("search_facet_retention", default="Thời hạn bảo quản"),
        codelists.RETENTION,
    ),
    Facet(
        "review_state",
        "review_state",
        _("search_facet_review_state", default="Trạng thái"),
        staff_only=True,
    ),
)


def all_facets():
    """The core's facets, then those of the add-ons installed here (ISearchFacets)."""
    added = [
        facet
        for _name, provider in sorted(getUtilitiesFor(ISearchFacets))
        if provider.available()
        for facet in provider.facets
    ]
    return (*FACETS, *added)


def facet_named(name):
    """The facet called `name` (KeyError for one no installed add-on offers)."""
    for facet in all_facets():
        if facet.name == name:
            return facet
    raise KeyError(name)


YEAR_FACET = "year"
DECADE = 10

SORTS = {
    # name: (Solr sort, catalog sort_on, catalog sort_order)
    "relevance": ("score desc, date_start asc", None, None),
    "date": ("date_start asc, archival_code asc", "date_start", "ascending"),
    "date_desc": ("date_start desc, archival_code asc", "date_start", "descending"),
    "title": ("sortable_title asc", "sortable_title", "ascending"),
    "code": ("archival_code asc", "archival_code", "ascending"),
}
SORT_TITLES = {
    "relevance": _("search_sort_relevance", default="Phù hợp nhất"),
    "date": _("search_sort_date", default="Thời gian (cũ trước)"),
    "date_desc": _("search_sort_date_desc", default="Thời gian (mới trước)"),
    "title": _("search_sort_title", default="Tiêu đề"),
    "code": _("search_sort_code", default="Mã lưu trữ"),
}
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
MAX_QUERY = 500  # characters
MIN_YEAR, MAX_YEAR = 1000, 2999


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> [values]
    year_from: int = None
    year_to: int = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE
    staff: bool = False
    problems: list = field(default_factory=list)  # messages about ignored input

    @property
    def variants(self):
        return query_variants(self.text)

    @property
    def start(self):
        return (self.page - 1) * self.page_size

    def facets(self):
        return [facet for facet in all_facets() if self.staff or not facet.staff_only]

    def params(self, **changes):
        """The query string of this query (with `changes`), for links."""
        values = {
            "q": self.text,
            "sort": self.sort if self.sort != "relevance" else None,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "page": self.page if self.page > 1 else None,
        }
        for name, selected in self.filters.items():
            values[name] = list(selected)
        values.update(changes)
        return [
            (key, item)
            for key, value in values.items()
            for item in (value if isinstance(value, list) else [value])
            if item not in (None, "", [])
        ]


def _values(form, name):
    value = form.get(name)
    if value is None:
        value = form.get(f"{name}:list")
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(item).strip() for item in values if str(item).strip()]


def _year(form, name, problems):
    values = _values(form, name)
    if not values:
        return None
    try:
        year = int(values[0])
    except ValueError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(
            _(
                "search_bad_year",
                default="Năm không hợp lệ: ${value} (bỏ qua). Nhập năm bốn chữ số, ví dụ 1975.",
                mapping={"value": values[0][:20]},
            )
        )
        return None
    return year


def _int(form, name, default, lowest, highest):
    values = _values(form, name)
    try:
        number = int(values[0]) if values else default
    except ValueError:
        number = default
    return max(lowest, min(highest, number))


def parse(form, staff=False):
    """A SearchQuery from a request form (or any mapping of names to str or lists)."""
    problems = []
    text = normalize_query(
        " ".join(_values(form, "q") or _values(form, "SearchableText"))
    )
    if len(text) > MAX_QUERY:
        text = text[:MAX_QUERY]
        problems.append(
            _(
                "search_query_too_long",
                default="Từ khóa quá dài: chỉ ${count} ký tự đầu được tìm.",
                mapping={"count": MAX_QUERY},
            )
        )
    filters = {}
    for facet in all_facets():
        if facet.staff_only and not staff:
            continue
        values = _values(form, facet.name)
        if values:
            filters[facet.name] = list(dict.fromkeys(values))[:20]
    year_from = _year(form, "year_from", problems)
    year_to = _year(form, "year_to", problems)
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
    sort = (_values(form, "sort") or ["relevance"])[0]
    if sort not in SORTS:
        sort = "relevance"
    if sort == "relevance" and not text:
        sort = "code"  # nothing to rank by: a stable order
    # By page (the page's links), or as plone.restapi pages (REST links): b_size items
    # from item b_start on, a page boundary (b_start is rounded down to one).
    page_size = _int(form, "page_size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page_size = _int(form, "b_size", page_size, 1, MAX_PAGE_SIZE)
    page = _int(form, "page", 1, 1, MAX_PAGE)
    if _values(form, "b_start"):
        page = min(
            _int(form, "b_start", 0, 0, MAX_PAGE * page_size) // page_size + 1, MAX_PAGE
        )
    return SearchQuery(
        text=text,
        filters=filters,
        year_from=year_from,
        year_to=year_to,
        sort=sort,
        page=page,
        page_size=page_size,
        staff=staff,
        problems=problems,
    )


def day(year, last=False):
    """The YYYYMMDD day number that starts (or ends) `year`, as date_start/date_end hold."""
    return year * 10000 + (1231 if last else 101)
