"""The document viewer: collective.documentviewer on Plone 6.2, fed the record's PDF/A.

Real parts only: the PDF/A is built by the digitization pipeline (a page rendered, OCR'd by
Tesseract in Vietnamese, build_pdfa), the viewer's pages are made by documentviewer's tools
(qpdf, GraphicsMagick + Ghostscript, pdftotext) and served over real HTTP.

Page 2 of the test PDF/A carries a reviewed text that is not what its image shows: the
viewer's text of that page must be the reviewed one, which only the PDF's text layer holds
(an OCR of the image could not produce it): the viewer never re-OCRs.
"""

from helpers import CONDITIONAL_DOCUMENT
from helpers import DEMO_PASSWORD
from helpers import PROCESSING_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOCUMENT
from helpers import UNDER_REVIEW_DOCUMENT
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from viewer_data import PDFA_KIND
from viewer_data import sample_pdfa
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.viewer import convert
from zope.component import getMultiAdapter
from zope.component.hooks import getSite
from zope.component.hooks import setSite
from zope.globalrequest import getRequest
from zope.globalrequest import setRequest

import io
import json
import PIL.Image
import pytest
import requests
import transaction


TIMEOUT = 60
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
VISITORS = {"anonymous": None, "reader": READER}
HIDDEN = [
    SECRET_DOCUMENT,
    CONDITIONAL_DOCUMENT,
    UNDER_REVIEW_DOCUMENT,
    PROCESSING_DOCUMENT,
]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def pdfa():
    return sample_pdfa()


def put_pdfa(record, data, name=None):
    name = name or f"{record.docId}.pdf"
    return IRecordFiles(record).set_derivative(
        name, data, "application/pdf", kind=PDFA_KIND, source="ocr"
    )


def settings_of(record):
    from vnarchive.digitization.viewer.storage import viewer_data

    return viewer_data(record)


def page_text(record, page):
    blob = settings_of(record).blob_files[f"text/dump_{page}.txt"]
    with blob.open("r") as stream:
        return stream.read().decode("utf-8")


def render(record, name, **form):
    request = record.REQUEST
    request.form.update(form)
    view = getMultiAdapter((record, request), name=name)
    return view()


@pytest.fixture
def document(holdings, portal):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    return holdings[PUBLISHED_DOCUMENT]


# -- Loading ----------------------------------------------------------------------------------


def test_documentviewer_loads_on_plone_6_2():
    from collective.documentviewer.events import ConversionFinishedEvent
    from zope.interface.interfaces import IObjectEvent

    import collective.documentviewer.browser.views  # noqa: F401

    assert IObjectEvent.implementedBy(ConversionFinishedEvent)


def test_convert_is_the_function_the_workers_import(portal):
    """Once everything is loaded, `from vnarchive.digitization.viewer import convert` (as the
    worker task does it, late) is still the function, not a submodule of that name."""
    import importlib

    viewer = importlib.import_module("vnarchive.digitization.viewer")
    assert callable(viewer.convert)
    assert viewer.convert is convert


def test_documentviewer_profile_is_not_installed_and_its_views_stay_hidden(portal):
    from collective.documentviewer.interfaces import ILayer
    from plone.browserlayer.utils import registered_layers

    assert ILayer not in registered_layers()


# -- Conversion -------------------------------------------------------------------------------


def test_convert_makes_page_images_and_texts_from_the_pdfa_text_layer(document, pdfa):
    put_pdfa(document, pdfa)
    assert convert(document) == "success"
    settings = settings_of(document)
    assert settings.successfully_converted is True
    assert settings.num_pages == 2
    assert settings.storage_type == "Blob"
    assert settings.pdf_image_format == "png"
    assert (
        settings.filehash == IRecordFiles(document).get(f"{document.docId}.pdf").sha256
    )
    names = set(settings.blob_files.keys())
    for page in (1, 2):
        for size in ("large", "normal", "small"):
            assert f"{size}/dump_{page}.png" in names
        assert f"text/dump_{page}.txt" in names
    assert "pdf/dump.pdf" not in names  # the PDF/A itself is the record's file
    widths = {}
    for size in ("large", "normal", "small"):
        with settings.blob_files[f"{size}/dump_1.png"].open("r") as stream:
            widths[size] = PIL.Image.open(io.BytesIO(stream.read())).width
    assert widths == {"large": 1000, "normal": 700, "small": 180}
    assert "lưu trữ" in page_text(document, 1)
    # Page 2's image shows the sample; its text layer holds the reviewed text.
    second = " ".join(page_text(document, 2).split())
    assert "kiểm kê kho lưu trữ" in second
    assert "Độc lập" not in second
    # The record keeps its own page (documentviewer would make the viewer its layout).
    assert document.getLayout() != "documentviewer"


