"""The trust guard on the channels the issue names, and the behaviour around it.

The generic prober (test_trust_prober.py) covers every channel; these tests name the ones
found from outside, so that a regression reads plainly: built-in views on hidden records,
Zope's methods on containers, the existence oracle, the 404 page's login offer, staff still
reaching what they may see, and a declared disclosure being the only way through.
"""

from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOSSIER
from helpers import SECRET_DOCUMENT
from helpers import SECRET_DOSSIER
from helpers import USERS
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from prober import swap_names
from Products.Five.browser import BrowserView
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.policy.trust.disclosures import Disclosure
from vnarchive.policy.trust.disclosures import IDisclosure
from zope.component import getGlobalSiteManager
from zope.interface import Interface
from zope.publisher.interfaces.browser import IDefaultBrowserLayer

import pytest
import re
import requests
import transaction


READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
ADMIN = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


def get(url, auth=None, headers=None, method="GET"):
    return requests.request(
        method, url, auth=auth, headers=headers or {}, timeout=60, allow_redirects=False
    )


@pytest.fixture
def urls(functional_portal, functional_holdings):
    records = functional_holdings
    secret = records[SECRET_DOCUMENT]
    transaction.commit()
    return {
        "secret": secret.absolute_url(),
        "secret_dossier": records[SECRET_DOSSIER].absolute_url(),
        "missing": f"{records[SECRET_DOSSIER].absolute_url()}/9999",
        "missing_dossier": f"{records[SECRET_DOSSIER].__parent__.absolute_url()}/9999",
        "dossier": records[PUBLISHED_DOSSIER].absolute_url(),
        "title": secret.Title(),
        "doc_id": secret.docId,
    }


def suggestions_left_out(page):
    """The 404 page suggests items found with the words of the URL: they differ with it."""
    return re.sub(r'<ul id="page-not-found-list">.*?</ul>', "", page, flags=re.DOTALL)


BUILT_IN = [
    "@@title",
    "@@description",
    "@@plone_context_state/object_title",
    "@@plone_context_state/workflow_state",
    "@@breadcrumbs_view/breadcrumbs",
    "@@uuid",
    "@@plone/getParentObject",
    "@@plone_context_state/canonical_object",
    "@@sitemap",
    "@@contact-info",
    "@@main_template",
    "getId",
    "absolute_url",
    "getPortalTypeName",
    "virtual_url_path",
    "",
    "view",
]


@pytest.mark.parametrize("auth", [None, READER], ids=["anonymous", "reader"])
def test_a_hidden_record_answers_as_a_missing_one(urls, auth):
    for step in BUILT_IN:
        for headers in (HTML, JSON):
            hidden = get(f"{urls['secret']}/{step}".rstrip("/"), auth, headers)
            missing = get(f"{urls['missing']}/{step}".rstrip("/"), auth, headers)
            assert (hidden.status_code, missing.status_code) == (404, 404), step
            assert urls["title"] not in hidden.text
            shown = swap_names(hidden.text, [(urls["secret"], urls["missing"])])
            assert suggestions_left_out(shown) == suggestions_left_out(missing.text), (
                step
            )
    # Over ++api++ too (it answered 401 for hidden records and 404 for missing ones).
    api = urls["secret_dossier"].replace("/plone/", "/plone/++api++/")
    missing_api = urls["missing_dossier"].replace("/plone/", "/plone/++api++/")
    assert get(api, auth).status_code == get(missing_api, auth).status_code == 404


def test_staff_see_the_hidden_record(urls):
    page = get(urls["secret"], ARCHIVIST, HTML)
    assert page.status_code == 200
    assert urls["title"] in page.text
    assert urls["title"] in get(f"{urls['secret']}/@@title", ARCHIVIST).text


def test_containers_neither_count_nor_name_their_children(urls):
    for step in (
        "objectCount",
        "hasObject?id=1",
        "getObjectPosition?id=1",
        "objectIds",
    ):
        assert get(f"{urls['dossier']}/{step}").status_code == 404, step
        assert get(f"{urls['dossier']}/{step}", READER).status_code == 404, step
    # Zope's methods stay for the people who manage the site.
    counted = get(f"{urls['dossier']}/objectCount", ADMIN)
    assert counted.status_code == 200
    assert int(counted.text) >= 3


def test_the_404_page_offers_to_log_in(urls):
    page = get(urls["secret"], None, HTML)
    assert page.status_code == 404
    assert "vnarchive-login-offer" in page.text
    assert "/login?came_from=" in page.text
    assert "vnarchive-login-offer" not in get(urls["dossier"], None, HTML).text


class DisclosedCode(BrowserView):
    """A declared disclosure: the archival code of a record, for anyone."""

    def __call__(self):
        return self.context.docId


@pytest.fixture
def disclosed_code():
    registry = getGlobalSiteManager()
    declared = Disclosure("test-disclosed-code", fields=("docId",))
    required = (IArchivalRecord, IDefaultBrowserLayer)
    DisclosedCode.__roles__ = None
    registry.registerUtility(declared, IDisclosure, "test-disclosed-code")
    registry.registerAdapter(DisclosedCode, required, Interface, "test-disclosed-code")
    registry.registerAdapter(DisclosedCode, required, Interface, "test-undeclared-code")
    yield
    registry.unregisterUtility(declared, IDisclosure, "test-disclosed-code")
    registry.unregisterAdapter(
        DisclosedCode, required, Interface, "test-disclosed-code"
    )
    registry.unregisterAdapter(
        DisclosedCode, required, Interface, "test-undeclared-code"
    )


def test_only_a_declared_disclosure_reaches_a_hidden_record(urls, disclosed_code):
    declared = get(f"{urls['secret']}/@@test-disclosed-code")
    assert declared.status_code == 200
    assert declared.text == urls["doc_id"]
    # The same view under another name is not declared: the record does not exist.
    assert get(f"{urls['secret']}/@@test-undeclared-code").status_code == 404
    # A declared channel opens that channel only, not the rest of the record.
    assert get(f"{urls['secret']}/@@test-disclosed-code/title").status_code == 404


def test_public_records_need_no_lookup_of_the_user(urls, monkeypatch):
    """What Anonymous may View everyone may: the guard asks the user folders who is asking
    only at a record Anonymous may not View (the lookup is most of its cost)."""
    from vnarchive.policy.trust import guard

    lookups = []
    identify = guard._identify
    monkeypatch.setattr(
        guard, "_identify", lambda request: lookups.append(1) or identify(request)
    )
    assert get(urls["dossier"] + "/@@view", READER).status_code == 200
    assert lookups == []
    assert get(urls["secret"], READER).status_code == 404
    assert lookups == [1]
    assert get(urls["secret"], ARCHIVIST).status_code == 200  # staff still get through
