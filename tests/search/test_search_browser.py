"""The search page in a real browser (Debian Chromium driven by Playwright), on a real Solr.

A visitor types a Vietnamese query without its marks, sees a highlighted snippet from an OCR
page with its page number and the facets, and narrows the results with a facet.
"""

from browsers import shot
from helpers import PUBLISHED_DOCUMENT
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from search_helpers import set_pages

import transaction


OCR = "Biên bản kiểm tra công tác lưu trữ tài liệu tại Lưu trữ lịch sử tỉnh Quảng Trị."


def test_folded_query_snippet_and_facet(page, solr_portal, solr_holdings):
    from vnarchive.policy.search.service import reset_backend_state

    reset_backend_state()
    portal = solr_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    set_pages(solr_holdings[PUBLISHED_DOCUMENT], {3: OCR})
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()

    page.goto(portal.absolute_url())
    # The front page's search box leads to the search page.
    page.fill(".vnarchive-home input[name=SearchableText]", "uy ban")
    page.keyboard.press("Enter")
    page.wait_for_selector(".vnarchive-search")
    assert "/@@search" in page.url
    assert page.locator(".vnarchive-hit").count() >= 3

    page.fill("#vnarchive-search-q", "kiem tra luu tru")
    page.click(".vnarchive-search-form button[type=submit]")
    page.wait_for_selector(".vnarchive-snippet mark")
    hit = page.locator(".vnarchive-hit", has_text=PUBLISHED_DOCUMENT)
    snippet = hit.locator(".vnarchive-snippet").first
    assert "Trang 3" in snippet.inner_text()
    marked = snippet.locator("mark").all_inner_texts()
    assert {"kiểm", "tra", "lưu", "trữ"} <= set(marked)
    shot(page, "search-snippet")

    # Facets: the document type of the hit, counted; clicking it keeps only that type.
    page.fill("#vnarchive-search-q", "uy ban")
    page.click(".vnarchive-search-form button[type=submit]")
    page.wait_for_selector(".vnarchive-facet[data-facet=document_type]")
    before = page.locator(".vnarchive-hit").count()
    report = page.locator(
        ".vnarchive-facet[data-facet=document_type] a.vnarchive-facet-value",
        has_text="Báo cáo",
    )
    assert report.locator(".badge").inner_text() == "1"
    report.click()
    page.wait_for_selector(".vnarchive-active-filters")
    assert "document_type=14" in page.url
    assert page.locator(".vnarchive-hit").count() == 1 < before
    assert PUBLISHED_DOCUMENT in page.locator(".vnarchive-hit").inner_text()
    assert "Báo cáo" in page.locator(".vnarchive-active-filters").inner_text()
    shot(page, "search-facet")
