"""Pages in a real browser (Debian Chromium driven by Playwright), as people see them."""

from browsers import log_in
from browsers import shot
from helpers import PROCESSING_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOSSIER


def test_anonymous_browses_from_the_fonds_to_a_public_document(
    page, functional_holdings
):
    fonds = functional_holdings["UBQT"]
    page.goto(fonds.absolute_url())
    listing = page.locator(".vnarchive-children").inner_text()
    assert "000.00.00.H56.2010.01.TH" in listing
    assert SECRET_DOSSIER not in listing
    assert "bí mật" not in listing
    shot(page, "fonds-anonymous")
    document = functional_holdings[PUBLISHED_DOCUMENT]
    page.goto(document.absolute_url())
    assert PUBLISHED_DOCUMENT in page.locator(".vnarchive-code").inner_text()
    fields = page.locator(".vnarchive-fields").inner_text()
    assert "Trích yếu nội dung" in fields
    assert "Báo cáo tổng kết tình hình kinh tế - xã hội năm 2010" in fields
    assert "Vĩnh viễn" in fields  # the code list label, not the code
    assert page.locator(".vnarchive-files").count() == 0  # masters are for staff
    shot(page, "document-anonymous")


def test_front_page_lists_the_public_fonds(page, functional_holdings):
    site = functional_holdings["UBQT"].absolute_url().rsplit("/", 1)[0]
    page.goto(site)
    fonds = page.locator(".vnarchive-fonds").inner_text()
    assert "UBQT" in fonds
    assert "Ủy ban nhân dân tỉnh Quảng Trị" in fonds
    assert "1977–2024" in fonds
    assert (
        page.locator("#portal-globalnav").inner_text().count("Ủy ban nhân dân tỉnh")
        == 1
    )
    shot(page, "home-anonymous")


def test_anonymous_gets_no_secret_page(page, functional_holdings):
    secret = functional_holdings[SECRET_DOSSIER]
    page.goto(secret.absolute_url())
    body = page.content()
    assert "bảo vệ bí mật nhà nước" not in body
    assert SECRET_DOSSIER not in body


def test_archivist_sees_what_blocks_archiving_and_the_files(page, functional_holdings):
    log_in(page, functional_holdings, "Archivist")
    page.goto(functional_holdings[PROCESSING_DOCUMENT].absolute_url())
    missing = page.locator(".vnarchive-missing").inner_text()
    assert "Cần bổ sung trước khi lưu kho" in missing
    assert "Thời hạn lưu trữ" in missing
    shot(page, "processing-archivist")
    page.goto(functional_holdings[PUBLISHED_DOCUMENT].absolute_url())
    files = page.locator(".vnarchive-files").inner_text()
    assert "000.00.00.H56.2010.01.TH.1.png" in files
    assert "SHA-256" in files
    shot(page, "document-archivist")


def test_archivist_uploads_masters_and_a_second_copy_is_refused(
    page, functional_holdings
):
    log_in(page, functional_holdings, "Archivist")
    document = functional_holdings[PROCESSING_DOCUMENT].absolute_url()
    upload = {
        "name": "ban-goc.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 scan",
    }
    for content, expected in (
        (b"%PDF-1.4 scan", "Đã lưu 1 tệp gốc."),
        (b"%PDF-1.4 other", "không được ghi đè"),
    ):
        page.goto(document + "/@@upload-files")
        page.set_input_files(
            "input[name='files:list']", files=[dict(upload, buffer=content)]
        )
        page.click("form[enctype='multipart/form-data'] button[type=submit]")
        page.wait_for_load_state()
        assert expected in page.content()
    page.goto(document)
    assert page.locator(".vnarchive-files").inner_text().count("ban-goc.pdf") == 1
    shot(page, "upload-archivist")
