"""Nothing that is not published reaches Anonymous or a registered reader, by any channel.

Every test talks to the running WSGI server over real HTTP, as an anonymous visitor and as
the ArchiveReader "docgia" (HTTP basic auth), and looks for the titles, abstracts, codes and
(in listings) the URLs of every record that is not published: secret (03), conditional (02),
archived, under review and in processing. So that a test cannot pass on an empty or broken
answer, each one also shows that the channel works: a published record is there for the
visitor, and the Archivist "luutruvien" sees the archived records where staff should.

Channels: the record page, the record over REST, @search (words, OCR text, codes, listings)
and @querystring-search, the classic search page and live search, files (@record-files,
@@record-file), navigation (site root, HTML sitemap, @navigation, @contextnavigation, fonds and
dossier pages and their REST listings, Plone's folder listing views), sitemap.xml.gz, RSS and
Atom feeds, and the journal (@journal, @@journal).
"""

from channels import ARCHIVIST
from channels import describe
from channels import HIDDEN
from channels import HIDDEN_DOCUMENTS
from channels import leaks
from channels import READER
from channels import SEARCHES
from channels import SECRET_OCR
from channels import Site
from channels import TIMEOUT
from helpers import CONDITIONAL_DOCUMENT
from helpers import CONDITIONAL_DOSSIER
from helpers import FONDS
from helpers import LAO_DOCUMENT
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from helpers import RECORD_TYPES
from helpers import SECRET_DOCUMENT
from helpers import SECRET_DOSSIER
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.base.interfaces.syndication import IFeedSettings
from prober import text_of
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.files import add_master_file
from xml.etree import ElementTree

import gzip
import hashlib
import json
import pytest
import re
import requests
import transaction


@pytest.fixture
def site(functional_portal, functional_holdings):
    """The demo holdings served over HTTP, with something for every channel to show.

    Besides the demo: a master scan on the conditional document, derived access copies on the
    published and the secret document, OCR text on a page of the secret document, the
    sitemap on, and feeds on for the fonds and the published dossier.
    """
    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    records = functional_holdings
    conditional = records[CONDITIONAL_DOCUMENT]
    scan = b"\x89PNG conditional scan"
    add_master_file(conditional, f"{conditional.docId}.png", scan, "image/png")
    for code in (PUBLISHED_DOCUMENT, SECRET_DOCUMENT):
        name = f"{records[code].docId}-access.pdf"
        copy = f"access copy of {code}".encode()
        IRecordFiles(records[code]).set_derivative(name, copy, "application/pdf")
    secret = records[SECRET_DOCUMENT]
    IRecordFiles(secret).page(1, create=True).set_text(SECRET_OCR, "ocr")
    secret.reindexObject(idxs=["SearchableText"])
    api.portal.set_registry_record("plone.enable_sitemap", True)
    for code in (FONDS, PUBLISHED_DOSSIER):
        IFeedSettings(records[code]).enabled = True
    described = describe(records)
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    site = Site(url=portal.absolute_url(), records=described)
    assert {record.code for record in site.hidden} >= set(HIDDEN)
    # Abstracts are looked for too.
    assert all(site[code].texts for code in HIDDEN_DOCUMENTS)
    assert {PUBLISHED_DOCUMENT, PUBLISHED_DOSSIER, FONDS, LAO_DOCUMENT} <= {
        record.code for record in site.published
    }
    return site


# -- HTTP ------------------------------------------------------------------------------------


