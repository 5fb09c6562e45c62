"""Retention and access mode: field-level write permissions, managed per state by the
record workflow, respected by the edit form and by REST (SPECIFICATION.md, "Retention and
access mode")."""

from conftest import CONDITIONAL_DOCUMENT
from conftest import DEMO_PASSWORD
from conftest import PROCESSING_DOCUMENT
from conftest import USERS
from plone.testing.zope import Browser
from vnarchive.content.behaviors.lifecycle import ILifecycle
from vnarchive.content.permissions import MODIFY_ACCESS_MODE
from vnarchive.content.permissions import MODIFY_RETENTION

import pytest
import requests
import transaction


RETENTION = "form.widgets.ILifecycle.maintenance:list"
MODE = "form.widgets.ILifecycle.mode:list"


def test_the_behavior_declares_the_write_permissions():
    from plone.autoform.interfaces import WRITE_PERMISSIONS_KEY

    assert ILifecycle.queryTaggedValue(WRITE_PERMISSIONS_KEY) == {
        "maintenance": MODIFY_RETENTION,
        "mode": MODIFY_ACCESS_MODE,
    }


def patch(holdings, code, role, data):
    response = requests.patch(
        holdings[code].absolute_url(),
        json=data,
        auth=(USERS[role], DEMO_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    transaction.begin()  # see what the server committed
    return response


@pytest.fixture
def holdings(functional_portal, functional_holdings):
    transaction.commit()
    return functional_holdings


def test_archivist_sets_retention_and_access_mode_while_processing(holdings):
    response = patch(
        holdings, PROCESSING_DOCUMENT, "Archivist", {"maintenance": "04", "mode": "02"}
    )
    assert response.status_code == 204, response.text
    document = holdings[PROCESSING_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "02")


def test_archivist_cannot_change_them_once_archived_over_rest(holdings):
    document = holdings[CONDITIONAL_DOCUMENT]
    before = (document.maintenance, document.mode)
    assert before != ("04", "03")
    response = patch(
        holdings,
        CONDITIONAL_DOCUMENT,
        "Archivist",
        {"maintenance": "04", "mode": "03", "organName": "Văn phòng UBND tỉnh"},
    )
    # plone.restapi skips the fields its user may not write and applies the rest.
    assert response.status_code == 204, response.text
    assert (document.maintenance, document.mode) == before
    assert document.organName == "Văn phòng UBND tỉnh"


def test_head_of_archive_changes_them_once_archived_over_rest(holdings):
    response = patch(
        holdings,
        CONDITIONAL_DOCUMENT,
        "ArchiveHead",
        {"maintenance": "04", "mode": "03"},
    )
    assert response.status_code == 204, response.text
    document = holdings[CONDITIONAL_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "03")


def browser_for(app, role):
    browser = Browser(app)
    browser.handleErrors = True
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {USERS[role]}:{DEMO_PASSWORD}")
    return browser


def control_names(browser):
    return {
        getattr(control, "name", None)
        for control in browser.getForm(id="form").controls
    }


def test_edit_form_lets_the_archivist_set_them_while_processing(
    functional_app, holdings
):
    browser = browser_for(functional_app, "Archivist")
    browser.open(holdings[PROCESSING_DOCUMENT].absolute_url() + "/edit")
    browser.getControl(name=RETENTION).value = ["04"]
    browser.getControl(name=MODE).value = ["02"]
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    transaction.begin()
    document = holdings[PROCESSING_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "02")


def test_edit_form_leaves_them_out_for_the_archivist_once_archived(
    functional_app, holdings
):
    document = holdings[CONDITIONAL_DOCUMENT]
    before = (document.maintenance, document.mode)
    browser = browser_for(functional_app, "Archivist")
    browser.open(document.absolute_url() + "/edit")
    names = control_names(browser)
    assert RETENTION not in names  # plone.autoform omits a field its user may not write
    assert MODE not in names
    browser.getControl(name="form.widgets.organName").value = "Văn phòng UBND tỉnh"
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    transaction.begin()
    assert document.organName == "Văn phòng UBND tỉnh"  # the rest stays editable
    assert (document.maintenance, document.mode) == before


def test_edit_form_lets_the_head_of_archive_change_them_once_archived(
    functional_app, holdings
):
    browser = browser_for(functional_app, "ArchiveHead")
    browser.open(holdings[CONDITIONAL_DOCUMENT].absolute_url() + "/edit")
    browser.getControl(name=RETENTION).value = ["04"]
    browser.getControl(name=MODE).value = ["03"]
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    transaction.begin()
    document = holdings[CONDITIONAL_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "03")
