"""The search people use (@@archive-search, @@search, GET @archive-search) on a real Solr.

Over real HTTP against the functional site, with the demo holdings and a few documents made
for ranking, facets and paging indexed in a real Solr 9 (search_helpers.solr_url): facets,
sorting, paging, snippets from OCR pages with their page numbers, Telex/VNI queries, exact
diacritics ranked above folded ones, the REST shape, bad input, and the catalog fallback
(with the staff notice) when Solr is stopped under the running site.
"""

from helpers import adder_for
from helpers import CONDITIONAL_DOCUMENT
from helpers import DEMO_PASSWORD
from helpers import document_data
from helpers import load_holdings
from helpers import move_to
from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from helpers import USERS
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from search_helpers import set_pages
from search_helpers import use_solr
from vnarchive.content.search_text import fold
from vnarchive.policy.records import create_record

import html
import pytest
import re
import requests
import transaction
import unicodedata


TIMEOUT = 30
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)

OCR_PAGE_2 = (
    "Trang hai: báo cáo về công tác lưu trữ tài liệu của tỉnh Quảng Trị năm 2010."
)
OCR_PAGE_3 = "Trang ba: kế hoạch năm 2011 về giao thông nông thôn."
# Subjects of the documents made for ranking (all published, in the published dossier).
EXACT = "Hướng dẫn lưu trữ hồ sơ điện tử"
FOLDED = "Huong dan luu tru ho so giay"
APART = "Hướng dẫn về trữ lượng nước và lưu vực sông"
MADE = {
    "exact": {"subjectText": EXACT, "typeName": "08", "issuedDate": "03/03/2012"},
    "folded": {"subjectText": FOLDED, "typeName": "08", "issuedDate": "04/04/2013"},
    "apart": {"subjectText": APART, "typeName": "10", "issuedDate": "05/05/2014"},
}


def made_document(portal, dossier, **changes):
    login(portal, adder_for(dossier))
    document = create_record(dossier, "ArchivalDocument", document_data(**changes))
    login(portal, TEST_USER_NAME)
    return document


@pytest.fixture
def site(solr_portal, solr_holdings, solr_server):
    """The demo holdings and the ranking documents, indexed in Solr; OCR text on two pages
    of the published document. Returns (site URL, {name or code: record URL}, {name: code})."""
    from vnarchive.policy.search.service import reset_backend_state

    reset_backend_state()
    portal = solr_portal
    records = solr_holdings
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    set_pages(records[PUBLISHED_DOCUMENT], {2: OCR_PAGE_2, 3: OCR_PAGE_3})
    made = {}
    for name, changes in MADE.items():
        # Made in the published dossier (open for additions), then published.
        document = made_document(portal, records[PUBLISHED_DOSSIER], **changes)
        made[name] = move_to(portal, document, "published")
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    urls = {code: obj.absolute_url() for code, obj in records.items()}
    urls.update({name: obj.absolute_url() for name, obj in made.items()})
    codes = {name: obj.docCode for name, obj in made.items()}
    assert len(solr_server.uids()) >= len(records) + len(made)
    return portal.absolute_url(), urls, codes


