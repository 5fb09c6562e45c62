"""Views of others asked on a record or the site they were not made for (errors.py).

Plone's views, and those of the add-ons it ships, are registered for broad interfaces; asked
on a record or on the site some of them fail (a mail template or a macro page on its own,
a view that refuses to be called, an adding view). Such a request answers exactly what a
name that does not exist answers there: the 404 of the trust guard, same status, headers and
body, for Anonymous, a reader and a curator, on a published record, a secret one and the
site. A view of ours, or a view of others running our code, that fails is still a failure:
a 5xx, logged with its traceback; and so is a write that fails.
"""

from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOSSIER
from helpers import SECRET_DOCUMENT
from helpers import USERS
from pathlib import Path
from prober import comparable
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from vnarchive.content.annotations import annotated_tree
from vnarchive.policy.browser import journal
from vnarchive.policy.interfaces import IVnarchivePolicyLayer
from vnarchive.policy.misplaced import NOT_HERE
from zope.component import getGlobalSiteManager
from zope.interface import Interface
from zope.publisher.interfaces.browser import IDefaultBrowserLayer

import logging
import pytest
import requests
import transaction


TIMEOUT = 60
VISITORS = {
    "anonymous": None,
    "reader": (USERS["ArchiveReader"], DEMO_PASSWORD),
    "curator": (USERS["Curator"], DEMO_PASSWORD),
}
ACCEPT = {
    "html": {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    "json": {"Accept": "application/json"},
}
MISSING = "@@vnarchive-no-such-view"
# Some of the views the generic prober found answering 500 on records and the site (what
# they raised there), Plone's and its add-ons' own.
VIEWS = [
    "@@site-logo",  # AttributeError: no logo was uploaded
    "@@babel_utils",  # TypeError: no translations (plone.app.multilingual)
    "@@mail_password_template",  # KeyError: the options of a mail
    "@@ploneform-macros",  # LocationError (a KeyError): macros only
    "@@pas_info",  # HTTPImATeapot, "View not callable" (PlonePAS), which Zope makes a 500
    "@@text-transform",  # TypeError: the name of a field is missing
    "@@version_file_view",  # NameError in its template
    "@@+",  # AttributeError in traversal: an adding view has no page of its own
]


def get(url, auth=None, headers=None, method="GET"):
    return requests.request(
        method, url, auth=auth, headers=headers, timeout=TIMEOUT, allow_redirects=False
    )


@pytest.fixture
def places(functional_portal, functional_holdings):
    transaction.commit()
    return {
        "published record": functional_holdings[PUBLISHED_DOSSIER].absolute_url(),
        "secret record": functional_holdings[SECRET_DOCUMENT].absolute_url(),
        "site": functional_portal.absolute_url(),
    }


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_views_of_others_not_made_for_the_object_answer_as_a_missing_name(
    places, visitor, caplog
):
    auth = VISITORS[visitor]
    with caplog.at_level(logging.INFO, logger="vnarchive.policy.errors"):
        for place, url in places.items():
            for kind, headers in ACCEPT.items():
                missing = comparable(get(f"{url}/{MISSING}", auth, headers))
                assert missing[0] == 404
                for view in VIEWS:
                    answer = get(f"{url}/{view}", auth, headers)
                    asked = f"{place} {view} {kind}"
                    assert answer.status_code == 404, (asked, answer.text[:300])
                    assert comparable(answer, [(view, MISSING)]) == missing, asked
    # One line each in the log, no traceback; nothing logged as a failure.
    logged = [record for record in caplog.records if record.name.endswith("errors")]
    assert logged
    assert all(record.levelno == logging.INFO for record in logged)
    assert all(record.exc_info is None for record in logged)
    assert all(record.getMessage().startswith("not found: GET") for record in logged)


class Failing(BrowserView):
    """A view that fails on whatever it is asked on, as a view meeting an object it was
    not written for fails."""

    __roles__ = None  # public

    def __call__(self):
        return self.context.vnarchive_nothing_by_this_name


class RunningOurCode(BrowserView):
    """A view of others that calls code of ours, which fails there."""

    __roles__ = None

    def __call__(self):
        return annotated_tree(self, "vnarchive.test")  # a view has no annotations


class RenderingOurTemplate(BrowserView):
    """A view of others that renders a template of ours (the journal's), which fails
    there: this view has none of the journal view's methods."""

    __roles__ = None
    index = ViewPageTemplateFile(
        str(Path(journal.__file__).parent / "templates" / "journal.pt")
    )

    def __call__(self):
        return self.index()


REGISTERED = [
    # A view of others: registered for any browser request.
    (Failing, IDefaultBrowserLayer, "vnarchive-test-theirs"),
    # Ours: every view and service of vnarchive is registered on one of its layers.
    (Failing, IVnarchivePolicyLayer, "vnarchive-test-ours"),
    (RunningOurCode, IDefaultBrowserLayer, "vnarchive-test-runs-ours"),
    (RenderingOurTemplate, IDefaultBrowserLayer, "vnarchive-test-renders-ours"),
]


@pytest.fixture
def failing_views(places):
    registry = getGlobalSiteManager()
    for factory, layer, name in REGISTERED:
        registry.registerAdapter(factory, (Interface, layer), Interface, name)
    yield places
    for factory, layer, name in REGISTERED:
        registry.unregisterAdapter(factory, (Interface, layer), Interface, name)


def test_a_view_of_others_failing_here_is_a_missing_name(failing_views):
    for url in failing_views.values():
        missing = comparable(get(f"{url}/{MISSING}", None, ACCEPT["html"]))
        answer = get(f"{url}/@@vnarchive-test-theirs", None, ACCEPT["html"])
        swaps = [("@@vnarchive-test-theirs", MISSING)]
        assert comparable(answer, swaps) == missing
        head = get(f"{url}/@@vnarchive-test-theirs", method="HEAD")
        assert head.status_code == 404


@pytest.mark.parametrize(
    ("view", "method", "where"),
    [
        ("@@vnarchive-test-ours", "GET", "published record"),
        ("@@vnarchive-test-ours", "GET", "site"),
        ("@@vnarchive-test-runs-ours", "GET", "published record"),
        ("@@vnarchive-test-runs-ours", "GET", "site"),
        ("@@vnarchive-test-renders-ours", "GET", "published record"),
        # A write that fails is a failure, whoever's view it is.
        ("@@vnarchive-test-theirs", "POST", "published record"),
        # Elsewhere than on records and the site (a tool), the rule does not apply.
        ("portal_catalog/@@vnarchive-test-theirs", "GET", "site"),
    ],
)
def test_our_failures_stay_failures(failing_views, caplog, view, method, where):
    url = f"{failing_views[where]}/{view}"
    with caplog.at_level(logging.INFO, logger="vnarchive.policy.errors"):
        for auth in VISITORS.values():
            answer = get(url, auth, ACCEPT["html"], method=method)
            assert answer.status_code == 500, answer.text[:300]
            assert "vnarchive_nothing_by_this_name" not in answer.text
    logged = [record for record in caplog.records if record.name.endswith("errors")]
    assert len(logged) == len(VISITORS)
    for record in logged:
        assert record.levelno == logging.ERROR
        assert record.exc_info is not None
        assert isinstance(record.exc_info[1], NOT_HERE)
