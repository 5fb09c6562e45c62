"""The digitization queue and its jobs, in one process: SQLite huey, leases, sweeper, retries.

The jobs run here exactly as a worker runs them (`huey.execute` of the queued message,
through `worker.run_job`), on the functional test database, with real Tesseract and small
pages. tests/test_digitization_workers.py runs them in real worker processes over ZEO.
"""

from batches import document
from batches import document_fields
from batches import drain
from batches import make_batch
from batches import scan
from batches import start
from helpers import RECORD_TYPES
from helpers import USERS
from pathlib import Path
from plone import api
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization import worker
from vnarchive.digitization.importing.apply import import_document
from vnarchive.digitization.tasks.batch_import import plan_documents
from vnarchive.digitization.tasks.documents import import_one
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.digitization.tasks.errors import text
from vnarchive.digitization.tasks.intake import check_folder
from vnarchive.digitization.tasks.page import process_page
from vnarchive.digitization.tasks.records import DIGITIZED
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.sweep import sweep
from vnarchive.digitization.tasks.transactions import acting_as
from vnarchive.digitization.tasks.unzip import extract_zip
from vnarchive.policy.journal import entries

import os
import pytest
import time
import transaction
import zipfile


JSON = {"Accept": "application/json"}


def small_batch(folder, pages=2):
    return make_batch(
        folder,
        documents=[
            document(scan("cv-01.png"), **document_fields(11)),
            document(
                scan("cv-02.tif", pages=pages),
                **document_fields(12, docOrdinal=61),
            ),
        ],
    )


def count_records():
    catalog = api.portal.get_tool("portal_catalog")
    return len(catalog.unrestrictedSearchResults(portal_type=RECORD_TYPES))


def said(error):
    """What people read of an error (its Vietnamese message)."""
    return text(error.doc())


# ---- the queue itself ----


def test_a_message_is_sent_only_when_its_transaction_commits(queue_db):
    transaction.begin()
    queue.enqueue("page", "b1", "00001", 1)
    transaction.abort()
    assert queue.length() == 0

    transaction.begin()
    queue.enqueue("page", "b1", "00001", 1)
    assert queue.length() == 0  # not before the commit
    transaction.commit()
    assert queue.length() == 1
    assert Path(queue.settings()["path"]).exists()


def test_documents_are_finished_before_new_pages_are_started(queue_db):
    queue.enqueue_now("page", "b1", "00001", 1, priority=queue.PRIORITY_PAGE)
    queue.enqueue_now("page", "b1", "00001", 2, priority=queue.PRIORITY_PAGE)
    queue.enqueue_now("build", "uid", "b1", "00001", priority=queue.PRIORITY_BUILD)
    huey = queue.get_huey()
    order = [huey.dequeue().args for _ in range(3)]
    assert order == [
        ("build", "uid", "b1", "00001"),
        ("page", "b1", "00001", 1),
        ("page", "b1", "00001", 2),
    ]
    assert huey.dequeue() is None


def test_health_reports_the_queue_and_the_workers(queue_db):
    queue_check, workers_check = queue.QueueHealth(), queue.WorkersHealth()
    assert queue_check(None) == {"status": "not configured"}  # no queue file yet
    queue.enqueue_now("sweep")
    assert queue_check(None)["status"] == "ok"
    assert queue_check(None)["length"] == 1
    assert workers_check(None) == {"status": "not configured"}  # no worker ever ran

    queue.beat("host:1")
    assert workers_check(None)["status"] == "ok"
    assert set(queue.live_workers()) == {"host:1"}

    queue.get_huey().put(
        queue.HEARTBEAT_PREFIX + "host:1", {"time": time.time() - 3600}
    )
    assert workers_check(None)["status"] == "error"  # it stopped beating: dead
    queue.forget_worker("host:1")
    assert queue.heartbeats() == {}


