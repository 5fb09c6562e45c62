"""The OCR review in a real browser (Debian Chromium driven by Playwright)."""

from browsers import log_in
from browsers import shot
from helpers import as_user
from helpers import document_data
from helpers import PROCESSING_DOSSIER
from helpers import USERS
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from review_data import set_pages
from review_data import TEXTS
from vnarchive.content.files import IRecordFiles

import transaction


def test_archivist_corrects_and_approves_the_least_confident_document(
    page,
    functional_portal,
    functional_holdings,
):
    from vnarchive.policy.records import create_record

    portal = functional_portal
    dossier = functional_holdings[PROCESSING_DOSSIER]
    as_user(portal, USERS["Archivist"])
    worst = create_record(
        dossier, "ArchivalDocument", document_data(subjectText="Quyết định kém")
    )
    better = create_record(
        dossier, "ArchivalDocument", document_data(subjectText="Báo cáo tốt")
    )
    set_pages(worst, [(TEXTS["good"], 90.0), (TEXTS["low"], 41.0)], low=("Qnyết",))
    set_pages(better, [(TEXTS["fine"], 77.0)])
    login(portal, TEST_USER_NAME)
    transaction.commit()
    worst_code, better_code = worst.docCode, better.docCode

    log_in(page, functional_holdings, "Archivist")
    page.goto(portal.absolute_url())
    link = page.locator(".vnarchive-review-queue-link a")
    assert "2 tài liệu chờ kiểm duyệt" in link.inner_text()
    link.click()
    page.wait_for_load_state()
    rows = page.locator(".vnarchive-review-row")
    assert rows.count() == 2
    assert worst_code in rows.nth(0).inner_text()
    assert "41.0" in rows.nth(0).inner_text()
    assert better_code in rows.nth(1).inner_text()
    shot(page, "review-queue")

    page.click(f"a.vnarchive-review-link:has-text('{worst_code}')")
    page.wait_for_load_state()
    section = page.locator("#page-2")
    image = section.locator(".vnarchive-page-image img")
    image.wait_for()
    assert page.evaluate(
        "img => img.complete && img.naturalWidth > 0", image.element_handle()
    )
    assert section.locator(".vnarchive-low-box").count() == 1
    assert "Qnyết" in section.locator(".vnarchive-low-words").inner_text()
    textarea = section.locator("textarea[name=text]")
    assert textarea.input_value() == TEXTS["low"]
    textarea.fill(TEXTS["low"].replace("Qnyết", "Quyết"))
    shot(page, "review-correcting")
    section.locator("button[name='form.save']").click()
    page.wait_for_load_state()
    assert "Đã lưu bản sửa trang 2" in page.content()
    section = page.locator("#page-2")
    assert section.locator("textarea[name=text]").input_value().startswith("Quyết")
    history = section.locator(".vnarchive-page-history")
    history.locator("summary").click()
    assert "Qnyết định" in history.inner_text()

    page.fill("#review-comment", "Đã đối chiếu với bản gốc")
    page.click("button[name='form.approve']")
    page.wait_for_load_state()
    assert "Đã duyệt văn bản nhận dạng của tài liệu." in page.content()
    assert page.locator(".vnarchive-review-state").inner_text() == "Đã duyệt"
    assert (
        "Đã đối chiếu với bản gốc"
        in page.locator(".vnarchive-review-decision").inner_text()
    )
    shot(page, "review-approved")

    page.goto(portal.absolute_url() + "/@@ocr-review")
    listing = page.locator(".vnarchive-review-list").inner_text()
    assert worst_code not in listing
    assert better_code in listing

    transaction.begin()  # see what the browser's requests committed
    assert IRecordFiles(worst).page(2).text.startswith("Quyết định")