def rest(site_url, user=None, **params):
    response = requests.get(
        f"{site_url}/@archive-search",
        params=params,
        headers={"Accept": "application/json"},
        auth=user,
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text[:500]
    return response.json()


def page(site_url, user=None, view="@@archive-search", **params):
    response = requests.get(
        f"{site_url}/{view}", params=params, auth=user, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text[:500]
    return response.text


def ids(data):
    return [item["@id"] for item in data["items"]]


def facet(data, name):
    return {value["value"]: value["count"] for value in _facet(data, name)["values"]}


def _facet(data, name):
    return next(item for item in data["facets"] if item["name"] == name)


# -- Language --------------------------------------------------------------------------------

LUU_TRU = [
    "lưu trữ",
    "luu tru",
    "LƯU TRỮ",
    "Lưu Trữ",
    unicodedata.normalize("NFD", "lưu trữ"),
    "luwu truwx",
    "lu7u tru74",
]


@pytest.mark.parametrize("words", LUU_TRU)
def test_every_form_of_a_word_finds_it(site, words):
    site_url, urls, _codes = site
    data = rest(site_url, ARCHIVIST, q=words)
    assert data["backend"] == "solr"
    found = set(ids(data))
    assert {urls["exact"], urls["folded"], urls[PUBLISHED_DOCUMENT]} <= found


def test_telex_query_shows_what_was_searched(site):
    site_url, _urls, _codes = site
    data = rest(site_url, q="luwu truwx")
    assert data["query"]["variants"] == ["luwu truwx", "lưu trữ"]
    text = html.unescape(page(site_url, q="luwu truwx"))
    assert "lưu trữ" in text


def test_exact_diacritics_rank_above_folded(site):
    site_url, urls, _codes = site
    order = ids(rest(site_url, q="lưu trữ hồ sơ"))
    assert order.index(urls["exact"]) < order.index(urls["folded"])
    # Typed without marks, the folded record is no worse than the exact one.
    order = ids(rest(site_url, q="luu tru ho so"))
    assert order.index(urls["folded"]) < order.index(urls["exact"])


def test_multi_syllable_words_rank_as_phrases(site):
    site_url, urls, _codes = site
    order = ids(rest(site_url, q="lưu trữ"))
    # "apart" has both syllables, not as the word "lưu trữ": found, but below.
    assert urls["apart"] in order
    assert order.index(urls["exact"]) < order.index(urls["apart"])
    # A quoted phrase asks for the word itself.
    quoted = ids(rest(site_url, q='"lưu trữ"'))
    assert urls["exact"] in quoted
    assert urls["apart"] not in quoted


def test_d_with_stroke_matches_d(site):
    site_url, urls, _codes = site
    assert urls["exact"] in ids(rest(site_url, q="huong dan dien tu"))
    assert urls["exact"] in ids(rest(site_url, q="ĐIỆN TỬ"))


def test_code_finds_its_record_first(site):
    site_url, urls, _codes = site
    data = rest(site_url, q=PUBLISHED_DOCUMENT)
    assert ids(data)[0] == urls[PUBLISHED_DOCUMENT]


# -- Snippets --------------------------------------------------------------------------------


def test_snippets_come_with_their_page(site):
    site_url, urls, _codes = site
    data = rest(site_url, q="luu tru tai lieu")
    item = next(i for i in data["items"] if i["@id"] == urls[PUBLISHED_DOCUMENT])
    assert item["snippets"], item
    snippet = item["snippets"][0]
    assert snippet["page"] == 2
    assert "<mark>lưu</mark>" in snippet["html"]
    assert "<mark>tài</mark>" in snippet["html"]
    # Words on page 3 come from page 3.
    data = rest(site_url, q="giao thông nông thôn")
    item = next(i for i in data["items"] if i["@id"] == urls[PUBLISHED_DOCUMENT])
    assert [s["page"] for s in item["snippets"]] == [3]


def test_snippets_are_escaped(site, solr_portal):
    site_url, urls, _codes = site
    from helpers import by_code

    portal = solr_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    record = by_code(portal)[PUBLISHED_DOCUMENT]
    set_pages(record, {4: "<script>alert('lưu trữ')</script> kho lưu trữ"})
    transaction.commit()
    data = rest(site_url, q="kho lưu trữ")
    item = next(i for i in data["items"] if i["@id"] == urls[PUBLISHED_DOCUMENT])
    snippet = next(s for s in item["snippets"] if s["page"] == 4)
    assert "<script>" not in snippet["html"]
    assert "&lt;script&gt;" in snippet["html"]


def test_page_shows_snippet_with_page_number(site):
    site_url, _urls, _codes = site
    text = page(site_url, q="luu tru tai lieu")
    assert re.search(r"Trang\s+2\s*:", text)
    assert "<mark>lưu</mark>" in text


# -- Facets, years, sorting, paging ----------------------------------------------------------


def test_facets_count_and_filter(site):
    site_url, urls, _codes = site
    data = rest(site_url, q="hướng dẫn")
    types = facet(data, "document_type")
    assert types["08"] == 2
    assert types["10"] == 1
    assert _facet(data, "document_type")["values"][0]["title"] == "Hướng dẫn"
    assert facet(data, "fonds") == {"UBQT": data["items_total"]}
    filtered = rest(site_url, q="hướng dẫn", document_type="10")
    assert ids(filtered) == [urls["apart"]]
    assert filtered["items_total"] == 1
    both = rest(site_url, q="hướng dẫn", document_type=["08", "10"])
    assert both["items_total"] == 3
    # A filter that leaves nothing is still listed, with its link to remove it.
    text = html.unescape(page(site_url, q="hướng dẫn", document_type="03"))
    assert "Không tìm thấy" in text
    active = text.split("vnarchive-active-filters", 1)[1].split("</ul>", 1)[0]
    assert "Loại văn bản" in active
    assert "Chỉ thị" in active
    assert "document_type" not in re.search(r'href="([^"]*)"', active).group(1)


def test_workflow_state_facet_is_for_staff(site):
    site_url, _urls, _codes = site
    public = rest(site_url, q="tổng kết")
    assert "review_state" not in {f["name"] for f in public["facets"]}
    assert "review_state" not in public["items"][0]
    assert "backend" not in public
    staff = rest(site_url, ARCHIVIST, q="tổng kết")
    states = facet(staff, "review_state")
    assert states["published"] >= 2
    assert states["archived"] >= 1  # the conditional document
    # A reader cannot filter by state (the parameter is ignored).
    assert (
        rest(site_url, READER, q="tổng kết", review_state="archived")["items_total"]
        == (public["items_total"])
    )


def test_year_range(site):
    site_url, urls, _codes = site
    data = rest(site_url, q="hướng dẫn", year_from="2013", year_to="2014")
    assert set(ids(data)) == {urls["folded"], urls["apart"]}
    decades = facet(rest(site_url, q="hướng dẫn"), "year")
    assert decades == {2010: 3}


def test_sorting(site):
    site_url, urls, _codes = site
    by_date = ids(rest(site_url, q="hướng dẫn", sort="date"))
    assert by_date == [urls["exact"], urls["folded"], urls["apart"]]
    assert ids(rest(site_url, q="hướng dẫn", sort="date_desc")) == by_date[::-1]
    by_code = rest(site_url, sort="code", page_size="100")
    codes = [item["archival_code"] for item in by_code["items"]]
    assert codes == sorted(codes)
    by_title = rest(site_url, q="hướng dẫn", sort="title")
    titles = [item["title"] for item in by_title["items"]]
    # Sorted as people read them: marks and đ folded ("Hướng dẫn" sorts with "Huong dan").
    assert titles == sorted(titles, key=lambda title: fold(title).casefold())


def test_paging(site):
    """As plone.restapi pages: b_start, b_size and the `batching` links (page and
    page_size, which the search page uses, give the same batches)."""
    site_url, _urls, _codes = site
    first = rest(site_url, b_size="2")
    total = first["items_total"]
    assert total > 4
    assert set(first["batching"]) == {"@id", "first", "last", "next"}

    def follow(link):
        return requests.get(
            link, headers={"Accept": "application/json"}, timeout=30
        ).json()

    second = follow(first["batching"]["next"])
    assert second["query"]["page"] == 2
    assert set(ids(first)).isdisjoint(ids(second))
    assert "prev" in second["batching"]
    assert ids(follow(second["batching"]["prev"])) == ids(first)
    assert ids(rest(site_url, page_size="2", page="2")) == ids(second)
    last = follow(first["batching"]["last"])
    pages = -(-total // 2)
    assert last["query"]["page"] == pages
    assert "next" not in last["batching"]
    assert len(last["items"]) == total - 2 * (pages - 1)
    assert "batching" not in rest(site_url, b_size="100")  # one batch: no links


# -- REST shape and bad input ----------------------------------------------------------------


def test_rest_shape(site):
    site_url, _urls, _codes = site
    data = rest(site_url, q="tổng kết")
    assert set(data) >= {
        "@id",
        "query",
        "items",
        "items_total",
        "facets",
        "sorts",
        "problems",
    }
    assert set(data["query"]) == {
        "q",
        "variants",
        "filters",
        "year_from",
        "year_to",
        "sort",
        "page",
        "page_size",
    }
    item = data["items"][0]
    assert set(item) >= {
        "@id",
        "uid",
        "title",
        "description",
        "portal_type",
        "archival_code",
        "fonds_code",
        "document_type",
        "issuer",
        "date_start",
        "date_end",
        "snippets",
    }
    names = [f["name"] for f in data["facets"]]
    assert names == [
        "fonds",
        "document_type",
        "issuer",
        "language",
        "access_mode",
        "retention",
        "signature",  # the digitization add-on's (ISearchFacets)
        "year",
    ]
    every_key = re.compile(r"^[a-z_@]+$")
    assert all(every_key.match(key) for key in data)
    assert all(every_key.match(key) for key in item)


def test_bad_input_is_reported_not_failed(site):
    site_url, _urls, _codes = site
    data = rest(
        site_url, q="tổng kết", year_from="năm ngoái", sort="nonsense", page="x"
    )
    assert data["items_total"] >= 2
    assert data["query"]["sort"] == "relevance"
    assert data["query"]["page"] == 1
    assert any("năm ngoái" in problem for problem in data["problems"])
    for query in ['"unbalanced', "a:b (c", "*", "AND OR NOT", "\\", "[1 TO 2]"]:
        rest(site_url, q=query)
        page(site_url, q=query)


def test_search_box_leads_to_the_search_page(site):
    site_url, _urls, _codes = site
    text = page(site_url, view="@@search", SearchableText="tổng kết")
    assert "vnarchive-search" in text
    assert "vnarchive-facet" in text
    front = page(site_url, view="")
    assert 'action="' + site_url + '/@@search"' in front


# -- Fallback --------------------------------------------------------------------------------


def test_catalog_fallback_with_a_notice_for_staff(site, solr_server):
    """Solr stopped under the running site: search goes on in the catalog (folding, Telex
    and permissions included), staff are told, the public is not."""
    site_url, urls, _codes = site
    before = rest(site_url, ARCHIVIST, q="uy ban nhan dan")
    assert before["backend"] == "solr"
    assert before["notice"] is None
    total = before["items_total"]
    public_total = rest(site_url, q="uy ban nhan dan")["items_total"]
    assert total > public_total >= 3
    solr_server.stop()
    try:
        staff = rest(site_url, ARCHIVIST, q="uy ban nhan dan")
        assert staff["backend"] == "catalog"
        assert staff["reduced"] is True
        assert "rút gọn" in staff["notice"]
        assert staff["items_total"] == total
        assert facet(staff, "fonds") == {"UBQT": total}
        public = rest(site_url, q="uy ban nhan dan")
        assert "notice" not in public
        assert "backend" not in public
        assert public["items_total"] == public_total
        assert facet(public, "fonds") == {"UBQT": public_total}
        staff_page = page(site_url, ARCHIVIST, q="uy ban nhan dan")
        assert "vnarchive-search-notice" in staff_page
        assert "vnarchive-search-notice" not in page(site_url, q="uy ban nhan dan")
        telex = rest(site_url, q="uyr ban nhaan daan")
        assert telex["items_total"] == public_total
        data = rest(site_url, q="luu tru tai lieu")
        item = next(i for i in data["items"] if i["@id"] == urls[PUBLISHED_DOCUMENT])
        assert item["snippets"][0]["page"] == 2
        assert "<mark>lưu</mark>" in item["snippets"][0]["html"]
    finally:
        solr_server.start()
    from vnarchive.policy.search.service import reset_backend_state

    reset_backend_state()
    assert rest(site_url, ARCHIVIST, q="uy ban nhan dan")["backend"] == "solr"


def test_catalog_only_site(solr_portal):
    """Without Solr set up (make start without Java) the catalog answers, staff are told."""
    portal = solr_portal
    use_solr(portal, "")
    records = load_holdings(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    set_pages(records[PUBLISHED_DOCUMENT], {2: OCR_PAGE_2})
    transaction.commit()
    site_url = portal.absolute_url()
    staff = rest(site_url, ARCHIVIST, q="luwu truwx")
    assert staff["backend"] == "catalog"
    assert staff["notice"]
    item = next(
        i
        for i in staff["items"]
        if i["@id"] == records[PUBLISHED_DOCUMENT].absolute_url()
    )
    assert item["snippets"][0]["page"] == 2
    assert "<mark>lưu</mark>" in item["snippets"][0]["html"]
    # Facets filter in the catalog too (values of one facet OR'ed).
    filtered = rest(site_url, q="tổng kết", document_type="14")
    assert [i["archival_code"] for i in filtered["items"]] == [PUBLISHED_DOCUMENT]
    assert rest(site_url, q="tổng kết", document_type=["14", "01"])["items_total"] == 1
    assert (
        rest(site_url, document_type="14", year_from="2011", year_to="2011")[
            "items_total"
        ]
        == 1
    )
    public = rest(site_url, q="tổng kết")
    codes = {i["archival_code"] for i in public["items"]}
    assert PUBLISHED_DOSSIER in codes
    assert CONDITIONAL_DOCUMENT not in codes
    assert CONDITIONAL_DOCUMENT in {
        i["archival_code"] for i in rest(site_url, ARCHIVIST, q="tổng kết")["items"]
    }
