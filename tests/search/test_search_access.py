"""Nothing a visitor may not see reaches them through search, once Solr answers it.

Every test talks to the running site over real HTTP, with collective.solr active on a real
Solr 9 (solr_fixtures), as Anonymous and as the ArchiveReader "docgia", and looks for the
titles, abstracts, codes and URLs of every record that is not published (secret, conditional,
archived, under review, in processing), in hits, totals, facet values and counts, snippets
and suggestions. So that no test can pass on an empty or broken answer, each also shows the
surface works: a published record is found by the visitor, and the Archivist "luutruvien"
finds the hidden ones.

Two documents exist only in Solr (posted straight to it, as Plone indexes records): one any
visitor may see (`allowedRolesAndUsers: Anonymous`), which proves that a surface really
answered from Solr, and one for Managers only, which nobody in these tests may ever see.

Surfaces: our search (GET @archive-search, @@archive-search, @@search), Plone's @search and
@querystring-search with words, live search (@@ajax-search), the search feed
(@@search_rss), and collective.solr's @@suggest-terms and @@solr-autocomplete.
"""

from channels import describe
from channels import HIDDEN
from channels import leaks
from channels import Record
from channels import SEARCHES
from channels import SECRET_OCR
from channels import Site
from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from helpers import RECORD_TYPES
from helpers import SECRET_DOCUMENT
from helpers import USERS
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from prober import text_of
from search_helpers import set_pages
from search_helpers import solr_only_documents
from search_helpers import SOLR_PUBLIC_TITLE
from search_helpers import SOLR_PUBLIC_WORD
from search_helpers import SOLR_SECRET_TITLE
from search_helpers import SOLR_SECRET_WORD

import json
import pytest
import requests
import transaction


TIMEOUT = 30
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
VISITORS = {"anonymous": None, "reader": READER}

PUBLIC_OCR = "Biên bản họp bàn về công tác lưu trữ và số hóa năm 2010"


# Words only in the two documents posted straight to Solr.
@pytest.fixture
def site(solr_portal, solr_holdings, solr_server):
    from vnarchive.policy.search.service import reset_backend_state

    reset_backend_state()
    portal = solr_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    records = solr_holdings
    set_pages(records[SECRET_DOCUMENT], {1: SECRET_OCR})
    set_pages(records[PUBLISHED_DOCUMENT], {2: PUBLIC_OCR})
    described = describe(records)
    issuers = {code: getattr(obj, "organName", None) for code, obj in records.items()}
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    solr_server.update(solr_only_documents("/".join(portal.getPhysicalPath())))
    site = Site(url=portal.absolute_url(), records=described)
    site.issuers = issuers
    assert {record.code for record in site.hidden} >= set(HIDDEN)
    # Everything is in Solr: the records and the two Solr-only documents.
    in_solr = set(solr_server.uids())
    assert {obj.UID() for obj in records.values()} <= in_solr
    assert {"solr-only-public", "solr-only-secret"} <= in_solr
    return site


def get(url, user=None, rest=False, **params):
    headers = {"Accept": "application/json"} if rest else {}
    response = requests.get(
        url, params=params, headers=headers, auth=user, timeout=TIMEOUT
    )
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response


def archive_search(site, user, **params):
    return get(f"{site.url}/@archive-search", user, rest=True, **params).json()


def shown(data):
    """The answer without the echo of the query asked (@id, query, batching links)."""
    return json.dumps(
        {key: data[key] for key in ("items", "items_total", "facets")},
        ensure_ascii=False,
    )


def secret_markers(site):
    """What no visitor may see: every hidden record, and the Manager-only Solr document."""
    return [*site.hidden, SOLR_SECRET_RECORD]


SOLR_SECRET_RECORD = Record(
    code="SOLR.ONLY.SECRET",
    title=SOLR_SECRET_TITLE,
    texts=(SOLR_SECRET_WORD, "Cơ quan zenithbaomat"),
    url="http://nowhere/solr-only-secret",
    state="secret",
)


def hidden_only_issuers(site):
    public = {site.issuers[r.code] for r in site.published}
    return {
        site.issuers[r.code]
        for r in site.hidden
        if site.issuers[r.code] and site.issuers[r.code] not in public
    }


# -- Our search: REST ------------------------------------------------------------------------


