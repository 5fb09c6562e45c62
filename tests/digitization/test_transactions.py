"""The undo log, undo and the ZMI are for the site's administrators only.

The undo log (`@transactions`) names the path and title of every object a transaction
changed, hidden or not; the ZMI lists what a folder holds. Plone gives the first to every
Member and the ZMI to a record's Owner: here neither reaches citizens or staff.
"""

from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOSSIER
from helpers import SECRET_DOCUMENT
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME

import pytest
import requests
import transaction


TIMEOUT = 30
PERMISSIONS = ["List undoable changes", "Undo changes", "View management screens"]
STAFF_AND_CITIZENS = [
    "ArchiveReader",
    "Curator",
    "Archivist",
    "Appraiser",
    "ArchiveHead",
]


@pytest.mark.parametrize("role", STAFF_AND_CITIZENS)
def test_nobody_but_administrators_has_undo_or_the_zmi(holdings, portal, role):
    from helpers import document_data
    from vnarchive.policy.records import create_record

    user = USERS[role]
    places = [portal, holdings[PUBLISHED_DOSSIER], holdings[SECRET_DOCUMENT]]
    if role == "Archivist":
        # A record they created themselves: Plone makes them its Owner.
        login(portal, user)
        places.append(
            create_record(
                holdings["000.00.00.H56.2024.02.KH"],
                "ArchivalDocument",
                document_data(),
            )
        )
        assert "Owner" in api.user.get_roles(username=user, obj=places[-1])
    for place in places:
        for permission in PERMISSIONS:
            assert not api.user.has_permission(permission, username=user, obj=place), (
                permission,
                place,
            )
    login(portal, TEST_USER_NAME)


def test_administrators_keep_them(portal):
    for permission in PERMISSIONS:
        assert "Manager" in {
            item["name"]
            for item in portal.rolesOfPermission(permission)
            if item["selected"]
        }
    for permission in ("List undoable changes", "Undo changes"):
        assert "Site Administrator" in {
            item["name"]
            for item in portal.rolesOfPermission(permission)
            if item["selected"]
        }


@pytest.fixture
def site(functional_portal, functional_holdings):
    transaction.commit()
    return functional_portal.absolute_url(), functional_holdings


@pytest.mark.parametrize("role", [None, "ArchiveReader", "Archivist", "ArchiveHead"])
def test_transactions_are_closed_over_rest(site, role):
    url, records = site
    auth = (USERS[role], DEMO_PASSWORD) if role else None
    response = requests.get(
        f"{url}/++api++/@transactions",
        auth=auth,
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert response.status_code in (401, 403, 404), response.text[:300]
    assert records[SECRET_DOCUMENT].Title() not in response.text
    assert "/".join(records[SECRET_DOCUMENT].getPhysicalPath()) not in response.text
    undo = requests.patch(
        f"{url}/++api++/@transactions",
        json={"transaction_ids": ["x"]},
        headers={"Accept": "application/json"},
        auth=auth,
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert undo.status_code in (401, 403, 404), undo.text[:300]


def test_transactions_answer_the_manager(site):
    url, _records = site
    response = requests.get(
        f"{url}/++api++/@transactions",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text[:300]
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("role", ["ArchiveReader", "Archivist", "ArchiveHead"])
def test_zmi_is_closed(site, role):
    url, records = site
    for target in (url, records[PUBLISHED_DOSSIER].absolute_url()):
        response = requests.get(
            f"{target}/manage_main",
            auth=(USERS[role], DEMO_PASSWORD),
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        assert response.status_code in (302, 401, 403, 404), (
            target,
            response.status_code,
        )
        assert "manage_tabs" not in response.text
    manager = requests.get(
        f"{records[PUBLISHED_DOSSIER].absolute_url()}/manage_main",
        auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert manager.status_code == 200
