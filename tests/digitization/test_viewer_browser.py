"""The document viewer in a real browser (Debian Chromium driven by Playwright).

A published document gets a real OCR'd PDF/A (viewer_data.sample_pdfa) and the viewer's
pages (vnarchive.digitization.viewer.convert); an anonymous visitor opens the viewer: the page
images load, the thumbnails load, and the in-document search finds a Vietnamese word with
its diacritics and highlights it in the page text.
"""

from browsers import shot
from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOCUMENT
from helpers import USERS
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from viewer_data import PDFA_KIND
from viewer_data import sample_pdfa
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.viewer import convert

import pytest
import transaction


WAIT = 30_000  # ms


@pytest.fixture
def viewable(functional_portal, functional_holdings):
    """The published and the secret document with a PDF/A and the viewer's pages."""
    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    for code in (PUBLISHED_DOCUMENT, SECRET_DOCUMENT):
        record = functional_holdings[code]
        IRecordFiles(record).set_derivative(
            f"{record.docId}.pdf", sample_pdfa(), "application/pdf", kind=PDFA_KIND
        )
        assert convert(record) == "success"
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    return functional_holdings


def loaded_images(page, selector):
    """(loaded, total) of the images matching `selector`: loaded = naturalWidth > 0."""
    return page.eval_on_selector_all(
        selector,
        "images => [images.filter(i => i.complete && i.naturalWidth > 0).length,"
        " images.length]",
    )


def wait_for_images(page, selector, count):
    page.wait_for_function(
        """([selector, count]) => {
            const images = [...document.querySelectorAll(selector)];
            return images.filter(i => i.complete && i.naturalWidth > 0).length >= count;
        }""",
        arg=[selector, count],
        timeout=WAIT,
    )


def test_anonymous_reads_a_published_document_and_searches_it(page, viewable):
    record = viewable[PUBLISHED_DOCUMENT]
    page.goto(record.absolute_url())
    # The record page links to its viewer.
    page.click(".vnarchive-viewer-link a")
    page.wait_for_load_state()
    assert page.url == f"{record.absolute_url()}/@@documentviewer"
    page.wait_for_selector(".DV-docViewer", timeout=WAIT)
    # The page images: documentviewer's large images, from blobs, rendered.
    wait_for_images(page, "img.DV-pageImage", 1)
    loaded, _total = loaded_images(page, "img.DV-pageImage")
    assert loaded >= 1
    width = page.eval_on_selector("img.DV-pageImage", "i => i.naturalWidth")
    assert width in (700, 1000)  # the normal or the large size
    shot(page, "viewer-document-anonymous")
    # The thumbnails of both pages.
    page.click(".DV-thumbnailsView")
    wait_for_images(page, ".DV-thumbnail-image img, img.DV-thumbnail-image", 2)
    shot(page, "viewer-thumbnails-anonymous")
    page.click(".DV-documentView")
    # In-document search: a Vietnamese word with its diacritics.
    search = page.locator("input.DV-searchInput")
    search.fill("lưu trữ")
    search.press("Enter")
    page.wait_for_selector(".DV-textContents span.DV-searchMatch", timeout=WAIT)
    matches = page.locator(".DV-textContents span.DV-searchMatch").all_inner_texts()
    assert matches
    assert {" ".join(match.split()).casefold() for match in matches} == {"lưu trữ"}
    assert "of 2" in page.locator(".DV-totalSearchResult").inner_text()
    shot(page, "viewer-search-anonymous")
    assert page.errors == []


def test_the_viewer_shows_page_text_as_text(page, viewable):
    """The highlight puts page text back into the page: as text, never as HTML."""
    record = viewable[PUBLISHED_DOCUMENT]
    page.goto(f"{record.absolute_url()}/@@documentviewer")
    page.wait_for_selector(".DV-docViewer", timeout=WAIT)
    page.evaluate(
        """() => {
            const viewer = Object.values(window.DV.viewers)[0];
            viewer.schema.text[0] = 'lưu trữ <img src=x onerror="window.pwned=1">';
        }"""
    )
    search = page.locator("input.DV-searchInput")
    search.fill("lưu trữ")
    search.press("Enter")
    page.wait_for_selector(".DV-textContents span.DV-searchMatch", timeout=WAIT)
    page.wait_for_timeout(500)  # an onerror handler would have run by now
    assert page.evaluate("() => window.pwned") is None
    assert "<img" in page.locator(".DV-textContents").inner_text()


def test_a_reader_gets_no_viewer_of_a_secret_document(page, viewable):
    record = viewable[SECRET_DOCUMENT]
    site = record.absolute_url().split("/ubqt/")[0]
    page.goto(site + "/login")
    page.fill("#__ac_name", USERS["ArchiveReader"])
    page.fill("#__ac_password", DEMO_PASSWORD)
    page.click("#buttons-login")
    page.wait_for_load_state()
    page.goto(f"{record.absolute_url()}/@@documentviewer")
    assert page.locator(".DV-docViewer").count() == 0
    assert record.Title() not in page.content()
    response = page.request.get(
        f"{record.absolute_url()}/@@documentviewer-files/large/dump_1.png",
        max_redirects=0,
    )
    assert response.status in (302, 401, 403, 404)
    assert not response.body().startswith(b"\x89PNG")
