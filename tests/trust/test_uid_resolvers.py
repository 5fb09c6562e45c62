"""UIDs, codes and paths given by a client name only records the user may View.

`resolveuid/<uid>`, `@@resolveuid/<uid>`, `@@redirect-to-uuid/<uid>` and
`@linkintegrity?uids=` answer a UID the user may not View exactly as a UID that does not
exist (404, no Location, nothing of the record in the body); they still lead staff and the
public to what they may see. All of them, and every service that takes a UID, code or path,
go through one resolver (`vnarchive.policy.trust.resolve.viewable_object`).
"""

from AccessControl import getSecurityManager
from helpers import CONDITIONAL_DOCUMENT
from helpers import DEMO_PASSWORD
from helpers import FONDS
from helpers import PROCESSING_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOCUMENT
from helpers import SECRET_DOSSIER
from helpers import USERS
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import TEST_USER_NAME

import pytest
import requests
import transaction


TIMEOUT = 30
RANDOM_UID = "0123456789abcdef0123456789abcdef"
HIDDEN = [SECRET_DOCUMENT, SECRET_DOSSIER, CONDITIONAL_DOCUMENT, PROCESSING_DOCUMENT]
VISITORS = {"anonymous": None, "reader": (USERS["ArchiveReader"], DEMO_PASSWORD)}
ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
REDIRECTS = ["resolveuid/{uid}", "@@resolveuid/{uid}", "@@redirect-to-uuid/{uid}"]


# -- the resolver ----------------------------------------------------------------------


def test_resolver_gives_only_what_the_user_may_view(holdings, portal):
    from vnarchive.policy.trust.resolve import viewable_object

    published = holdings[PUBLISHED_DOCUMENT]
    secret = holdings[SECRET_DOCUMENT]
    site_path = "/".join(portal.getPhysicalPath())
    secret_path = "/".join(secret.getPhysicalPath())
    login(portal, USERS["ArchiveReader"])
    assert viewable_object(uid=published.UID()) == published
    assert viewable_object(code=PUBLISHED_DOCUMENT) == published
    assert viewable_object(code=published.docId) == published  # any of its codes
    assert viewable_object(path="/".join(published.getPhysicalPath())) == published
    relative = "/".join(published.getPhysicalPath()[len(portal.getPhysicalPath()) :])
    assert viewable_object(path=relative) == published
    for name in (
        {"uid": secret.UID()},
        {"code": SECRET_DOCUMENT},
        {"path": secret_path},
        {"uid": RANDOM_UID},
        {"code": "000.00.00.H56.1900.99.XX"},
        {"path": f"{site_path}/khong-co"},
    ):
        assert viewable_object(**name) is None, name
    # The staff see it: the resolver is not simply closed.
    login(portal, USERS["Archivist"])
    assert viewable_object(uid=secret.UID()) == secret
    assert viewable_object(code=SECRET_DOCUMENT) == secret
    assert viewable_object(path=secret_path) == secret
    login(portal, TEST_USER_NAME)


def test_resolver_refuses_malformed_names(holdings, portal):
    from vnarchive.policy.trust.resolve import viewable_object

    published = holdings[PUBLISHED_DOCUMENT]
    url_path = "/".join(published.getPhysicalPath())
    login(portal, USERS["Archivist"])
    for name in (
        {},
        {"uid": ""},
        {"uid": [published.UID()]},
        {"uid": published.UID(), "code": PUBLISHED_DOCUMENT},
        {"path": f"{url_path}/@@view"},
        {"path": f"{url_path}/getId"},
        {"path": f"{url_path}/../.."},
        {"path": "portal_catalog"},
        {"path": "acl_users"},
        {"path": published.absolute_url()},
    ):
        assert viewable_object(**name) is None, name
    login(portal, TEST_USER_NAME)


def test_hidden_behind_its_container(holdings, portal):
    """A record the user could View inside a container they may not is not theirs to
    resolve either (the guard hides it behind its parent)."""
    from vnarchive.policy.trust.resolve import may_view

    dossier = holdings[SECRET_DOSSIER]
    secret = holdings[SECRET_DOCUMENT]
    login(portal, USERS["Archivist"])
    assert may_view(secret)
    # A user holding View on the document alone, not on its dossier.
    secret.manage_permission("View", roles=["ArchiveReader"], acquire=False)
    login(portal, USERS["ArchiveReader"])
    assert getSecurityManager().checkPermission("View", secret)
    assert not getSecurityManager().checkPermission("View", dossier)
    assert not may_view(secret)
    logout()


