"""Solr is reached only the way the site means to, by nobody else.

1. What of a site request may reach Solr: only catalog indexes, sorting and paging, and the
   ``select`` handler (vnarchive.search.parameters, applied in the search dispatcher).
   Before, ``@search?request_handler=admin/luke`` made the site a proxy to Solr's admin
   handlers for Anonymous, and ``allowedRolesAndUsers_usage=range:min`` widened the
   permission filter. Every request the site sends to Solr is recorded (collective.solr's
   connection, wrapped) while real Solr answers.
2. Solr answers only with its credentials (BasicAuth on, as `make start` runs it: the
   fixtures' Solr is started the same way); the site sends them and still searches.
"""

from collective.solr.solr import SolrConnection
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from search_helpers import solr_only_documents
from search_helpers import SOLR_PUBLIC_WORD
from search_helpers import SOLR_SECRET_TITLE
from search_helpers import SOLR_SECRET_WORD
from urllib.parse import parse_qs
from vnarchive.search.parameters import MAX_ROWS
from vnarchive.search.parameters import solr_query
from zope.globalrequest import getRequest

import base64
import json
import pytest
import requests
import solrctl
import transaction
import urllib.error
import urllib.request


TIMEOUT = 30
MARKER = "zzmarkerzz"

# What a visitor adds to a search to reach Solr's other handlers, another core, raw
# parameters, or a wider permission filter.
HOSTILE = {
    "request_handler": "admin/luke",
    "core": MARKER,
    "fq": f"UID:{MARKER}",
    "fl": f"{MARKER} allowedRolesAndUsers",
    "facet": "true",
    "facet.field": MARKER,
    "facet_query": MARKER,
    "hl": "true",
    "hl.fl": MARKER,
    "bq": MARKER,
    "d": MARKER,
    "pt": MARKER,
    "sfield": MARKER,
    "allowedRolesAndUsers_usage": "range:min",
    "solr_complex_search": "1",
    "default": MARKER,
    "-allowedRolesAndUsers": MARKER,
}
HANDLERS = ["admin/luke", "admin/file", "update", "admin/ping", "../admin/cores"]


@pytest.fixture
def sent(monkeypatch):
    """Every request the site sends to Solr: [(path, {param: [values]})]."""
    seen = []
    original = SolrConnection.doGetOrPost

    def recording(self, method, url, body, headers):
        text = body.decode() if isinstance(body, bytes) else str(body)
        seen.append((url, parse_qs(text)))
        return original(self, method, url, body, headers)

    monkeypatch.setattr(SolrConnection, "doGetOrPost", recording)
    return seen


@pytest.fixture
def site(solr_portal, solr_server):
    transaction.commit()
    solr_server.update(solr_only_documents("/".join(solr_portal.getPhysicalPath())))
    yield solr_portal
    solr_server.delete_all()


def rest_search(portal, **params):
    response = requests.get(
        f"{portal.absolute_url()}/@search",
        params=dict(params, metadata_fields="UID"),
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text[:500]
    return response


def selects(sent):
    """The searches among the recorded requests (not ping, schema or update)."""
    return [(url, params) for url, params in sent if "q" in params]


def test_hostile_parameters_never_reach_solr(site, sent):
    response = rest_search(site, SearchableText=SOLR_PUBLIC_WORD, **HOSTILE)
    # It still searched, in Solr (the public document exists only there).
    assert [item["UID"] for item in response.json()["items"]] == ["solr-only-public"]
    searches = selects(sent)
    assert searches, sent
    for url, params in searches:
        assert url == f"{site.portal_registry['collective.solr.base']}/select"
        text = repr(params)
        assert MARKER not in text
        assert " TO " not in repr(params.get("fq")), params["fq"]
        assert "+allowedRolesAndUsers:(Anonymous)" in params["fq"]
        for key in ("bq", "d", "pt", "sfield", "facet.field", "facet.query", "hl.fl"):
            assert key not in params


@pytest.mark.parametrize("handler", HANDLERS)
def test_no_request_handler_but_select(site, sent, handler):
    rest_search(site, SearchableText=SOLR_PUBLIC_WORD, request_handler=handler)
    paths = {url for url, _params in selects(sent)}
    assert paths == {f"{site.portal_registry['collective.solr.base']}/select"}


def test_the_permission_filter_cannot_be_widened(site):
    # ``<index>_usage=range:min`` made collective.solr send the visitor's roles as a range
    # ("allowedRolesAndUsers:[Anonymous TO *]": Manager, Owner, user:… all match).
    for extra in (
        {"allowedRolesAndUsers_usage": "range:min"},
        {"allowedRolesAndUsers.range:record": "min"},
        {"allowedRolesAndUsers.query:record:list": "Manager"},
        {"fq": "*:*"},
        {"request_handler": "select", "fq": "allowedRolesAndUsers:Manager"},
    ):
        text = rest_search(site, SearchableText=SOLR_SECRET_WORD, **extra).text
        assert SOLR_SECRET_TITLE not in text
        assert "solr-only-secret" not in text, extra


def test_the_request_form_is_filtered_too(site, sent):
    # Old code passes the request itself: catalog.searchResults(REQUEST).
    request = getRequest()
    request.form.update(HOSTILE, SearchableText=SOLR_PUBLIC_WORD)
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.searchResults(request)
    assert [brain.UID for brain in brains] == ["solr-only-public"]
    for url, params in selects(sent):
        assert url.endswith("/select")
        assert MARKER not in repr(params)


def test_sorting_and_paging_still_work(site, sent):
    data = rest_search(
        site,
        SearchableText="lưu trữ",
        sort_on="sortable_title",
        sort_order="descending",
        b_size=1,
    ).json()
    assert data["items_total"] == 1  # only the public Solr document is visible
    (_url, params), *_ = selects(sent)
    assert params["sort"] == ["sortable_title desc"]


def test_the_whitelist(portal):
    catalog = api.portal.get_tool("portal_catalog")
    query = solr_query(
        catalog,
        {
            "SearchableText": "lưu",
            "b_size": "abc",
            "Title": {"query": "x", "range": "x"},
        },
        {
            "portal_type": ["Fonds"],
            "path": {"query": "/plone", "depth": "1"},
            "b_start": "20",
            "sort_limit": 10**9,
            "review_state": {"query": "published", "operator": "or"},
            "sort_on": ["modified", "sortable_title"],
            "sort_order": ["reverse", "ascending"],
            **HOSTILE,
        },
    )
    assert query == {
        "SearchableText": "lưu",
        "portal_type": ["Fonds"],
        "path": {"query": "/plone", "depth": 1},
        "b_start": 20,
        "sort_limit": MAX_ROWS,
        "review_state": {"query": "published", "operator": "or"},
        "sort_on": "modified",
        "sort_order": "reverse",
    }
    assert solr_query(catalog, None, {"sort_on": [["x"]], "Title": {"a": 1}}) == {}
    assert solr_query(catalog, None, {"request_handler": "select"}) == {
        "request_handler": "select"
    }


# 2. Solr itself asks for credentials (BasicAuth, made at the first start: solrctl.secure),
#    and the site (collective.solr's solr_login/solr_password) sends them.


def solr_status(url, secret=None):
    request = urllib.request.Request(url)
    if secret is not None:
        request.add_header("Authorization", solrctl.authorization(secret))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    "path",
    [
        "/select?q=*:*&wt=json",
        "/admin/ping?wt=json",
        "/admin/file/?file=schema.xml",
        "/update?commit=true",
        "/../admin/cores?action=STATUS",
        "/../admin/info/system",
    ],
)
def test_solr_without_credentials_answers_401(solr_server, path):
    url = solr_server.url + path
    assert solr_status(url) == 401
    wrong = dict(solr_server.secret, password=solr_server.secret["password"] + "x")
    assert solr_status(url, wrong) == 401
    assert solr_status(url, dict(solr_server.secret, login="admin")) == 401
    assert solr_status(url, solr_server.secret) == 200


