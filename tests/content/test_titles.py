"""Composed document titles are archival metadata: one rule, in Vietnamese, on every path.

"<type> <number>/<symbol>: <abstract>", the type from the national code list in
Vietnamese, whatever the interface language and whether the record came from the add
form, REST, plone.api, the demo loader or a command-line import. Earlier versions
translated the type into the request's language (demo and imports got "Report 12/…")
and dropped it when the abstract began with it, which only happened in a Vietnamese
interface (so the form stored "45/QĐ-UBND: Quyết định …"). `recompose_titles` rewrites
what they stored, never a title people typed.
"""

from helpers import as_user
from helpers import DEMO_PASSWORD
from helpers import document_data
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import USERS
from language import interface_language
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.testing.zope import Browser
from vnarchive.content.types.document import recompose_titles
from zope.globalrequest import setRequest

import pytest
import requests
import transaction


DECISION = {
    "typeName": "02",
    "codeNumber": "45",
    "codeNotation": "QĐ-UBND",
    "subjectText": "Quyết định thành lập hội đồng xác định giá trị tài liệu",
}
DECISION_TITLE = (
    "Quyết định 45/QĐ-UBND: Quyết định thành lập hội đồng xác định giá trị tài liệu"
)
REPORT = "Báo cáo tổng kết tình hình kinh tế - xã hội năm 2010 và nhiệm vụ năm 2011"
REPORT_TITLE = f"Báo cáo 12/BC-UBND: {REPORT}"
LANGUAGES = ["vi", "en", "lo"]


# -- paths inside the site: plone.api, the demo loader, no request at all --------------


def test_demo_holdings_have_vietnamese_titles_with_the_type(holdings):
    assert holdings[PUBLISHED_DOCUMENT].title == REPORT_TITLE
    minutes = holdings["000.00.00.H56.2010.01.TH.0000003"]
    assert minutes.title == "Biên bản: Biên bản hội nghị tổng kết công tác năm 2010"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plone_api_path_composes_in_vietnamese(holdings, portal, language):
    interface_language(portal, language)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    document = api.content.create(
        container=holdings[PROCESSING_DOSSIER],
        type="ArchivalDocument",
        id="qd-45",  # plone.api wants an id or a title
        **DECISION,
    )
    assert document.title == DECISION_TITLE
    assert document.Title() == DECISION_TITLE


@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_loader_path_composes_in_vietnamese(holdings, portal, language):
    from vnarchive.policy.records import create_record

    request = interface_language(portal, language)
    as_user(portal, USERS["Archivist"])
    document = create_record(
        holdings[PROCESSING_DOSSIER], "ArchivalDocument", document_data(), request
    )
    assert document.title == "Thông báo 9/TB-UBND: Thông báo lịch tiếp công dân"


def test_without_a_request_the_title_is_vietnamese(holdings, portal):
    """Command-line imports: no request to negotiate with (zope.i18n then says English)."""
    setRoles(portal, TEST_USER_ID, ["Manager"])
    setRequest(None)
    try:
        document = api.content.create(
            container=holdings[PROCESSING_DOSSIER],
            type="ArchivalDocument",
            id="qd-45",
            **DECISION,
        )
    finally:
        setRequest(portal.REQUEST)
    assert document.title == DECISION_TITLE


def test_an_edit_recomposes_in_vietnamese(holdings, portal):
    from zope.event import notify
    from zope.lifecycleevent import ObjectModifiedEvent

    document = holdings["000.00.00.H56.2024.02.KH.0000001"]
    interface_language(portal, "en")
    setRoles(portal, TEST_USER_ID, ["Manager"])
    document.subjectText = "Kế hoạch số hóa tài liệu lưu trữ giai đoạn 2024 - 2030"
    notify(ObjectModifiedEvent(document))
    assert document.title == (
        "Kế hoạch 28/KH-UBND: Kế hoạch số hóa tài liệu lưu trữ giai đoạn 2024 - 2030"
    )


def test_a_typed_title_is_kept(holdings, portal):
    interface_language(portal, "en")
    setRoles(portal, TEST_USER_ID, ["Manager"])
    document = api.content.create(
        container=holdings[PROCESSING_DOSSIER],
        type="ArchivalDocument",
        title="Quyết định thành lập hội đồng (bản lưu)",
        **DECISION,
    )
    assert document.title == "Quyết định thành lập hội đồng (bản lưu)"


# -- over HTTP: the add form and REST, in an English interface --------------------------


def _new_document(dossier, before):
    transaction.begin()
    (new,) = set(dossier.objectIds()) - before
    return dossier[new]