def test_convert_again_only_when_the_pdfa_changed(document, pdfa):
    put_pdfa(document, pdfa)
    assert convert(document) == "success"
    assert convert(document) == "unchanged"
    assert convert(document, force=True) == "success"
    put_pdfa(document, sample_pdfa(reviewed="Trang hai đã sửa: hồ sơ nhân sự"))
    assert convert(document) == "success"
    assert "hồ sơ nhân sự" in " ".join(page_text(document, 2).split())


def test_convert_in_a_worker_needs_no_request_and_no_site(document, pdfa):
    put_pdfa(document, pdfa)
    site, request = getSite(), getRequest()
    setSite(None)
    setRequest(None)
    try:
        assert convert(document) == "success"
    finally:
        setSite(site)
        setRequest(request)
    assert settings_of(document).num_pages == 2


def test_a_broken_pdfa_fails_cleanly(document):
    put_pdfa(document, b"%PDF-1.4\nnot really a PDF\n")
    assert convert(document) == "failure"
    settings = settings_of(document)
    assert settings.successfully_converted is False
    assert settings.exception_msg
    page = render(document, "documentviewer")
    assert "Chưa tạo được trang xem" in page
    assert "Traceback" not in page


def test_a_record_without_pdfa_gets_a_clear_message(document):
    assert convert(document) == "no-pdfa"
    page = render(document, "documentviewer")
    assert "chưa có bản PDF/A" in page
    assert "Traceback" not in page
    assert "vnarchive-documentviewer" not in page


def test_destroying_a_record_removes_its_viewer_pages(make_document, portal, pdfa):
    record = make_document("review_destruction", maintenance="06")
    put_pdfa(record, pdfa)
    assert convert(record) == "success"
    login(portal, USERS["ArchiveHead"])
    api.content.transition(obj=record, transition="destroy", comment="QĐ 1/QĐ-LT")
    login(portal, TEST_USER_NAME)
    assert settings_of(record) is None


# -- The viewer page and its search ------------------------------------------------------------


def test_viewer_page_carries_the_document_and_loads_the_assets(document, pdfa):
    put_pdfa(document, pdfa)
    convert(document)
    request = document.REQUEST
    page = render(document, "documentviewer")
    assert "vnarchive-documentviewer" in page
    # Each asset once: from the bundles, not written again by the page.
    assert page.count("dv.resources/assets/viewer.js") == 1
    assert page.count("vnarchive.viewer/viewer.css") == 1
    assert set(request.enabled_bundles) >= {
        "vnarchive-viewer-1-documentcloud",
        "vnarchive-viewer-2-templates",
        "vnarchive-viewer-3-start",
    }
    view = getMultiAdapter((document, request), name="documentviewer")
    view()
    data = json.loads(view.pattern_options())["data"]
    url = document.absolute_url()
    assert data["pages"] == 2
    assert data["resources"]["page"]["image"] == (
        f"{url}/@@documentviewer-files/{{size}}/dump_{{page}}.png"
    )
    assert data["resources"]["search"] == f"{url}/@@dv-search.json?q={{query}}"
    assert data["resources"]["pdf"].endswith(f"/@@record-file/{document.docId}.pdf")


def test_the_bundles_are_registered_the_plone_6_way(portal):
    from plone.base.interfaces.resources import IBundleRegistry
    from plone.registry.interfaces import IRegistry
    from zope.component import getUtility

    bundles = getUtility(IRegistry).collectionOfInterface(
        IBundleRegistry, prefix="plone.bundles", check=False
    )
    names = [name for name in bundles if name.startswith("vnarchive-viewer-")]
    assert (
        names
        == sorted(names)
        == [
            "vnarchive-viewer-1-documentcloud",
            "vnarchive-viewer-2-templates",
            "vnarchive-viewer-3-start",
        ]
    )
    first = bundles["vnarchive-viewer-1-documentcloud"]
    assert first.jscompilation == "++resource++dv.resources/assets/viewer.js"
    assert not first.enabled  # only on the viewer page
    assert api.portal.get_registry_record("vnarchive.viewer.image_format") == "png"
    assert api.portal.get_registry_record("vnarchive.viewer.large_size") == 1000