def test_credentials_are_private_and_never_in_security_json(solr_server):
    secret_file = solr_server.var / solrctl.CREDENTIALS
    security_file = solr_server.var / "home" / "security.json"
    for path in (secret_file, security_file):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert json.loads(secret_file.read_text()) == solr_server.secret
    assert len(solr_server.secret["password"]) >= 40
    security = json.loads(security_file.read_text())
    assert solr_server.secret["password"] not in security_file.read_text()
    stored = security["authentication"]["credentials"][solr_server.secret["login"]]
    _digest, salt = stored.split(" ")
    # Solr's Sha256AuthenticationProvider: base64(sha256(sha256(salt + password))) base64(salt)
    assert (
        solrctl.password_hash(solr_server.secret["password"], base64.b64decode(salt))
        == stored
    )
    assert security["authentication"]["blockUnknown"] is True
    # Made once: a second start keeps the credentials (the site has them).
    assert solrctl.secure(solr_server.var) == solr_server.secret


def test_the_site_searches_with_the_credentials(site, sent):
    registry = site.portal_registry
    assert registry["collective.solr.solr_login"] == solrctl.LOGIN
    response = rest_search(site, SearchableText=SOLR_PUBLIC_WORD)
    assert [item["UID"] for item in response.json()["items"]] == ["solr-only-public"]
    assert selects(sent)  # answered by Solr, not by the catalog fallback


def test_without_credentials_the_site_falls_back_to_its_catalog(site, sent):
    from vnarchive.policy.search.service import reset_backend_state
    from vnarchive.search import connection as solr

    solr.configure(registry_url(site), login="", password="")
    transaction.commit()
    reset_backend_state()
    try:
        response = rest_search(site, SearchableText=SOLR_PUBLIC_WORD)
        # Solr refused (401, the schema first): the catalog answered, which has no
        # Solr-only document.
        assert response.json()["items"] == []
        answer = requests.get(
            f"{site.absolute_url()}/@@health",
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            timeout=TIMEOUT,
        ).json()
        assert answer["checks"]["solr"]["status"] == "error"
    finally:
        reset_backend_state()


def registry_url(portal):
    registry = portal.portal_registry
    return (
        f"http://{registry['collective.solr.host']}:{registry['collective.solr.port']}"
        f"{registry['collective.solr.base']}"
    )


def test_credentials_from_the_environment(monkeypatch, tmp_path):
    from vnarchive.search import connection as solr

    for name in ("LOGIN", "PASSWORD", "CREDENTIALS"):
        monkeypatch.delenv(f"VNARCHIVE_SOLR_{name}", raising=False)
    assert solr.credentials_from_environment() == ("", "")
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"login": "vnarchive", "password": "from-file"}))
    monkeypatch.setenv("VNARCHIVE_SOLR_CREDENTIALS", str(path))
    assert solr.credentials_from_environment() == ("vnarchive", "from-file")
    monkeypatch.setenv("VNARCHIVE_SOLR_LOGIN", "other")
    monkeypatch.setenv("VNARCHIVE_SOLR_PASSWORD", "from-env")
    assert solr.credentials_from_environment() == ("other", "from-env")
    monkeypatch.delenv("VNARCHIVE_SOLR_LOGIN")
    monkeypatch.setenv("VNARCHIVE_SOLR_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="VNARCHIVE_SOLR_CREDENTIALS"):
        solr.credentials_from_environment()