@pytest.mark.parametrize("language", LANGUAGES)
def test_add_form_composes_in_vietnamese(functional_app, functional_holdings, language):
    dossier = functional_holdings[PROCESSING_DOSSIER]
    before = set(dossier.objectIds())
    browser = Browser(functional_app)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {USERS['Archivist']}:{DEMO_PASSWORD}")
    browser.addHeader("Cookie", f"I18N_LANGUAGE={language}")
    browser.open(dossier.absolute_url() + "/++add++ArchivalDocument")
    if language == "en":
        assert "Document type" in browser.contents  # the form really is in English
    browser.getControl(name="form.widgets.typeName:list").value = [DECISION["typeName"]]
    browser.getControl(name="form.widgets.codeNumber").value = DECISION["codeNumber"]
    browser.getControl(name="form.widgets.codeNotation").value = DECISION[
        "codeNotation"
    ]
    browser.getControl(name="form.widgets.subjectText").value = DECISION["subjectText"]
    browser.getControl(name="form.buttons.save").click()
    document = _new_document(dossier, before)
    assert document.title == DECISION_TITLE
    assert DECISION_TITLE in browser.contents


def test_rest_composes_in_vietnamese(functional_portal, functional_holdings):
    dossier = functional_holdings[PROCESSING_DOSSIER]
    before = set(dossier.objectIds())
    response = requests.post(
        dossier.absolute_url(),
        json={"@type": "ArchivalDocument", **document_data(**DECISION)},
        headers={"Accept": "application/json", "Accept-Language": "en"},
        cookies={"I18N_LANGUAGE": "en"},
        auth=(USERS["Archivist"], DEMO_PASSWORD),
        timeout=60,
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == DECISION_TITLE
    assert _new_document(dossier, before).title == DECISION_TITLE


# -- recompose_titles: what earlier versions stored --------------------------------------


def _stored(portal, document, title, marked=True):
    """A title as an earlier version left it (marked as composed, or not)."""
    document.title = title
    if marked:
        document._composed_title = title
    elif "_composed_title" in document.__dict__:
        del document._composed_title
    document.reindexObject()


def _catalog_title(document):
    catalog = api.portal.get_tool("portal_catalog")
    (brain,) = catalog.unrestrictedSearchResults(UID=document.UID())
    return brain.Title


@pytest.mark.parametrize("marked", [True, False])
@pytest.mark.parametrize(
    "old",
    [
        f"Report 12/BC-UBND: {REPORT}",  # English interface (demo, imports)
        f"ບົດລາຍງານ 12/BC-UBND: {REPORT}",  # Lao interface
        f"12/BC-UBND: {REPORT}",  # Vietnamese interface: type dropped
        "",  # never stored
    ],
)
def test_recompose_turns_old_composed_titles_into_the_rule(
    holdings, portal, manager, old, marked
):
    document = holdings[PUBLISHED_DOCUMENT]
    _stored(portal, document, old, marked)
    changed = recompose_titles(portal)
    assert document in changed
    assert document.title == REPORT_TITLE
    assert document._composed_title == REPORT_TITLE
    assert _catalog_title(document) == REPORT_TITLE
    assert recompose_titles(portal) == []  # nothing left to do


@pytest.mark.parametrize(
    "typed",
    [
        "Báo cáo tổng kết năm 2010 (bản trình Hội đồng nhân dân)",
        "Report 12/BC-UBND: summary for the 2010 conference",  # English, but typed
    ],
)
def test_recompose_leaves_a_typed_title_alone(holdings, portal, manager, typed):
    document = holdings[PUBLISHED_DOCUMENT]
    _stored(portal, document, typed, marked=False)
    english = holdings["000.00.00.H56.2010.01.TH.0000003"]
    _stored(portal, english, "Minutes: Biên bản hội nghị tổng kết công tác năm 2010")
    changed = recompose_titles(portal)
    assert document not in changed
    assert document.title == typed
    assert _catalog_title(document) == typed
    assert english in changed
    assert english.title == "Biên bản: Biên bản hội nghị tổng kết công tác năm 2010"


def test_recompose_closed_records_as_a_system_change(make_document, portal):
    from vnarchive.policy.journal import entries
    from vnarchive.policy.workflow.closed import RecordClosed
    from vnarchive.policy.workflow.closed import system_change

    document = make_document("transferred", maintenance="01", **DECISION)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    _stored(portal, document, DECISION_TITLE.replace("Quyết định 45", "Decision 45"))
    with system_change("upgrade: composed titles in Vietnamese"):
        changed = recompose_titles(portal)
    assert document in changed
    assert document.title == DECISION_TITLE
    system = [e for e in entries(document) if e["action"] == "system_change"]
    assert [e["reason"] for e in system] == ["upgrade: composed titles in Vietnamese"]
    # Outside a system change a closed record is refused, as every other write.
    _stored(portal, document, DECISION_TITLE.replace("Quyết định 45", "Decision 45"))
    with pytest.raises(RecordClosed):
        recompose_titles(portal)
