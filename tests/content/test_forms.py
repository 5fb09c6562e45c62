"""Add and edit forms in the browser-facing UI: messages at the field, nothing half-saved."""

from helpers import DEMO_PASSWORD
from helpers import USERS
from plone.testing.zope import Browser

import pytest
import transaction


@pytest.fixture
def browser(functional_app, functional_holdings):
    browser = Browser(functional_app)
    browser.handleErrors = True
    browser.raiseHttpErrors = False
    browser.addHeader("Authorization", f"Basic {USERS['Archivist']}:{DEMO_PASSWORD}")
    return browser


def fonds_url(holdings):
    return holdings["UBQT"].absolute_url()


def test_add_dossier_with_bad_number_shows_the_message_at_the_field(
    browser, functional_holdings
):
    fonds = functional_holdings["UBQT"]
    before = len(fonds.objectIds())
    browser.open(fonds.absolute_url() + "/++add++Dossier")
    browser.getControl(name="form.widgets.title").value = "Hồ sơ thử"
    browser.getControl(name="form.widgets.fileYear").value = "2020"
    browser.getControl(name="form.widgets.fileNumber").value = "01 TH"
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    assert "Số và ký hiệu hồ sơ “01 TH” không đúng dạng" in browser.contents
    assert "Traceback" not in browser.contents
    transaction.begin()
    assert len(fonds.objectIds()) == before


def test_add_dossier_with_a_code_in_use_is_refused(browser, functional_holdings):
    fonds = functional_holdings["UBQT"]
    before = len(fonds.objectIds())
    browser.open(fonds.absolute_url() + "/++add++Dossier")
    browser.getControl(name="form.widgets.title").value = "Hồ sơ trùng"
    browser.getControl(name="form.widgets.fileYear").value = "2010"
    browser.getControl(name="form.widgets.fileNumber").value = "01.th"
    browser.getControl(name="form.buttons.save").click()
    assert "000.00.00.H56.2010.01.TH" in browser.contents
    assert "đã được dùng" in browser.contents
    transaction.begin()
    assert len(fonds.objectIds()) == before


def test_add_dossier_then_the_code_is_shown(browser, functional_holdings):
    fonds = functional_holdings["UBQT"]
    browser.open(fonds.absolute_url() + "/++add++Dossier")
    browser.getControl(name="form.widgets.title").value = "Hồ sơ mới"
    browser.getControl(name="form.widgets.fileYear").value = "2022"
    browser.getControl(name="form.widgets.fileNumber").value = "04.ts"
    browser.getControl(name="form.buttons.save").click()
    assert "000.00.00.H56.2022.04.TS" in browser.contents


def test_date_errors_are_shown_at_the_field(browser, functional_holdings):
    document = functional_holdings["000.00.00.H56.2024.02.KH.0000001"]
    browser.open(document.absolute_url() + "/edit")
    browser.getControl(name="form.widgets.issuedDate").value = "31/02/2024"
    browser.getControl(name="form.buttons.save").click()
    assert "không tồn tại trong lịch" in browser.contents
    transaction.begin()
    assert document.issuedDate == "20/02/2024"


def test_frozen_codes_are_read_only_in_the_edit_form(browser, functional_holdings):
    dossier = functional_holdings["000.00.00.H56.2015.12.TCCB"]
    browser.open(dossier.absolute_url() + "/edit")
    with pytest.raises(LookupError):
        browser.getControl(name="form.widgets.fileNumber")
    assert "12.TCCB" in browser.contents
    browser.getControl(
        name="form.widgets.title"
    ).value = "Hồ sơ bổ nhiệm cán bộ năm 2015 (sửa)"
    browser.getControl(name="form.buttons.save").click()
    transaction.begin()
    assert dossier.title.endswith("(sửa)")
    assert dossier.fileCode == "000.00.00.H56.2015.12.TCCB"


def test_processing_codes_are_editable(browser, functional_holdings):
    dossier = functional_holdings["000.00.00.H56.2024.02.KH"]
    browser.open(dossier.absolute_url() + "/edit")
    assert browser.getControl(name="form.widgets.fileNumber").value == "02.KH"


def test_published_record_cannot_be_made_secret_in_the_form(
    browser, functional_holdings
):
    # Only the head of the archive changes the access mode of a published record.
    browser.addHeader("Authorization", f"Basic {USERS['ArchiveHead']}:{DEMO_PASSWORD}")
    document = functional_holdings["000.00.00.H56.2010.01.TH.0000001"]
    browser.open(document.absolute_url() + "/edit")
    browser.getControl(name="form.widgets.ILifecycle.mode:list").value = ["03"]
    browser.getControl(name="form.buttons.save").click()
    assert browser.headers["status"].startswith("200")
    assert "Hãy thu hồi công bố trước khi đổi chế độ sử dụng" in browser.contents
    transaction.begin()
    assert document.mode == "01"