def test_archive_search_rest(site, visitor):
    for words in SEARCHES:
        hidden, public = SEARCHES[words]
        data = archive_search(site, visitor, q=words, page_size="100")
        codes = {item["archival_code"] for item in data["items"]}
        assert codes & {record.code for record in site.hidden} == set()
        assert codes >= public
        assert data["items_total"] == len(data["items"])
        text = shown(data)
        assert leaks(text, secret_markers(site)) == []
        for issuer in hidden_only_issuers(site):
            assert issuer not in text
        # Facet counts add up to what the visitor sees, and nothing more.
        facets = {f["name"]: f for f in data["facets"]}
        if data["items_total"]:
            assert (
                sum(v["count"] for v in facets["fonds"]["values"])
                == data["items_total"]
            )
        assert {v["value"] for v in facets["access_mode"]["values"]} <= {"01"}
        assert "review_state" not in facets
        staff = archive_search(site, ARCHIVIST, q=words, page_size="100")
        assert staff["backend"] == "solr"
        assert {item["archival_code"] for item in staff["items"]} >= hidden | public
        assert SOLR_SECRET_TITLE not in shown(staff)


def test_archive_search_everything(site, visitor):
    """No words: the listing of everything counts only what the visitor may see."""
    data = archive_search(site, visitor, page_size="100")
    codes = {item["archival_code"] for item in data["items"]}
    published = {record.code for record in site.published}
    assert codes == published | {"SOLR.ONLY.PUBLIC"}
    assert data["items_total"] == len(codes)
    assert leaks(shown(data), secret_markers(site)) == []
    years = next(f for f in data["facets"] if f["name"] == "year")
    assert sum(v["count"] for v in years["values"]) <= data["items_total"]
    staff = archive_search(site, ARCHIVIST, page_size="100")
    assert staff["items_total"] == len(site.records) + 1


def test_archive_search_snippets(site, visitor):
    """The secret page's words give no hit and no snippet; the public page's do."""
    data = archive_search(site, visitor, q="tọa độ đồn biên phòng")
    assert data["items_total"] == 0
    assert "biên phòng" not in json.dumps(data["items"], ensure_ascii=False)
    public = archive_search(site, visitor, q="số hóa")
    item = next(i for i in public["items"] if i["archival_code"] == PUBLISHED_DOCUMENT)
    assert item["snippets"][0]["page"] == 2
    staff = archive_search(site, ARCHIVIST, q="tọa độ đồn biên phòng")
    item = next(i for i in staff["items"] if i["archival_code"] == SECRET_DOCUMENT)
    assert item["snippets"][0]["page"] == 1
    assert "<mark>" in item["snippets"][0]["html"]


def test_archive_search_filters_cannot_open_anything(site, visitor):
    """Asking for secret values by filter finds nothing (and counts nothing)."""
    for params in (
        {"access_mode": "03"},
        {"access_mode": "02"},
        {"review_state": "archived"},
        {"fonds": "SOLRONLY", "q": SOLR_SECRET_WORD},
        {"q": "bí mật", "access_mode": ["01", "02", "03"]},
    ):
        data = archive_search(site, visitor, **params)
        assert leaks(shown(data), secret_markers(site)) == []
        if "review_state" not in params:
            assert all(
                i["archival_code"] not in {r.code for r in site.hidden}
                for i in data["items"]
            )


def test_solr_only_documents_prove_the_channel(site, visitor):
    data = archive_search(site, visitor, q=SOLR_PUBLIC_WORD)
    assert [i["archival_code"] for i in data["items"]] == ["SOLR.ONLY.PUBLIC"]
    nothing = archive_search(site, visitor, q=SOLR_SECRET_WORD)
    assert nothing["items_total"] == 0
    assert nothing["items"] == []
    assert all(not f["values"] for f in nothing["facets"])


# -- Our search: pages -----------------------------------------------------------------------


@pytest.mark.parametrize("view", ["@@archive-search", "@@search"])
def test_search_pages(site, visitor, view):
    for words in SEARCHES:
        hidden, public = SEARCHES[words]
        response = get(f"{site.url}/{view}", visitor, q=words, SearchableText=words)
        assert leaks(response, secret_markers(site)) == []
        for code in public:
            assert site[code].title in text_of(response)
        assert "vnarchive-search-notice" not in response.text
        staff = text_of(get(f"{site.url}/{view}", ARCHIVIST, q=words))
        for code in hidden | public:
            assert site[code].title in staff


# -- Plone's own search surfaces, now answered by Solr ---------------------------------------


def codes_of(response):
    return {item.get("archival_code") for item in response.json()["items"]}


