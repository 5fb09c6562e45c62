"""Retention and access mode: field-level write permissions, managed per state by the
record workflow, respected by the edit form and by REST (SPECIFICATION.md, "Retention and
access mode")."""

from helpers import CONDITIONAL_DOCUMENT
from helpers import DEMO_PASSWORD
from helpers import PROCESSING_DOCUMENT
from helpers import USERS
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


def patch(served, code, role, data):
    response = requests.patch(
        served[code].absolute_url(),
        json=data,
        auth=(USERS[role], DEMO_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    transaction.begin()  # see what the server committed
    return response


@pytest.fixture
def served(functional_portal, functional_holdings):
    transaction.commit()
    return functional_holdings


def test_archivist_sets_retention_and_access_mode_while_processing(served):
    response = patch(
        served, PROCESSING_DOCUMENT, "Archivist", {"maintenance": "04", "mode": "02"}
    )
    assert response.status_code == 204, response.text
    document = served[PROCESSING_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "02")


def test_archivist_cannot_change_them_once_archived_over_rest(served):
    document = served[CONDITIONAL_DOCUMENT]
    before = (document.maintenance, document.mode)
    assert before != ("04", "03")
    response = patch(
        served,
        CONDITIONAL_DOCUMENT,
        "Archivist",
        {"maintenance": "04", "mode": "03", "organName": "Văn phòng UBND tỉnh"},
    )
    # plone.restapi skips the fields its user may not write and applies the rest.
    assert response.status_code == 204, response.text
    assert (document.maintenance, document.mode) == before
    assert document.organName == "Văn phòng UBND tỉnh"


def test_head_of_archive_changes_them_once_archived_over_rest(served):
    response = patch(
        served,
        CONDITIONAL_DOCUMENT,
        "ArchiveHead",
        {"maintenance": "04", "mode": "03"},
    )
    assert response.status_code == 204, response.text
    document = served[CONDITIONAL_DOCUMENT]
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


def test_edit_form_lets_the_archivist_set_them_while_processing(functional_app, served):
    browser = browser_for(functional_app, "Archivist")
    browser.open(served[PROCESSING_DOCUMENT].absolute_url() + "/edit")
    browser.getControl(name=RETENTION).value = ["04"]
    browser.getControl(name=MODE).value = ["02"]
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    transaction.begin()
    document = served[PROCESSING_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "02")


def test_edit_form_leaves_them_out_for_the_archivist_once_archived(
    functional_app, served
):
    document = served[CONDITIONAL_DOCUMENT]
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
    functional_app, served
):
    browser = browser_for(functional_app, "ArchiveHead")
    browser.open(served[CONDITIONAL_DOCUMENT].absolute_url() + "/edit")
    browser.getControl(name=RETENTION).value = ["04"]
    browser.getControl(name=MODE).value = ["03"]
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    transaction.begin()
    document = served[CONDITIONAL_DOCUMENT]
    assert (document.maintenance, document.mode) == ("04", "03")


# -- Languages and notes: behaviors, stored as before ----------------------------------

SHARED = {
    "Fonds": {"vnarchive.language": "languageCode", "vnarchive.container_notes": None},
    "Dossier": {
        "vnarchive.language": "languageCode",
        "vnarchive.container_notes": None,
    },
    "ArchivalDocument": {"vnarchive.language": None, "vnarchive.notes": None},
    "PhotoRecord": {"vnarchive.notes": None},
    "AudioVisualRecord": {"vnarchive.language": None, "vnarchive.notes": None},
}


@pytest.mark.parametrize("type_name", sorted(SHARED))
def test_languages_and_notes_come_from_behaviors(portal, type_name):
    from plone import api
    from plone.dexterity.utils import iterSchemataForType

    fti = api.portal.get_tool("portal_types")[type_name]
    assert set(SHARED[type_name]) <= set(fti.behaviors)
    main = fti.lookupSchema()
    assert "languageCode" not in main.names()
    assert "description" not in main.names()
    owners = {
        name: schema.__identifier__
        for schema in iterSchemataForType(type_name)
        for name in schema.names()
        if name in ("languageCode", "description")
    }
    assert owners["description"].startswith("vnarchive.content.behaviors.notes.")
    if "vnarchive.language" in SHARED[type_name]:
        assert (
            owners["languageCode"] == "vnarchive.content.behaviors.language.ILanguage"
        )


def test_notes_keep_the_length_of_their_level():
    from vnarchive.content.behaviors.notes import IContainerNotes
    from vnarchive.content.behaviors.notes import INotes

    assert INotes["description"].max_length == 500
    assert IContainerNotes["description"].max_length == 2000


def test_values_stay_attributes_of_the_record(portal, holdings):
    from vnarchive.content.behaviors.language import ILanguage
    from vnarchive.content.behaviors.notes import INotes

    document = holdings[CONDITIONAL_DOCUMENT]
    # As a record saved before the behaviors holds them: plain attributes of the object.
    document._p_activate()
    document.__dict__["languageCode"] = ["01", "05"]
    document.__dict__["description"] = "Ghi chú cũ"
    assert ILanguage(document).languageCode == ["01", "05"]
    assert INotes(document).description == "Ghi chú cũ"
    ILanguage(document).languageCode = ["02"]
    assert document.__dict__["languageCode"] == ["02"]  # no annotation, same name
    assert document.Description() == "Ghi chú cũ"


def test_notes_too_long_for_a_record_are_refused_over_rest(served):
    response = patch(
        served, PROCESSING_DOCUMENT, "Archivist", {"description": "x" * 501}
    )
    assert response.status_code == 400, response.text
    assert "description" in str(response.json()["message"])
    fine = patch(
        served,
        PROCESSING_DOCUMENT,
        "Archivist",
        {"description": "Ghi chú", "languageCode": ["01", "05"]},
    )
    assert fine.status_code == 204, fine.text
    document = served[PROCESSING_DOCUMENT]
    assert (document.description, document.languageCode) == ("Ghi chú", ["01", "05"])