def test_redis_url_selects_redis(monkeypatch):
    monkeypatch.setenv("VNARCHIVE_REDIS_URL", "redis://:secret@10.0.0.5:6380/2")
    assert queue.settings() == {
        "backend": "redis",
        "url": "redis://:secret@10.0.0.5:6380/2",
    }
    assert queue.describe() == "Redis 10.0.0.5:6380/2"  # no password in messages


# ---- where batches come from ----


def test_server_folders_must_be_inside_the_import_root(queue_db):
    root = queue_db / "import"
    (root / "lo-1").mkdir()
    assert check_folder("lo-1") == root / "lo-1"
    assert check_folder(str(root / "lo-1")) == root / "lo-1"
    for outside in ("../", str(queue_db), "/etc", "lo-1/../../"):
        with pytest.raises(BatchError) as refused:
            check_folder(outside)
        assert "ngoài thư mục nhập" in said(refused.value)
    with pytest.raises(BatchError):
        check_folder("missing")


def zip_with(path, entries, symlink=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("entries", "symlink", "word"),
    [
        ({"../evil.txt": b"x"}, None, "không an toàn"),
        ({"/abs/evil.txt": b"x"}, None, "không an toàn"),
        ({"lo/ok.txt": b"x"}, "lo/link", "liên kết"),
        ({"lo/bomb.tif": b"\0" * 50_000_000}, None, "bom nén"),
    ],
)
def test_unsafe_zips_are_refused_and_write_nothing_outside(
    queue_db, entries, symlink, word
):
    archive = zip_with(queue_db / "upload.zip", entries, symlink)
    target = queue_db / "files"
    with pytest.raises(BatchError) as refused:
        extract_zip(archive, target)
    assert word in said(refused.value)
    assert not (queue_db / "evil.txt").exists()
    assert not Path("/abs/evil.txt").exists()


def test_a_zip_of_one_folder_is_that_folder(queue_db):
    archive = zip_with(
        queue_db / "upload.zip", {"lo-7/manifest.csv": b"a", "lo-7/x.png": b"b"}
    )
    folder = extract_zip(archive, queue_db / "files")
    assert folder == (queue_db / "files" / "lo-7").resolve()
    assert (folder / "manifest.csv").read_bytes() == b"a"


# ---- a batch, run by the jobs ----


def test_a_batch_goes_from_folder_to_searchable_pdfa(site, queue_db):
    source = small_batch(queue_db / "import" / "lo-1")
    batch_id = start(site, source.folder)

    outcomes = drain(site)

    assert ("import", "imported") in outcomes
    assert [outcome for job, outcome in outcomes if job == "page"] == ["done"] * 3
    assert [outcome for job, outcome in outcomes if job == "build"] == ["built"] * 2
    batch = model.get_batch(site, batch_id)
    progress = batch.progress()
    assert batch.state == model.DONE
    assert (progress["pages_total"], progress["pages_done"]) == (3, 3)
    assert (progress["pages_failed"], progress["pages_remaining"]) == (0, 0)
    assert progress["documents_built"] == 2
    catalog = api.portal.get_tool("portal_catalog")
    for state in batch.documents.values():
        record = find_record(site, state.uid)
        files = IRecordFiles(record)
        # <dossier code>.<ordinal>.pdf
        assert state.pdfa == f"{record.docId}.pdf"
        pdfa = files.get(state.pdfa)
        assert (pdfa.kind, pdfa.content_type) == ("pdfa", "application/pdf")
        assert pdfa.read().startswith(b"%PDF")
        assert [page.number for page in files.pages()] == list(state.pages)
        for page in files.pages():
            assert page.source == "ocr"
            assert page.history == ()
            assert page.confidence > 50
            assert page.words["lines"]
            clean = files.get(f"page-{page.number:04d}.png")
            assert (clean.kind, clean.content_type) == ("clean-page", "image/png")
        actions = [entry["action"] for entry in entries(record)]
        assert actions.count(DIGITIZED) == 1
    record = find_record(site, batch.documents["00002"].uid)
    assert "cv-02 - 2" in IRecordFiles(record).text()
    found = catalog.unrestrictedSearchResults(SearchableText="cv-02")
    assert record.UID() in {brain.UID for brain in found}