def test_a_site_without_the_bundles_still_gets_the_assets(document, pdfa, portal):
    from plone.registry.interfaces import IRegistry
    from zope.component import getUtility

    registry = getUtility(IRegistry)
    for name in list(registry.records.keys()):
        if name.startswith("plone.bundles/vnarchive-viewer-"):
            del registry.records[name]
    put_pdfa(document, pdfa)
    convert(document)
    page = render(document, "documentviewer")
    assert "++resource++dv.resources/assets/viewer.js" in page
    assert "++resource++dv.resources/assets/templates.js" in page
    assert "++resource++vnarchive.viewer/viewer.js" in page
    assert "++resource++vnarchive.viewer/viewer.css" in page


def test_viewing_a_hidden_record_in_the_viewer_is_journaled(holdings, portal, pdfa):
    from vnarchive.content.journal import entries_for

    record = holdings[SECRET_DOCUMENT]
    setRoles(portal, TEST_USER_ID, ["Manager"])
    put_pdfa(record, pdfa)
    convert(record)
    before = len(entries_for(portal, record.UID()))
    login(portal, USERS["Archivist"])
    render(record, "documentviewer")
    entries = entries_for(portal, record.UID())
    assert len(entries) == before + 1
    assert entries[-1]["action"] == "viewed"


@pytest.mark.parametrize(
    ("query", "pages"),
    [
        ("lưu trữ", [1, 2]),
        ("LƯU TRỮ", [1, 2]),
        ("kiểm kê", [2]),
        ("Độc lập", [1]),
        ("luu tru", []),  # diacritics matter: the viewer highlights the word as typed
        ("", []),
    ],
)
def test_in_document_search_finds_vietnamese_words(document, pdfa, query, pages):
    put_pdfa(document, pdfa)
    convert(document)
    answer = json.loads(render(document, "dv-search.json", q=query))
    assert answer == {"results": pages, "query": query}


def test_pdf_link_leads_to_the_pdfa_download(document, pdfa):
    put_pdfa(document, pdfa)
    render(document, "pdf")
    location = document.REQUEST.response.getHeader("Location")
    assert location == f"{document.absolute_url()}/@@record-file/{document.docId}.pdf"


# -- Over HTTP: who gets what ----------------------------------------------------------------


@pytest.fixture
def served(functional_portal, functional_holdings, pdfa):
    """A PDF/A and the viewer's pages on the published and on every hidden document."""
    portal = functional_portal
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    records = {}
    for code in [PUBLISHED_DOCUMENT, *HIDDEN]:
        record = functional_holdings[code]
        put_pdfa(record, pdfa)
        assert convert(record) == "success", code
        records[code] = record
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    return portal, records


def get(url, user=None, **params):
    return requests.get(
        url, params=params, auth=user, timeout=TIMEOUT, allow_redirects=False
    )


def viewer_urls(portal, record):
    """Every URL the viewer (ours and documentviewer's own) answers for `record`."""
    url = record.absolute_url()
    uid = record.UID()
    dvpdffiles = f"{portal.absolute_url()}/@@dvpdffiles/{uid[0]}/{uid[1]}/{uid}"
    return {
        "viewer": (f"{url}/@@documentviewer", {}),
        "large page": (f"{url}/@@documentviewer-files/large/dump_1.png", {}),
        "normal page": (f"{url}/@@documentviewer-files/normal/dump_2.png", {}),
        "thumbnail": (f"{url}/@@documentviewer-files/small/dump_1.png", {}),
        "page text": (f"{url}/@@documentviewer-files/text/dump_2.txt", {}),
        "search": (f"{url}/@@dv-search.json", {"q": "lưu trữ"}),
        "search (no @@)": (f"{url}/dv-search.json", {"q": "kiểm kê"}),
        "pdf": (f"{url}/@@pdf", {}),
        "pdfa": (f"{url}/@@record-file/{record.docId}.pdf", {}),
        "link helper": (f"{url}/@@documentviewer-link", {}),
        # documentviewer's own URLs for the same files, by UID from the site root.
        "dvpdffiles image": (f"{dvpdffiles}/large/dump_1.png", {}),
        "dvpdffiles thumbnail": (f"{dvpdffiles}/small/dump_1.png", {}),
        "dvpdffiles text": (f"{dvpdffiles}/text/dump_2.txt", {}),
        "dvpdffiles pdf": (f"{dvpdffiles}/pdf/dump.pdf", {}),
        "documentviewer utils": (f"{url}/@@documentviewer-utils", {}),
        "documentviewer settings": (f"{url}/@@documentviewer-settings", {}),
        "documentviewer convert": (f"{url}/@@convert-to-documentviewer", {}),
    }


