"""The reviewer can enlarge the page image: a zoom control (no script) and the full image."""

from helpers import as_user
from helpers import USERS
from review_data import set_pages
from review_data import TEXTS


def test_review_page_has_a_zoom_control(portal, make_document):
    record = make_document()
    set_pages(record, [(TEXTS["low"], 45.0)], low=("Qnyết",))
    as_user(portal, USERS["Archivist"])
    html = record.restrictedTraverse("@@ocr-review")()
    assert 'class="vnarchive-zoom"' in html
    for level in (100, 150, 200, 300):
        assert f'id="zoom-1-{level}"' in html
        assert f'for="zoom-1-{level}"' in html
    assert html.count('checked="checked"') >= 1
    assert "Cỡ ảnh trang" in html
    assert "Mở ảnh cỡ đầy đủ" in html
    assert 'class="vnarchive-page-scroll"' in html
    assert "vnarchive-low-box" in html  # the boxes of doubtful words stay on the image