def test_plone_rest_search(site, visitor):
    for words in [*SEARCHES, SOLR_SECRET_WORD]:
        hidden, public = SEARCHES.get(words, (set(), set()))
        params = {
            "SearchableText": words,
            "metadata_fields": "archival_code",
            "b_size": 1000,
        }
        response = get(f"{site.url}/@search", visitor, rest=True, **params)
        codes = codes_of(response)
        assert codes & {r.code for r in site.hidden} == set()
        assert codes >= public
        assert response.json()["items_total"] == len(codes)
        shown = {k: response.json()[k] for k in ("items", "items_total")}
        assert leaks(json.dumps(shown, ensure_ascii=False), secret_markers(site)) == []
        staff = get(f"{site.url}/@search", ARCHIVIST, rest=True, **params)
        assert codes_of(staff) >= hidden | public


def test_plone_rest_search_answers_from_solr(site, visitor):
    params = {"SearchableText": SOLR_PUBLIC_WORD, "metadata_fields": "archival_code"}
    response = get(f"{site.url}/@search", visitor, rest=True, **params)
    assert codes_of(response) == {"SOLR.ONLY.PUBLIC"}


@pytest.mark.parametrize("operation", ["string.contains", "string.is"])
def test_querystring_search_with_words(site, visitor, operation):
    """Collections and listing blocks: nothing hidden, whatever the operation."""
    query = {
        "query": [
            {
                "i": "SearchableText",
                "o": f"plone.app.querystring.operation.{operation}",
                "v": "bí mật",
            }
        ],
        "b_size": 1000,
        "metadata_fields": ["archival_code"],
    }
    headers = {"Accept": "application/json", "Content-Type": "application/json"}

    def post(user):
        response = requests.post(
            f"{site.url}/@querystring-search",
            data=json.dumps(query),
            headers=headers,
            auth=user,
            timeout=TIMEOUT,
        )
        assert response.status_code == 200, response.text[:300]
        return response

    response = post(visitor)
    assert codes_of(response) & {r.code for r in site.hidden} == set()
    shown = {k: response.json()[k] for k in ("items", "items_total")}
    assert leaks(json.dumps(shown, ensure_ascii=False), secret_markers(site)) == []
    assert response.json()["items_total"] == len(codes_of(response))
    # The same words find hidden records for staff: the answer above was filtered, not empty.
    assert codes_of(post(ARCHIVIST)) & {r.code for r in site.hidden}


def test_live_search(site, visitor):
    for words in [*SEARCHES, SOLR_SECRET_WORD]:
        hidden, public = SEARCHES.get(words, (set(), set()))
        response = get(f"{site.url}/@@ajax-search", visitor, SearchableText=words)
        assert leaks(response, secret_markers(site)) == []
        for code in public:
            assert site[code].title in text_of(response)
        staff = text_of(
            get(f"{site.url}/@@ajax-search", ARCHIVIST, SearchableText=words)
        )
        for code in hidden:
            assert site[code].title in staff


def test_live_search_answers_from_solr(site, visitor):
    response = get(
        f"{site.url}/@@ajax-search", visitor, SearchableText=SOLR_PUBLIC_WORD
    )
    assert SOLR_PUBLIC_WORD in text_of(response)


def test_search_feed(site, visitor):
    response = get(f"{site.url}/@@search_rss", visitor, SearchableText="bí mật")
    assert leaks(response, secret_markers(site)) == []


# -- Suggestions -----------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["@@suggest-terms", "@@solr-autocomplete"])
def test_suggestions(site, visitor, view):
    for term in [
        "bí mật",
        "bi mat",
        "tổng kết",
        "bổ nhiệm",
        SOLR_SECRET_WORD,
        "zenith",
    ]:
        response = get(f"{site.url}/{view}", visitor, term=term)
        assert leaks(response, secret_markers(site)) == []
        suggestions = [s["value"] for s in response.json()]
        visible = {r.title for r in site.published} | {SOLR_PUBLIC_TITLE}
        assert set(suggestions) <= visible


@pytest.mark.parametrize("view", ["@@suggest-terms", "@@solr-autocomplete"])
def test_suggestions_work(site, visitor, view):
    response = get(f"{site.url}/{view}", visitor, term="tổng kết")
    assert site[PUBLISHED_DOSSIER].title in [s["value"] for s in response.json()]
    staff = get(f"{site.url}/{view}", ARCHIVIST, term="bí mật")
    assert {s["value"] for s in staff.json()} >= {
        r.title for r in site.hidden if "bí mật" in r.title.lower()
    }


def test_record_types_listing_over_rest_search(site, visitor):
    """Plone's @search without words stays on the catalog; it lists the published only."""
    params = {
        "portal_type": RECORD_TYPES,
        "metadata_fields": "archival_code",
        "b_size": 1000,
    }
    response = get(f"{site.url}/@search", visitor, rest=True, **params)
    assert codes_of(response) == {r.code for r in site.published}
