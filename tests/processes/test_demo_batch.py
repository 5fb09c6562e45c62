"""The demo digitization batch started when the site is created with the demo.

`vnarchive.digitization.demo_batch` writes 3 documents (4 generated pages) and a manifest into
VAR/demo-batch; `scripts/create_site.py` starts it once, as admin. Here: the folder is a
valid batch for the demo holdings, and a real `make start` takes it to done.
"""

from helpers import PROCESSING_DOSSIER
from pathlib import Path
from processes import ADMIN_PASSWORD
from processes import instance_env
from processes import run_script

import pytest
import requests
import time


ADMIN = ("admin", ADMIN_PASSWORD)
JSON = {"Accept": "application/json"}


@pytest.fixture
def var(queue_db):
    """The VAR folder of a fresh queue (conftest's queue_db)."""
    return queue_db / "var"


def test_the_demo_batch_is_a_valid_plan_and_starts(portal, holdings, manager, var):
    from vnarchive.digitization import batches as model
    from vnarchive.digitization import demo_batch
    from vnarchive.digitization.importing.planner import plan_batch
    from vnarchive.digitization.tasks.errors import BatchError
    from vnarchive.digitization.tasks.intake import check_folder

    folder = demo_batch.write_folder(var / "demo-batch")
    manifest = (folder / "manifest.csv").read_bytes()
    scans = {path: path.read_bytes() for path in folder.rglob("*.*")}
    plan = plan_batch(portal, folder)
    assert [str(problem) for problem in plan.problems] == []
    assert len(plan.documents) == 3
    assert (plan.files_total, plan.pages_total) == (3, 4)
    assert {item.container for item in plan.documents} == {PROCESSING_DOSSIER}
    assert [item.pages for item in plan.documents] == [2, 1, 1]
    assert [item.fields["languageCode"] for item in plan.documents] == [
        ["01"],
        ["lo"],
        ["03"],
    ]
    assert all(f.dpi == 300 for item in plan.documents for f in item.files)

    # Generated, not committed: the same bytes every time.
    demo_batch.write_folder(folder)
    assert {path: path.read_bytes() for path in folder.rglob("*.*")} == scans
    assert (folder / "manifest.csv").read_bytes() == manifest

    # Users' folders stay confined to the import root; only trusted code passes anywhere.
    with pytest.raises(BatchError):
        check_folder(str(folder))

    batch = demo_batch.start(portal, "admin")
    assert batch.creator == "admin"
    assert batch.source == str(folder.resolve())
    assert not batch.validate_only
    assert model.get_batch(portal, batch.id) is batch
    assert [item.id for item in model.all_batches(portal)] == [batch.id]


def test_make_start_takes_the_demo_batch_to_done(tmp_path):
    env = instance_env(tmp_path, VNARCHIVE_WORKERS="1", VNARCHIVE_DEMO_BATCH="1")
    site = f"http://127.0.0.1:{env['VNARCHIVE_PORT']}/vnarchive"

    def rest(path, **options):
        answer = requests.get(
            f"{site}/{path}", headers=JSON, auth=ADMIN, timeout=120, **options
        )
        assert answer.status_code == 200, answer.text[:500]
        return answer.json()

    try:
        started = run_script(env, "ctl.py", "start")
        assert started.returncode == 0, started.stdout + started.stderr
        assert "demo digitization batch" in started.stdout
        assert Path(env["VNARCHIVE_VAR"], "demo-batch", "manifest.csv").exists()

        [summary] = rest("@batches")["items"]
        deadline = time.monotonic() + 240
        while True:
            batch = rest(f"@batches/{summary['id']}")
            if batch["state"] in ("done", "invalid", "validated", "failed"):
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"the demo batch not done in 240 s: {batch}")
            time.sleep(1)
        assert batch["state"] == "done", batch
        assert batch["problems"] == []
        assert (batch["pages_total"], batch["pages_done"]) == (4, 4)
        assert batch["pages_failed"] == 0
        assert batch["documents_built"] == 3

        document = batch["documents"][0]
        path = document["path"].split("/vnarchive", 1)[1].lstrip("/")
        record = rest(path)
        files = rest(f"{path}/@record-files")["items"]
        pdfa = [item["name"] for item in files if item["kind"] == "pdfa"]
        assert pdfa == [f"{record['docId']}.pdf"]  # the national name
        assert record["docId"].startswith(PROCESSING_DOSSIER + ".")
        # The viewer has its pages.
        thumbnail = requests.get(
            f"{site}/{path}/@@documentviewer-files/small/dump_1.png",
            auth=ADMIN,
            timeout=60,
        )
        assert thumbnail.status_code == 200
        assert thumbnail.content.startswith(b"\x89PNG")

        # The documents wait in the OCR review queue.
        queue = rest("@ocr-review", params={"dossier": PROCESSING_DOSSIER})
        assert queue["items_total"] == 3

        # Only on first creation: a restart starts no second batch.
        stopped = run_script(env, "ctl.py", "stop")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        again = run_script(env, "ctl.py", "start")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "demo digitization batch" not in again.stdout
        assert [item["id"] for item in rest("@batches")["items"]] == [summary["id"]]
    finally:
        run_script(env, "ctl.py", "stop")