def test_a_page_left_by_a_dead_worker_is_swept_and_done_once(site, queue_db):
    source = small_batch(queue_db / "import" / "lo-2", pages=1)
    batch_id = start(site, source.folder)
    huey = queue.get_huey()
    worker._current.update(site=site, id="w1", job=None)
    assert huey.execute(huey.dequeue()) == "imported"  # the import job only
    transaction.abort()
    queue.flush()  # the page messages are lost with the worker that took them

    # A worker claimed page 1 of the second document, then died (SIGKILL): its lease
    # is all that is left of it.
    batch = model.get_batch(site, batch_id)
    page = batch.pages[("00002", 1)]
    page.state = model.RUNNING
    page.attempts = 1
    page.take("dead-host:99", seconds=-1)
    # The message of the other page was lost long enough ago to be sent again.
    batch.pages[("00001", 1)].enqueued -= 2 * model.lease_seconds()
    transaction.commit()

    assert drain(site) == []  # nothing in the queue
    found = sweep(site, worker="w2")
    transaction.abort()
    assert found["pages"] == 2  # the dead worker's page, and the lost message
    outcomes = drain(site)
    assert sorted(outcome for job, outcome in outcomes if job == "page") == [
        "done",
        "done",
    ]

    batch = model.get_batch(site, batch_id)
    assert batch.state == model.DONE
    page = batch.pages[("00002", 1)]
    assert (page.state, page.attempts, page.token) == (model.DONE, 2, None)
    record = find_record(site, batch.documents["00002"].uid)
    assert IRecordFiles(record).page(1).history == ()  # written once


def test_a_page_leased_to_a_live_worker_is_left_alone(site, queue_db):
    source = small_batch(queue_db / "import" / "lo-3", pages=1)
    batch_id = start(site, source.folder)
    huey = queue.get_huey()
    worker._current.update(site=site, id="w1", job=None)
    huey.execute(huey.dequeue())
    transaction.abort()
    batch = model.get_batch(site, batch_id)
    page = batch.pages[("00001", 1)]
    page.state = model.RUNNING
    token = page.take("busy-host:1")
    transaction.commit()

    assert process_page(site, batch_id, "00001", 1, worker="w1") == "skipped"
    assert sweep(site, worker="w1")["pages"] == 0
    transaction.abort()
    page = model.get_batch(site, batch_id).pages[("00001", 1)]
    assert (page.state, page.token) == (model.RUNNING, token)


