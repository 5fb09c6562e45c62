"""A scan added with the record's upload form or POST @record-files is processed too.

The core fires IMasterFileAdded; the digitization add-on sends the record's new masters
to the workers after the commit, as a one-document batch (source_kind "upload"). The jobs
run in this process as in tests/test_digitization_queue.py.
"""

from batches import document
from batches import document_fields
from batches import drain
from batches import make_batch
from batches import scan
from batches import start
from helpers import PROCESSING_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from helpers import USERS
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import batches as model
from vnarchive.digitization import uploads
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.policy.journal import entries

import base64
import re
import requests
import transaction


ARCHIVIST = (USERS["Archivist"], "vnarchive-demo")
JSON = {"Accept": "application/json"}


def record_by_code(site, code):
    brains = site.portal_catalog.unrestrictedSearchResults(archival_code=code)
    return brains[0]._unrestrictedGetObject()


def test_scans_uploaded_one_by_one_get_ocr_text_and_a_pdfa(site, queue_db):
    record = record_by_code(site, PROCESSING_DOCUMENT)
    url = record.absolute_url()
    first = scan("tai-len-1.png", text="Tài liệu tải lên một").render()
    answer = requests.post(
        f"{url}/@record-files",
        json={
            "filename": "tai-len-1.png",
            "content-type": "image/png",
            "data": base64.b64encode(first).decode(),
        },
        headers=JSON,
        auth=ARCHIVIST,
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    outcomes = drain(site)
    assert [job for job, _outcome in outcomes] == ["upload", "page", "build"]
    assert [outcome for _job, outcome in outcomes][1:] == ["done", "built"]

    transaction.begin()
    record = record_by_code(site, PROCESSING_DOCUMENT)
    files = IRecordFiles(record)
    assert [page.number for page in files.pages()] == [1]
    assert files.page(1).source == "ocr"
    assert "tai-len-1 - 1" in files.text()
    pdfa = files.get(pdfa_name(record))
    assert pdfa.kind == "pdfa"
    [batch] = model.all_batches(site)
    assert (batch.source_kind, batch.state, batch.creator) == (
        "upload",
        model.DONE,
        USERS["Archivist"],
    )
    transaction.abort()

    # The classic upload form: the second scan becomes page 2, the PDF/A has both.
    form = requests.get(f"{url}/@@upload-files", auth=ARCHIVIST, timeout=60)
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text)
    second = scan("tai-len-2.png", text="Tài liệu tải lên hai").render()
    posted = requests.post(
        f"{url}/@@upload-files",
        auth=ARCHIVIST,
        data={"_authenticator": token.group(1), "form.submitted": "1"},
        files={"files": ("tai-len-2.png", second, "image/png")},
        timeout=60,
    )
    assert posted.status_code == 200, posted.text[:1000]
    outcomes = drain(site)
    assert [job for job, _outcome in outcomes] == ["upload", "page", "build"]
    transaction.begin()
    record = record_by_code(site, PROCESSING_DOCUMENT)
    files = IRecordFiles(record)
    assert [(page.number, page.source) for page in files.pages()] == [
        (1, "ocr"),
        (2, "ocr"),
    ]
    assert "tai-len-2 - 1" in files.page(2).text
    assert files.page(1).history == ()  # page 1 was not done again
    assert len(model.all_batches(site)) == 2
    transaction.abort()


def test_a_batch_import_does_not_send_its_masters_twice(site, queue_db):
    source = make_batch(
        queue_db / "import" / "lo-u",
        documents=[document(scan("cv-u1.png"), **document_fields(71))],
    )
    start(site, source.folder)
    outcomes = drain(site)
    assert "upload" not in [job for job, _outcome in outcomes]
    assert [job for job, _outcome in outcomes] == ["import", "page", "build"]