def refused(response):
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403, 404) or (
        response.status_code in (301, 302, 303, 307) and "login" in location
    )


def leaked(response, record):
    """What of the record's pages the answer shows: image bytes, page text, title, UID."""
    body = response.content
    text = body.decode("utf-8", errors="replace")
    found = []
    if PNG in body or b"%PDF" in body:
        found.append("a file")
    for marker in ("kiểm kê kho", "Độc lập", record.Title(), record.UID()):
        if marker and marker in text:
            found.append(marker)
    return found


@pytest.mark.parametrize("who", list(VISITORS))
def test_the_viewer_of_a_hidden_record_reaches_neither_anonymous_nor_readers(
    served, who
):
    portal, records = served
    user = VISITORS[who]
    problems = []
    for code in HIDDEN:
        for name, (url, params) in viewer_urls(portal, records[code]).items():
            response = get(url, user, **params)
            if not refused(response) or leaked(response, records[code]):
                problems.append(
                    f"{code} {name}: {response.status_code} {leaked(response, records[code])}"
                )
    assert problems == []


@pytest.mark.parametrize("who", list(VISITORS))
def test_the_viewer_of_a_published_record_is_served_to_everyone(served, who):
    portal, records = served
    user = VISITORS[who]
    record = records[PUBLISHED_DOCUMENT]
    urls = viewer_urls(portal, record)
    page = get(urls["viewer"][0], user)
    assert page.status_code == 200
    assert "vnarchive-documentviewer" in page.text
    assert "++resource++dv.resources/assets/viewer.js" in page.text
    assert "++resource++vnarchive.viewer/viewer.js" in page.text
    for name in ("large page", "normal page", "thumbnail"):
        image = get(urls[name][0], user)
        assert image.status_code == 200, name
        assert image.content.startswith(PNG), name
        assert image.headers["Content-Type"] == "image/png"
        assert "private" in image.headers["Cache-Control"]
    again = get(urls["large page"][0], user)  # revalidated by its ETag
    etag = again.headers["ETag"]
    unchanged = requests.get(
        urls["large page"][0],
        auth=user,
        headers={"If-None-Match": etag},
        timeout=TIMEOUT,
    )
    assert unchanged.status_code == 304
    text = get(urls["page text"][0], user)
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "kiểm kê kho" in " ".join(text.text.split())
    found = get(urls["search"][0], user, q="lưu trữ").json()
    assert found == {"results": [1, 2], "query": "lưu trữ"}
    pdf = get(urls["pdf"][0], user)
    assert pdf.status_code == 302
    assert pdf.headers["Location"].endswith(f"/@@record-file/{record.docId}.pdf")
    # documentviewer's own file URLs serve nothing: its browser layer is not installed.
    for name in (
        "dvpdffiles image",
        "dvpdffiles text",
        "documentviewer utils",
        "link helper",
    ):
        assert get(urls[name][0], user).status_code == 404, name


def test_staff_see_the_viewer_of_a_hidden_record(served):
    portal, records = served
    record = records[SECRET_DOCUMENT]
    urls = viewer_urls(portal, record)
    page = get(urls["viewer"][0], ARCHIVIST)
    assert page.status_code == 200
    assert "vnarchive-documentviewer" in page.text
    image = get(urls["large page"][0], ARCHIVIST)
    assert image.status_code == 200
    assert image.content.startswith(PNG)
    assert get(urls["search"][0], ARCHIVIST, q="kiểm kê").json()["results"] == [2]


def test_documentviewer_pdf_view_writes_nothing_elsewhere(functional_holdings):
    from zope.annotation.interfaces import IAnnotations

    fonds = functional_holdings["UBQT"]
    site = fonds.aq_parent
    for obj in (site, fonds):
        response = get(f"{obj.absolute_url()}/@@pdf")
        assert response.status_code == 404
    transaction.begin()
    for obj in (site, fonds):
        assert "collective.documentviewer" not in IAnnotations(obj)