def test_a_failing_page_is_listed_with_its_reason_and_retried(site, queue_db):
    source = small_batch(queue_db / "import" / "lo-4", pages=1)
    batch_id = start(site, source.folder)
    huey = queue.get_huey()
    worker._current.update(site=site, id="w1", job=None)
    huey.execute(huey.dequeue())
    transaction.abort()
    batch = model.get_batch(site, batch_id)
    record = find_record(site, batch.documents["00002"].uid)
    master = IRecordFiles(record).get("cv-02.tif")
    original = master.read()
    # Bit rot on disk: the master no longer has its SHA-256.
    blob_path = master.blob.committed()
    os.chmod(blob_path, 0o644)
    Path(blob_path).write_bytes(original[:-10] + b"0123456789")

    drain(site)
    batch = model.get_batch(site, batch_id)
    assert batch.state == model.DONE_WITH_PROBLEMS
    [problem] = batch.problems  # the incomplete document, with the page's reason
    assert problem["code"] == model.DOCUMENT_FAILED
    assert "SHA-256" in problem["message"]
    assert batch.progress()["pages_failed"] == 1
    [failed] = batch.failed_pages()
    assert (failed["document"], failed["page"]) == ("00002", 1)
    assert "SHA-256" in failed["error"]
    assert "cv-02.tif" in failed["error"]
    assert batch.documents["00002"].state == model.DOC_INCOMPLETE
    assert batch.documents["00001"].state == model.DOC_BUILT

    # Over REST, staff see the failed page with its reason, and retry it.
    import requests

    archivist = (USERS["Archivist"], "vnarchive-demo")
    rest = f"{site.absolute_url()}/@batches/{batch_id}"
    shown = requests.get(rest, headers=JSON, auth=archivist, timeout=60).json()
    assert shown["pages_failed"] == 1
    assert "SHA-256" in shown["failed_pages"][0]["error"]
    page = requests.get(
        f"{site.absolute_url()}/@@batches/{batch_id}", auth=archivist, timeout=60
    )
    assert "Trang lỗi" in page.text
    assert "không còn khớp mã SHA-256" in page.text
    assert f"@@batches/{batch_id}/retry" in page.text  # the retry button's form
    Path(blob_path).write_bytes(original)  # restored from a backup
    retried = requests.post(
        f"{rest}/retry", headers=JSON, auth=archivist, json={}, timeout=60
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["retried"] == [["00002", 1]]
    assert retried.json()["state"] == model.PROCESSING
    transaction.begin()
    drain(site)

    batch = model.get_batch(site, batch_id)
    assert batch.state == model.DONE
    assert batch.problems == []
    assert batch.failed_pages() == []
    assert (batch.pages_done(), batch.pages_failed()) == (2, 0)
    assert batch.documents["00002"].state == model.DOC_BUILT


def test_attempts_are_limited(site, queue_db, monkeypatch):
    source = small_batch(queue_db / "import" / "lo-5", pages=1)
    batch_id = start(site, source.folder)
    huey = queue.get_huey()
    worker._current.update(site=site, id="w1", job=None)
    huey.execute(huey.dequeue())
    queue.flush()
    transaction.abort()
    batch = model.get_batch(site, batch_id)
    page = batch.pages[("00001", 1)]
    page.attempts = model.max_attempts()  # three workers died on it already
    transaction.commit()

    assert process_page(site, batch_id, "00001", 1, worker="w1") == "skipped"
    transaction.abort()
    [failed] = model.get_batch(site, batch_id).failed_pages()
    assert "3 lần" in failed["error"]


def test_running_the_same_folder_again_creates_nothing(site, queue_db):
    source = small_batch(queue_db / "import" / "lo-6", pages=1)
    first = start(site, source.folder)
    drain(site)
    before = count_records()
    record_uid = model.get_batch(site, first).documents["00002"].uid
    record = find_record(site, record_uid)
    journal_before = len(entries(record))

    second = start(site, source.folder)
    assert second != first  # the first is done: a new batch, that finds it all done
    outcomes = drain(site)

    assert [job for job, _outcome in outcomes] == ["import"]
    batch = model.get_batch(site, second)
    assert batch.state == model.DONE
    assert all(page.reused for page in batch.pages.values())
    assert count_records() == before
    record = find_record(site, record_uid)
    assert len(IRecordFiles(record).masters()) == 1
    assert IRecordFiles(record).page(1).history == ()
    assert len(entries(record)) == journal_before


def test_validate_only_reports_problems_and_imports_nothing(site, queue_db):
    source = make_batch(
        queue_db / "import" / "lo-7",
        documents=[document(scan("cv-09.png"), **document_fields(19))],
        bad=["corrupt", "low_dpi"],
    )
    before = count_records()
    batch_id = start(site, source.folder, validate_only=True)
    drain(site)
    batch = model.get_batch(site, batch_id)
    assert batch.state == model.INVALID
    codes = sorted(problem["code"] for problem in batch.problems)
    assert codes == sorted(item.code for item in source.expected)
    assert all(problem["message"] for problem in batch.problems)
    assert batch.pages_total == 0
    assert count_records() == before


def test_staff_may_start_batches_in_the_form_readers_may_not(site, queue_db):
    from plone.app.testing import login
    from zExceptions import Unauthorized

    login(site, USERS["ArchiveReader"])
    with pytest.raises(Unauthorized):
        site.restrictedTraverse("@@batches")
    with pytest.raises(Unauthorized):
        site.restrictedTraverse("@@import-batch")
    login(site, USERS["Archivist"])
    assert site.restrictedTraverse("@@batches") is not None


def test_the_import_form_stores_and_enqueues_only(site, queue_db):
    import re
    import requests

    source = make_batch(
        queue_db / "import" / "lo-form",
        documents=[document(scan("cv-form.png"), **document_fields(81))],
    )
    archivist = (USERS["Archivist"], "vnarchive-demo")
    url = f"{site.absolute_url()}/@@import-batch"
    form = requests.get(url, auth=archivist, timeout=60)
    assert form.status_code == 200
    assert "Nhập lô tài liệu số hóa" in form.text
    token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', form.text)
    posted = requests.post(
        url,
        auth=archivist,
        data={
            "folder": source.folder.name,
            "validate_only": "1",
            "_authenticator": token.group(1),
        },
        timeout=60,
        allow_redirects=False,
    )
    assert posted.status_code == 302, posted.text[:2000]
    batch_id = posted.headers["Location"].rsplit("/", 1)[1]
    transaction.begin()
    batch = model.get_batch(site, batch_id)
    assert (batch.state, batch.creator) == (model.VALIDATING, USERS["Archivist"])
    assert queue.length() == 1  # stored and enqueued; nothing else done in the request
    transaction.abort()

    assert drain(site) == [("import", model.VALIDATED)]
    page = requests.get(
        f"{site.absolute_url()}/@@batches/{batch_id}", auth=archivist, timeout=60
    )
    assert "Lô hợp lệ" in page.text
    listing = requests.get(
        f"{site.absolute_url()}/@@batches", auth=archivist, timeout=60
    )
    assert "lo-form" in listing.text
    # Outside the import root: refused with a message, no batch.
    refused = requests.post(
        url,
        auth=archivist,
        data={"folder": "../../etc", "_authenticator": token.group(1)},
        timeout=60,
    )
    assert "ngoài thư mục nhập" in refused.text
    transaction.begin()
    assert len(model.all_batches(site)) == 1
    transaction.abort()


def test_an_import_that_stopped_half_way_resumes_where_it_stopped(site, queue_db):
    source = small_batch(queue_db / "import" / "lo-8", pages=1)
    before = count_records()
    batch_id = start(site, source.folder)
    queue.flush()  # the worker that took the import message ...
    transaction.begin()
    token = model.get_batch(site, batch_id).take("dead-host:7")
    transaction.commit()

    def ours(batch):
        return batch is not None and batch.token == token

    # ... planned the batch and imported its first document, then died.
    with acting_as(site):
        planned = plan_documents(site, batch_id, token, str(source.folder), ours)
        key, first = planned[0]
        assert import_one(site, batch_id, token, key, first, import_document)
    queue.flush()  # its page messages went with it
    transaction.begin()
    batch = model.get_batch(site, batch_id)
    assert batch.state == model.IMPORTING
    assert [doc.state for doc in batch.documents.values()] == [
        model.DOC_PROCESSING,
        model.DOC_PENDING,
    ]
    first_uid = batch.documents["00001"].uid
    batch.expires = 0.0  # its lease ran out
    for page in batch.pages.values():
        page.enqueued -= 2 * model.lease_seconds()
    transaction.commit()

    found = sweep(site, worker="w2")
    assert (found["imports"], found["pages"]) == (1, 1)
    drain(site)

    transaction.begin()
    batch = model.get_batch(site, batch_id)
    assert batch.state == model.DONE
    assert batch.documents["00001"].uid == first_uid  # not imported a second time
    assert [doc.state for doc in batch.documents.values()] == [model.DOC_BUILT] * 2
    assert (batch.pages_done(), batch.pages_total) == (2, 2)
    assert count_records() == before + 2
    transaction.abort()
