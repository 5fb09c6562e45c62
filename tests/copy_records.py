"""Records, requests and the HTTP calls of the certified copy tests (tests/copies).

    record = published_record(site, holdings, "Quyết định số 45")  # signed PDF/A, public
    answer = issue(record, ARCHIVIST, pages="1, 3")          # POST @copies (JSON)
    run_jobs(site)                                           # the workers make it
    data = download(record, number)                          # the signed copy (staff)

Everything committed, so the test HTTP server sees it.
"""

from helpers import as_user
from helpers import DEMO_PASSWORD
from helpers import document_data
from helpers import move_to
from helpers import PUBLISHED_DOSSIER
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from review_data import set_pages
from signature_records import approve
from signature_records import build
from signature_records import run_jobs

import re
import requests
import transaction


# Words only in the test records: no answer to someone who may not see them has them.
MARKER = "zqbansaomarker"
REQUESTER = {
    "name": "Nguyễn Thị Hương",
    "identity": "CCCD 044190001234",
    "purpose": "Bổ sung hồ sơ xin cấp sổ đỏ zqmucdich",
}


ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
HEAD = (USERS["ArchiveHead"], DEMO_PASSWORD)
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
CURATOR = (USERS["Curator"], DEMO_PASSWORD)
APPRAISER = (USERS["Appraiser"], DEMO_PASSWORD)
JSON = {"Accept": "application/json"}
TIMEOUT = 120
TOKEN = re.compile(r'name="_authenticator"\s+(?:type="hidden"\s+)?value="([^"]+)"')


def draw_seal(path):
    """A round red seal with a star, on a transparent background (PNG)."""
    from PIL import Image
    from PIL import ImageDraw

    seal = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    red = (200, 16, 24, 235)
    draw.ellipse((10, 10, 390, 390), outline=red, width=18)
    draw.ellipse((72, 72, 328, 328), outline=red, width=6)
    draw.regular_polygon((200, 200, 62), 5, fill=red)
    seal.save(path, format="PNG")
    return path


def published_record(site, holdings, subject, pages=3):
    """A new published document of the published dossier: OCR pages, review approved,
    its PDF/A built and signed by the workers (signing must be set up); committed."""
    from vnarchive.policy.records import create_record

    as_user(site, USERS["ArchiveHead"])
    record = create_record(
        holdings[PUBLISHED_DOSSIER],
        "ArchivalDocument",
        document_data(subjectText=subject, numberOfPage=pages),
    )
    set_pages(
        record,
        [
            (f"{subject}\nTrang {number} của văn bản lưu trữ", 92.0)
            for number in range(1, pages + 1)
        ],
    )
    login(site, TEST_USER_NAME)
    transaction.commit()
    approve(site, record)
    assert build(site, record) == [("build", "built"), ("sign", "signed")]
    move_to(site, record, "published")
    transaction.commit()
    return record


def issue(record, auth=ARCHIVIST, requester=None, pages=None):
    """POST <record>/@copies as JSON; the answer."""
    body = {"requester": REQUESTER if requester is None else requester}
    if pages is not None:
        body["pages"] = pages
    return requests.post(
        f"{record.absolute_url()}/@copies",
        json=body,
        auth=auth,
        headers=JSON,
        timeout=TIMEOUT,
    )


def get_json(url, auth=None, **params):
    return requests.get(url, params=params, auth=auth, headers=JSON, timeout=TIMEOUT)


def download(record, number, auth=ARCHIVIST):
    """The signed copy, as staff download it from the record's @@issue-copy."""
    answer = requests.get(
        f"{record.absolute_url()}/@@issue-copy/{number}.pdf", auth=auth, timeout=TIMEOUT
    )
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["Content-Type"] == "application/pdf"
    return answer.content


def token_of(html):
    found = TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def issued_copy(site, record, pages=None):
    """Issue a copy over HTTP and let the workers make it: its number."""
    answer = issue(record, pages=pages)
    assert answer.status_code == 201, answer.text
    assert run_jobs(site) == [("copy", "issued")]
    return answer.json()["number"]


def make_secret(site, record):
    """Withdraw the published record, then make it secret (access mode 03)."""
    transaction.begin()  # see what the HTTP server committed
    as_user(site, USERS["ArchiveHead"])
    api.content.transition(obj=record, transition="withdraw", comment="Giải mật sai")
    record.mode = "03"
    record.reindexObject()
    login(site, TEST_USER_NAME)
    transaction.commit()
