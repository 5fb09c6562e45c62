"""Batches whose manifest creates its own fonds and dossier, and batches that fail.

In one process, as tests/test_digitization_queue.py runs the jobs (SQLite huey, real
Tesseract, small pages): the web path (POST @batches), the command-line importer
(`vnarchive.digitization.cli.run`) and the ending states of a batch.
"""

from batches import document
from batches import document_fields
from batches import drain
from batches import make_batch
from batches import own_holdings
from batches import scan
from batches import start
from helpers import USERS
from pathlib import Path
from types import SimpleNamespace
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization import batches as model
from vnarchive.digitization import cli
from vnarchive.digitization.tasks import batch_import
from vnarchive.digitization.tasks.records import find_record
from vnarchive.digitization.tasks.transactions import acting_as

import io
import pytest
import requests
import transaction


ARCHIVIST = (USERS["Archivist"], "vnarchive-demo")
JSON = {"Accept": "application/json"}


def assert_digitized(site, batch_id, dossier):
    transaction.begin()
    batch = model.get_batch(site, batch_id)
    assert batch.state == model.DONE, (batch.problems, batch.details()["documents"])
    states = [
        doc.state for doc in sorted(batch.documents.values(), key=lambda d: d.position)
    ]
    assert states == [model.DOC_IMPORTED] * 2 + [model.DOC_BUILT] * 2
    assert (batch.pages_done(), batch.pages_total) == (3, 3)
    for doc in list(batch.documents.values())[2:]:
        record = find_record(site, doc.uid)
        assert record.docId.startswith(dossier + ".")
        files = IRecordFiles(record)
        assert files.text()
        assert files.get(doc.pdfa).kind == "pdfa"
    transaction.abort()


@pytest.mark.parametrize("manifest", ["csv", "xlsx"])
def test_a_batch_creating_its_fonds_and_dossier_over_rest(site, queue_db, manifest):
    source, dossier = own_holdings(
        queue_db / "import" / f"lo-{manifest}", "SNV", "000.06.16.G09", manifest
    )
    posted = requests.post(
        f"{site.absolute_url()}/@batches",
        json={"folder": source.folder.name},
        headers=JSON,
        auth=ARCHIVIST,
        timeout=60,
    )
    assert posted.status_code == 201, posted.text
    outcomes = drain(site)
    assert ("import", "imported") in outcomes
    assert_digitized(site, posted.json()["id"], dossier)
    answer = requests.get(
        f"{site.absolute_url()}/@batches/{posted.json()['id']}",
        headers=JSON,
        auth=ARCHIVIST,
        timeout=60,
    ).json()
    assert (answer["state"], answer["problems"]) == ("done", [])


@pytest.mark.parametrize("manifest", ["csv", "xlsx"])
def test_a_batch_creating_its_fonds_and_dossier_from_the_command_line(
    site, queue_db, manifest
):
    source, dossier = own_holdings(
        queue_db / "import" / f"cli-{manifest}", "SNV", "000.06.16.G09", manifest
    )
    options = SimpleNamespace(
        batch=str(source.folder), user="admin", validate=False, no_wait=True
    )
    out = io.StringIO()
    with acting_as(site, "admin"):
        assert cli.run(site, options, out=out) == 0, out.getvalue()
    drain(site)
    transaction.begin()
    batch_id = model.all_batches(site)[0].id
    transaction.abort()
    assert_digitized(site, batch_id, dossier)
    out = io.StringIO()
    assert cli.wait(site, batch_id, 0.0, out) == 0, out.getvalue()
    assert "3 xong/done, 0 lỗi/failed" in out.getvalue()


def vanish_after_planning(monkeypatch, names):
    """The scans `names` disappear between the plan and the import (a disk, a person)."""
    planned = batch_import.plan_documents

    def plan_then_vanish(site, batch_id, token, folder, still_ours):
        result = planned(site, batch_id, token, folder, still_ours)
        for name in names:
            (Path(folder) / name).unlink()
        return result

    monkeypatch.setattr(batch_import, "plan_documents", plan_then_vanish)


@pytest.mark.parametrize(
    ("vanished", "state"),
    [
        (["mat-1.png", "mat-2.png"], model.FAILED),
        (["mat-2.png"], model.DONE_WITH_PROBLEMS),
    ],
)
def test_a_batch_whose_documents_failed_ends_failed_with_reasons(
    site, queue_db, monkeypatch, vanished, state
):
    source = make_batch(
        queue_db / "import" / "lo-mat",
        documents=[
            document(scan("mat-1.png"), **document_fields(31)),
            document(scan("mat-2.png"), **document_fields(32)),
        ],
    )
    vanish_after_planning(monkeypatch, vanished)
    batch_id = start(site, source.folder)
    drain(site)
    transaction.begin()
    batch = model.get_batch(site, batch_id)
    assert batch.state == state
    assert state in model.BATCH_STATES
    assert state not in model.UNFINISHED
    failed = [
        problem for problem in batch.problems if problem["code"] == "document_failed"
    ]
    assert len(failed) == len(vanished)
    assert all("mat-" in problem["message"] for problem in failed), failed
    assert [problem["row"] for problem in failed] == [
        2 + int(name[4]) - 1 for name in vanished
    ]
    if state == model.FAILED:
        assert batch.message
        assert batch.pages_done() == 0
    transaction.abort()
    answer = requests.get(
        f"{site.absolute_url()}/@batches/{batch_id}",
        headers=JSON,
        auth=ARCHIVIST,
        timeout=60,
    ).json()
    assert answer["state"] == state
    assert {problem["code"] for problem in answer["problems"]} == {"document_failed"}