def get(url, user=None, rest=False, **params):
    """GET `url` as `user` ((login, password) or None), the page or (rest=True) its JSON."""
    headers = {"Accept": "application/json"} if rest else {}
    return requests.get(
        url,
        params=params,
        headers=headers,
        auth=user,
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def post_json(url, user, data):
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    return requests.post(
        url,
        data=json.dumps(data),
        headers=headers,
        auth=user,
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def search(site, user, **params):
    """GET the site's @search with `params`, as `user`."""
    return get(f"{site.url}/@search", user, rest=True, **params)


def record_files(record, user):
    """GET the @record-files listing of `record`, as `user`."""
    return get(f"{record.url}/@record-files", user, rest=True)


def shows(response, record, urls=False):
    """True when the answer shows every title, abstract, code (and URL) of `record`."""
    text = text_of(response)
    return all(marker in text for marker in record.markers(urls))


def is_login_redirect(response):
    location = response.headers.get("Location", "")
    return response.status_code in (301, 302, 303, 307) and "login" in location


def assert_refused(response, records, rest=False):
    """Refused: 401/403/404 (REST), or for pages also a redirect to the login form or a page
    (such as the login form itself) that shows nothing of the records."""
    refused = response.status_code in (401, 403, 404)
    if not rest:
        refused = refused or is_login_redirect(response) or response.status_code == 200
    assert refused, (
        response.status_code,
        response.url,
        response.headers.get("Location"),
    )
    assert leaks(response, records, urls=False) == [], response.url


def assert_ok(response):
    assert response.status_code == 200, (
        response.status_code,
        response.url,
        response.text[:300],
    )
    return response


def results(response):
    """A REST search answer without the @id and batching links, which echo the query asked."""
    data = assert_ok(response).json()
    shown = {key: data[key] for key in ("items", "items_total")}
    return json.dumps(shown, ensure_ascii=False)


def found_codes(response):
    """Archival codes of the items of a REST listing."""
    return {item.get("archival_code") for item in assert_ok(response).json()["items"]}


# -- Sanity: the reader's credentials are really used ----------------------------------------


def test_reader_is_authenticated(site):
    assert get(f"{site.url}/@users/{READER[0]}", READER, rest=True).status_code == 200
    assert get(f"{site.url}/@users/{READER[0]}", None, rest=True).status_code == 401
    wrong = (READER[0], "not-the-password")
    assert get(f"{site.url}/@users/{READER[0]}", wrong, rest=True).status_code == 401


# -- 1. The record page ----------------------------------------------------------------------


@pytest.mark.parametrize("code", HIDDEN)
def test_record_page_is_closed(site, visitor, code):
    record = site[code]
    for view in ("", "/view", "/@@view"):
        assert_refused(get(record.url + view, visitor), site.hidden)
    assert shows(assert_ok(get(record.url, ARCHIVIST)), record)


def test_published_record_pages_are_open(site, visitor):
    for code in (PUBLISHED_DOCUMENT, PUBLISHED_DOSSIER, FONDS):
        assert shows(assert_ok(get(site[code].url, visitor)), site[code])


# -- 2. The record over REST -----------------------------------------------------------------


@pytest.mark.parametrize("code", HIDDEN)
def test_rest_record_is_closed(site, visitor, code):
    record = site[code]
    api_url = record.url.replace(site.url, f"{site.url}/++api++", 1)
    assert_refused(get(record.url, visitor, rest=True), site.hidden, rest=True)
    assert_refused(get(api_url, visitor), site.hidden, rest=True)
    assert shows(assert_ok(get(record.url, ARCHIVIST, rest=True)), record)
    assert shows(assert_ok(get(api_url, ARCHIVIST)), record)


def test_rest_published_record_is_open(site, visitor):
    record = site[PUBLISHED_DOCUMENT]
    data = assert_ok(get(record.url, visitor, rest=True)).json()
    assert data["docCode"] == PUBLISHED_DOCUMENT
    assert data["title"] == record.title


# -- 3. @search and @querystring-search ------------------------------------------------------


@pytest.mark.parametrize("words", list(SEARCHES))
def test_rest_search_by_words(site, visitor, words):
    hidden, public = SEARCHES[words]
    params = {
        "SearchableText": words,
        "metadata_fields": "archival_code",
        "b_size": 1000,
    }
    response = search(site, visitor, **params)
    codes = found_codes(response)
    assert codes & {record.code for record in site.hidden} == set()
    assert codes >= public
    assert response.json()["items_total"] == len(codes)
    assert leaks(results(response), site.hidden) == []
    assert found_codes(search(site, ARCHIVIST, **params)) >= hidden | public


@pytest.mark.parametrize("code", HIDDEN)
def test_rest_search_by_code(site, visitor, code):
    for index in ("archival_codes", "archival_code"):
        params = {index: code, "metadata_fields": "archival_code"}
        response = search(site, visitor, **params)
        assert found_codes(response) == set()
        assert response.json()["items_total"] == 0
        assert leaks(results(response), site.hidden) == []
        assert code in found_codes(search(site, ARCHIVIST, **params))
    published = {
        PUBLISHED_DOCUMENT: "archival_codes",
        PUBLISHED_DOSSIER: "archival_code",
    }
    for published_code, index in published.items():
        params = {index: published_code, "metadata_fields": "archival_code"}
        assert found_codes(search(site, visitor, **params)) == {published_code}


def test_rest_search_listing_everything(site, visitor):
    published = {record.code for record in site.published}
    hidden = {record.code for record in site.hidden}
    params = {
        "portal_type": RECORD_TYPES,
        "metadata_fields": "archival_code",
        "b_size": 1000,
    }
    response = search(site, visitor, **params)
    assert found_codes(response) == published
    assert response.json()["items_total"] == len(published)
    assert leaks(results(response), site.hidden) == []
    full = search(site, visitor, fullobjects=1, **params)
    assert {item["@id"] for item in full.json()["items"]} == {
        r.url for r in site.published
    }
    assert leaks(results(full), site.hidden) == []
    everything = search(site, ARCHIVIST, **params)
    assert found_codes(everything) == published | hidden
    assert everything.json()["items_total"] == len(published | hidden)


def test_querystring_search(site, visitor):
    query = {
        "query": [
            {
                "i": "portal_type",
                "o": "plone.app.querystring.operation.selection.any",
                "v": RECORD_TYPES,
            }
        ],
        "b_size": 1000,
        "metadata_fields": ["archival_code"],
    }
    published = {record.code for record in site.published}
    response = post_json(f"{site.url}/@querystring-search", visitor, query)
    assert found_codes(response) == published
    assert response.json()["items_total"] == len(published)
    assert leaks(results(response), site.hidden) == []
    everything = post_json(f"{site.url}/@querystring-search", ARCHIVIST, query)
    assert found_codes(everything) >= set(HIDDEN)


# -- 4. The classic search page and live search ----------------------------------------------


@pytest.mark.parametrize("view", ["@@search", "@@ajax-search"])
@pytest.mark.parametrize("words", list(SEARCHES))
def test_classic_search(site, visitor, view, words):
    hidden, public = SEARCHES[words]
    response = assert_ok(get(f"{site.url}/{view}", visitor, SearchableText=words))
    assert leaks(response, site.hidden) == []
    for code in public:
        assert site[code].title in text_of(response)
    staff = text_of(
        assert_ok(get(f"{site.url}/{view}", ARCHIVIST, SearchableText=words))
    )
    for code in hidden | public:
        assert site[code].title in staff


# -- 5. Files --------------------------------------------------------------------------------


def test_master_files_are_for_staff(site, visitor):
    record = site[PUBLISHED_DOCUMENT]
    files = assert_ok(record_files(record, visitor)).json()["items"]
    assert [item["role"] for item in files] == ["derivative"]
    staff_files = assert_ok(record_files(record, ARCHIVIST)).json()["items"]
    masters = [item for item in staff_files if item["role"] == "master"]
    assert [item["name"] for item in masters] == [f"{record.doc_id}.png"]
    master = masters[0]
    assert master["name"] not in text_of(get(record.url, visitor))

    denied = get(master["download"], visitor)
    assert denied.status_code in (401, 403) or is_login_redirect(denied)
    assert b"PNG" not in denied.content

    download = assert_ok(get(master["download"], ARCHIVIST))
    assert hashlib.sha256(download.content).hexdigest() == master["sha256"]
    assert len(download.content) == master["size"]
    assert download.content.startswith(b"\x89PNG")

    # The derived access copy of a published record is public: the channel itself is open.
    access = files[0]
    copy = assert_ok(get(access["download"], visitor))
    assert hashlib.sha256(copy.content).hexdigest() == access["sha256"]


@pytest.mark.parametrize("code", HIDDEN_DOCUMENTS)
def test_files_of_hidden_records_are_closed(site, visitor, code):
    record = site[code]
    assert_refused(record_files(record, visitor), site.hidden, rest=True)
    staff = assert_ok(record_files(record, ARCHIVIST)).json()["items"]
    names = [item["name"] for item in staff] or ["scan.png"]
    for name in names:
        response = get(f"{record.url}/@@record-file/{name}", visitor)
        assert response.status_code in (401, 403, 404) or is_login_redirect(response), (
            name
        )
        assert leaks(response, site.hidden, urls=False) == []
    for item in staff:
        download = assert_ok(get(item["download"], ARCHIVIST))
        assert hashlib.sha256(download.content).hexdigest() == item["sha256"]


def test_hidden_records_have_files_to_protect(site):
    """The files the test above protects exist: a master scan and a derived access copy."""
    roles = {
        code: {
            item["role"] for item in record_files(site[code], ARCHIVIST).json()["items"]
        }
        for code in (CONDITIONAL_DOCUMENT, SECRET_DOCUMENT)
    }
    assert roles == {CONDITIONAL_DOCUMENT: {"master"}, SECRET_DOCUMENT: {"derivative"}}


# -- 6. Navigation, sitemap, feeds -----------------------------------------------------------

HIDDEN_DOSSIERS = [SECRET_DOSSIER, CONDITIONAL_DOSSIER, PROCESSING_DOSSIER]

# name -> (URL, REST?, records a visitor sees there, hidden ones staff see there)
PLACES = {
    "site root": (lambda site: site.url, False, [], []),
    "html sitemap": (lambda site: f"{site.url}/@@sitemap", False, [FONDS], []),
    "@navigation": (
        lambda site: f"{site.url}/@navigation?expand.navigation.depth=4",
        True,
        [],
        [],
    ),
    "@contextnavigation": (
        lambda site: f"{site[PUBLISHED_DOSSIER].url}/@contextnavigation",
        True,
        [PUBLISHED_DOSSIER],
        [],
    ),
    "fonds page": (
        lambda site: site[FONDS].url,
        False,
        [PUBLISHED_DOSSIER],
        HIDDEN_DOSSIERS,
    ),
    "fonds REST": (
        lambda site: site[FONDS].url,
        True,
        [PUBLISHED_DOSSIER],
        HIDDEN_DOSSIERS,
    ),
    "dossier page": (
        lambda site: site[PUBLISHED_DOSSIER].url,
        False,
        [PUBLISHED_DOCUMENT],
        [CONDITIONAL_DOCUMENT],
    ),
    "dossier REST": (
        lambda site: site[PUBLISHED_DOSSIER].url,
        True,
        [PUBLISHED_DOCUMENT],
        [CONDITIONAL_DOCUMENT],
    ),
}


@pytest.mark.parametrize("place", list(PLACES))
def test_navigation(site, visitor, place):
    url_of, rest, visible, staff_only = PLACES[place]
    url = url_of(site)
    response = assert_ok(get(url, visitor, rest=rest))
    assert leaks(response, site.hidden) == []
    for code in visible:
        assert site[code].title in text_of(response)
        assert site[code].path in text_of(response)
    staff = assert_ok(get(url, ARCHIVIST, rest=rest))
    for code in staff_only:
        assert site[code].title in text_of(staff)


def test_dossier_counts_only_what_the_visitor_sees(site, visitor):
    """The contents total of a published dossier does not count the archived document."""
    url = site[PUBLISHED_DOSSIER].url
    total = re.compile(r'class="vnarchive-children".*?<span>(\d+)</span>', re.DOTALL)
    assert total.search(assert_ok(get(url, visitor)).text).group(1) == "2"
    assert total.search(assert_ok(get(url, ARCHIVIST)).text).group(1) == "3"
    assert assert_ok(get(url, visitor, rest=True)).json()["items_total"] == 2
    assert assert_ok(get(url, ARCHIVIST, rest=True)).json()["items_total"] == 3


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_urls(response):
    """The <loc> URLs of a gzipped sitemap or sitemap index."""
    root = ElementTree.fromstring(gzip.decompress(assert_ok(response).content))
    return [loc.text.strip() for loc in root.iter(f"{{{SITEMAP_NS}}}loc")]


def test_sitemap_xml(site, visitor):
    staff_urls = []
    for page in sitemap_urls(get(f"{site.url}/sitemap.xml.gz", ARCHIVIST)):
        staff_urls += sitemap_urls(requests.get(page, auth=ARCHIVIST, timeout=TIMEOUT))
    assert {site[code].url for code in HIDDEN} <= set(staff_urls)

    index = get(f"{site.url}/sitemap.xml.gz", visitor)
    assert leaks(index, site.hidden) == []
    urls = []
    for page in sitemap_urls(index):
        response = requests.get(page, auth=visitor, timeout=TIMEOUT)
        assert leaks(response, site.hidden) == []
        urls += sitemap_urls(response)
    assert set(urls) & {record.url for record in site.hidden} == set()
    assert {
        site[code].url for code in (FONDS, PUBLISHED_DOSSIER, PUBLISHED_DOCUMENT)
    } <= {*urls}


# (container, a published record in it, a hidden one staff see there)
CONTAINERS = pytest.mark.parametrize(
    ("container", "visible", "staff_only"),
    [
        (FONDS, PUBLISHED_DOSSIER, SECRET_DOSSIER),
        (PUBLISHED_DOSSIER, PUBLISHED_DOCUMENT, CONDITIONAL_DOCUMENT),
    ],
    ids=["fonds", "dossier"],
)
LISTING_VIEWS = [
    "folder_listing",
    "listing_view",
    "summary_view",
    "tabular_view",
    "full_view",
]


@pytest.mark.parametrize("view", LISTING_VIEWS)
@CONTAINERS
def test_plone_listing_views(site, visitor, view, container, visible, staff_only):
    """Plone's own folder views, which anyone can ask for by name on a published container."""
    url = f"{site[container].url}/{view}"
    response = assert_ok(get(url, visitor))
    assert leaks(response, site.hidden) == []
    assert site[visible].title in text_of(response)
    assert site[staff_only].title in text_of(assert_ok(get(url, ARCHIVIST)))


FEEDS = ["RSS", "rss.xml", "atom.xml"]


@pytest.mark.parametrize("feed", FEEDS)
@CONTAINERS
def test_folder_feeds(site, visitor, feed, container, visible, staff_only):
    url = f"{site[container].url}/{feed}"
    response = assert_ok(get(url, visitor))
    ElementTree.fromstring(response.content)
    assert leaks(response, site.hidden) == []
    assert site[visible].title in text_of(response)
    assert site[staff_only].title in text_of(assert_ok(get(url, ARCHIVIST)))


@pytest.mark.parametrize("feed", [*FEEDS, "@@search_rss"])
def test_site_feeds(site, visitor, feed):
    """The site's own feeds (always on). In Plone 6.2 they list the top level only, and
    SearchFeed batches with Batch(result, start, end), so they come out empty for everyone."""
    response = assert_ok(get(f"{site.url}/{feed}", visitor, SearchableText="bí mật"))
    ElementTree.fromstring(response.content)
    assert leaks(response, site.hidden) == []


# -- 7. The journal --------------------------------------------------------------------------


@pytest.mark.parametrize("code", [PUBLISHED_DOCUMENT, *HIDDEN])
def test_journal_is_for_staff(site, visitor, code):
    record = site[code]
    rest = get(f"{record.url}/@journal", visitor, rest=True)
    assert rest.status_code in (401, 403, 404)
    assert leaks(rest, site.hidden, urls=False) == []
    page = get(f"{record.url}/@@journal", visitor)
    assert page.status_code in (401, 403, 404) or is_login_redirect(page)
    assert leaks(page, site.hidden, urls=False) == []

    journal = assert_ok(get(f"{record.url}/@journal", ARCHIVIST, rest=True)).json()
    assert journal["items_total"] > 0
    assert journal["items"][0]["action"] == "created"
    assert journal["items"][0]["code"] == code
    assert code in text_of(assert_ok(get(f"{record.url}/@@journal", ARCHIVIST)))