# -- over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def site(functional_portal, functional_holdings):
    transaction.commit()
    return {
        "url": functional_portal.absolute_url(),
        "uids": {code: obj.UID() for code, obj in functional_holdings.items()},
        "urls": {code: obj.absolute_url() for code, obj in functional_holdings.items()},
        "titles": {code: obj.Title() for code, obj in functional_holdings.items()},
    }


def get(url, user, rest=False):
    headers = {"Accept": "application/json"} if rest else {}
    return requests.get(
        url, auth=user, headers=headers, timeout=TIMEOUT, allow_redirects=False
    )


def shape(response, uid):
    """What can be compared between two answers: status, kind, body with the asked
    UID taken out, and whether a redirect was given."""
    body = response.text.replace(uid, "<uid>")
    return (
        response.status_code,
        response.headers.get("Content-Type", "").split(";")[0],
        body,
        "Location" in response.headers,
    )


def assert_tells_nothing(site, response, code):
    text = response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    assert site["urls"][code] not in text
    assert site["titles"][code] not in text
    assert code not in text


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("pattern", REDIRECTS)
def test_uid_redirects_do_not_lead_to_hidden_records(site, visitor, pattern):
    user = VISITORS[visitor]
    missing = get(f"{site['url']}/{pattern.format(uid=RANDOM_UID)}", user)
    assert missing.status_code == 404
    for code in HIDDEN:
        uid = site["uids"][code]
        hidden = get(f"{site['url']}/{pattern.format(uid=uid)}", user)
        assert shape(hidden, uid) == shape(missing, RANDOM_UID), code
        assert_tells_nothing(site, hidden, code)
    # What the visitor may see is still found.
    public = get(
        f"{site['url']}/{pattern.format(uid=site['uids'][PUBLISHED_DOCUMENT])}", user
    )
    assert public.status_code in (301, 302)
    assert public.headers["Location"] == site["urls"][PUBLISHED_DOCUMENT]


@pytest.mark.parametrize("pattern", REDIRECTS)
def test_uid_redirects_lead_staff_to_what_they_see(site, pattern):
    uid = site["uids"][SECRET_DOCUMENT]
    response = get(f"{site['url']}/{pattern.format(uid=uid)}", ARCHIVIST)
    assert response.status_code in (301, 302)
    assert response.headers["Location"] == site["urls"][SECRET_DOCUMENT]
    if "resolveuid" in pattern:  # a sub-path and query go along
        response = get(
            f"{site['url']}/{pattern.format(uid=uid)}/@@journal?x=1", ARCHIVIST
        )
        assert (
            response.headers["Location"]
            == f"{site['urls'][SECRET_DOCUMENT]}/@@journal?x=1"
        )


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_linkintegrity_answers_alike_for_unknown_and_forbidden(site, visitor):
    user = VISITORS[visitor]
    url = f"{site['url']}/++api++/@linkintegrity?uids="
    missing = get(url + RANDOM_UID, user)
    assert missing.status_code == 404, missing.text[:300]
    assert "Traceback" not in missing.text
    for code in HIDDEN:
        uid = site["uids"][code]
        hidden = get(url + uid, user)
        assert shape(hidden, uid) == shape(missing, RANDOM_UID), code
        assert_tells_nothing(site, hidden, code)
        # Mixed with a visible one, the answer is still "not found".
        both = get(f"{url}{site['uids'][PUBLISHED_DOCUMENT]}&uids={uid}", user)
        assert both.status_code == 404
        assert_tells_nothing(site, both, code)
    public = get(url + site["uids"][FONDS], user)
    assert public.status_code == 200, public.text[:300]
    assert public.json()[0]["@id"] == site["urls"][FONDS]
    # Counted from what the visitor may see: the published records under the fonds.
    assert public.json()[0]["items_total"] < len(site["uids"]) - 1


def test_linkintegrity_answers_staff(site):
    uid = site["uids"][SECRET_DOCUMENT]
    response = get(f"{site['url']}/++api++/@linkintegrity?uids={uid}", ARCHIVIST)
    assert response.status_code == 200, response.text[:300]
    assert response.json()[0]["@id"] == site["urls"][SECRET_DOCUMENT]