def test_nothing_is_sent_where_the_add_on_is_not_installed(site, queue_db, monkeypatch):
    monkeypatch.setattr(uploads, "installed", lambda: False)
    record = record_by_code(site, PROCESSING_DOCUMENT)
    answer = requests.post(
        f"{record.absolute_url()}/@record-files",
        json={
            "filename": "x.png",
            "content-type": "image/png",
            "data": base64.b64encode(scan("x.png").render()).decode(),
        },
        headers=JSON,
        auth=ARCHIVIST,
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    assert drain(site) == []


def post_scan(record, name, data):
    answer = requests.post(
        f"{record.absolute_url()}/@record-files",
        json={
            "filename": name,
            "content-type": "image/png",
            "data": base64.b64encode(data).decode(),
        },
        headers=JSON,
        auth=ARCHIVIST,
        timeout=60,
    )
    assert answer.status_code == 201, answer.text


def test_a_scan_ocr_cannot_read_is_kept_and_people_are_told_why(site, queue_db):
    record = record_by_code(site, PROCESSING_DOCUMENT)
    post_scan(record, "mo.png", scan("mo.png", dpi=100).render())
    assert [outcome for _job, outcome in drain(site)] == ["unreadable"]

    transaction.begin()
    record = record_by_code(site, PROCESSING_DOCUMENT)
    assert IRecordFiles(record).get("mo.png") is not None  # the master is kept
    [batch] = model.all_batches(site)
    assert batch.state == model.FAILED
    assert "không nhận dạng chữ được" in batch.message
    [problem] = batch.problems
    assert problem["code"] == model.MASTER_UNREADABLE
    assert problem["message"].startswith("mo.png: ")
    assert "100 dpi" in problem["message"]
    assert "200 dpi" in problem["message"]
    [entry] = [item for item in entries(record) if item["action"] == "ocr_not_possible"]
    assert entry["file"] == "mo.png"
    assert "100 dpi" in entry["reason"]
    transaction.abort()

    # With a readable scan in the same upload: that one is processed, the batch says
    # what was left out.
    transaction.begin()
    record = record_by_code(site, PROCESSING_DOCUMENT)
    url = record.absolute_url()
    form = requests.get(f"{url}/@@upload-files", auth=ARCHIVIST, timeout=60)
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text)
    posted = requests.post(
        f"{url}/@@upload-files",
        auth=ARCHIVIST,
        data={"_authenticator": token.group(1), "form.submitted": "1"},
        files=[
            ("files", ("ro.png", scan("ro.png").render(), "image/png")),
            ("files", ("mo-2.png", scan("mo-2.png", dpi=100).render(), "image/png")),
        ],
        timeout=60,
    )
    assert posted.status_code == 200, posted.text[:1000]
    assert [job for job, _outcome in drain(site)] == ["upload", "page", "build"]
    transaction.begin()
    [batch] = [item for item in model.all_batches(site) if "ro.png" in item.title]
    assert batch.state == model.DONE_WITH_PROBLEMS
    assert [item["file"] for item in batch.problems] == ["mo-2.png"]
    transaction.abort()


def test_a_published_record_with_new_unreviewed_text_is_withdrawn(site, queue_db):
    from plone import api

    record = record_by_code(site, PUBLISHED_DOCUMENT)
    assert api.content.get_state(record) == "published"
    head = (USERS["ArchiveHead"], "vnarchive-demo")
    answer = requests.post(
        f"{record.absolute_url()}/@record-files",
        json={
            "filename": "bo-sung.png",
            "content-type": "image/png",
            "data": base64.b64encode(scan("bo-sung.png").render()).decode(),
        },
        headers=JSON,
        auth=head,
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    assert requests.get(record.absolute_url(), timeout=60).status_code == 200
    assert [job for job, _outcome in drain(site)] == ["upload", "page", "build"]

    transaction.begin()
    record = record_by_code(site, PUBLISHED_DOCUMENT)
    assert api.content.get_state(record) == "archived"
    [entry] = [
        item
        for item in entries(record)
        if item["action"] == "transition" and item.get("transition") == "withdraw"
    ]
    assert "cần được kiểm duyệt" in entry["comment"]
    transaction.abort()
    # What the public saw is gone with it: the page, the new text.
    assert requests.get(record.absolute_url(), timeout=60).status_code == 404


def test_a_master_not_for_processing_is_not_sent(site, queue_db):
    """The demo's stand-in scans (add_master_file(process=False)) go to no worker."""
    from vnarchive.policy.files import add_master_file

    record = record_by_code(site, PROCESSING_DOCUMENT)
    add_master_file(record, "mau.png", scan("mau.png").render(), process=False)
    transaction.commit()
    assert drain(site) == []