def test_a_record_without_pdfa_says_so_over_http(functional_holdings):
    record = functional_holdings[PUBLISHED_DOCUMENT]
    page = get(f"{record.absolute_url()}/@@documentviewer")
    assert page.status_code == 200
    assert "chưa có bản PDF/A" in page.text
    assert "Traceback" not in page.text
    files = get(f"{record.absolute_url()}/@@documentviewer-files/large/dump_1.png")
    assert files.status_code == 404


# -- A started instance: documentviewer loaded by plone.autoinclude ---------------------------

CONVERT_SCRIPT = """
import json, os, transaction
from zope.component.hooks import setSite
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.viewer import convert
site = app["vnarchive"]
setSite(site)
out = {}
for code in os.environ["VIEWER_CODES"].split():
    brain, = site.portal_catalog.unrestrictedSearchResults(archival_code=code)
    record = brain._unrestrictedGetObject()
    with open(os.environ["VIEWER_PDFA"], "rb") as stream:
        IRecordFiles(record).set_derivative(
            record.docId + ".pdf", stream.read(), "application/pdf", kind="pdfa"
        )
    transaction.commit()
    out[code] = [convert(record), record.absolute_url(), record.Title(), record.UID()]
    transaction.commit()
print(json.dumps(out))
"""


def test_a_started_instance_loads_documentviewer_and_serves_the_viewer(tmp_path, pdfa):
    from pathlib import Path
    from processes import instance_env
    from processes import run_script

    import subprocess
    import sys

    env = instance_env(tmp_path, VNARCHIVE_SOLR="0", VNARCHIVE_WORKERS="0")
    try:
        started = run_script(env, "ctl.py", "start")
        assert started.returncode == 0, started.stdout + started.stderr
        # documentviewer's ZCML came through its z3c.autoinclude entry point, quietly.
        assert "IObjectEvent" not in started.stderr
        assert "Libreoffice not installed" not in started.stderr
        pdf = tmp_path / "document.pdf"
        pdf.write_bytes(pdfa)
        script = tmp_path / "convert.py"
        script.write_text(CONVERT_SCRIPT)
        conf = tmp_path / "etc" / "zope-client1.conf"
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "zconsole"),
                "run",
                str(conf),
                str(script),
            ],
            env=dict(
                env,
                VIEWER_PDFA=str(pdf),
                VIEWER_CODES=f"{PUBLISHED_DOCUMENT} {SECRET_DOCUMENT}",
            ),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        converted = json.loads(done.stdout.strip().splitlines()[-1])
        assert {code: answer[0] for code, answer in converted.items()} == {
            PUBLISHED_DOCUMENT: "success",
            SECRET_DOCUMENT: "success",
        }
        # The client serves what the script (another Zope client of the ZEO server) made.
        site = f"http://127.0.0.1:{env['VNARCHIVE_PORT']}/vnarchive"
        published = site + converted[PUBLISHED_DOCUMENT][1].split("/vnarchive", 1)[1]
        secret = site + converted[SECRET_DOCUMENT][1].split("/vnarchive", 1)[1]
        record_page = get(published)
        assert record_page.status_code == 200
        assert "@@documentviewer" in record_page.text  # the link to the viewer
        page = get(f"{published}/@@documentviewer")
        assert page.status_code == 200
        assert "vnarchive-documentviewer" in page.text
        assert "dv.resources/assets/viewer.js" in page.text  # the registry bundle
        assert "vnarchive.viewer/viewer.js" in page.text
        image = get(f"{published}/@@documentviewer-files/large/dump_1.png")
        assert image.status_code == 200
        assert image.content.startswith(PNG)
        found = get(f"{published}/@@dv-search.json", q="lưu trữ").json()
        assert found["results"] == [1, 2]
        for url in (
            f"{secret}/@@documentviewer",
            f"{secret}/@@documentviewer-files/large/dump_1.png",
            f"{secret}/@@documentviewer-files/text/dump_2.txt",
            f"{secret}/@@dv-search.json?q=kiểm kê",
        ):
            for user in (None, READER):
                response = get(url, user)
                assert refused(response), (url, user, response.status_code)
                assert not leaked(response, _Known(*converted[SECRET_DOCUMENT][2:]))
        assert get(f"{secret}/@@documentviewer", ARCHIVIST).status_code == 200
    finally:
        run_script(env, "ctl.py", "stop")


class _Known:
    """A record of the instance, as much as `leaked` needs of it."""

    def __init__(self, title, uid):
        self.title, self.uid = title, uid

    def Title(self):
        return self.title

    def UID(self):
        return self.uid
