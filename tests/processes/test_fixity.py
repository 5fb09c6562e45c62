"""Fixity: every stored file is compared with its SHA-256; mismatches are journaled."""

from helpers import PROCESSING_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from helpers import ROOT
from pathlib import Path
from plone import api
from processes import ADMIN_PASSWORD
from processes import instance_env
from vnarchive.content import journal as kinds
from vnarchive.content.files import IRecordFiles
from vnarchive.content.interfaces import IFileRecord
from vnarchive.policy import fixity
from vnarchive.policy.journal import entries

import hashlib
import pytest
import requests
import subprocess
import sys


class Commits:
    """Stands for transaction.commit in the integration layer, and counts."""

    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1


@pytest.fixture
def file_records(holdings):
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        object_provides=IFileRecord.__identifier__
    )
    return {brain.UID for brain in brains}


@pytest.fixture
def checked(monkeypatch):
    """The UIDs of the records the check looked at, in order."""
    seen = []
    original = fixity.check_record

    def spy(obj, run_id=None):
        seen.append(obj.UID())
        return original(obj, run_id)

    monkeypatch.setattr(fixity, "check_record", spy)
    return seen


def test_intact_holdings_pass(portal, file_records):
    report = fixity.check(portal, commit=Commits())
    assert report["complete"]
    assert report["failures"] == []
    assert report["records"] == len(file_records)
    assert report["files"] >= 1  # the demo master scan at least
    assert "0 failures" in fixity.format_report(report)


def test_a_corrupted_file_is_reported_and_journaled(portal, holdings):
    document = holdings[PUBLISHED_DOCUMENT]
    master = IRecordFiles(document).masters()[0]
    expected = master.sha256
    # Bit rot: the bytes change behind the file store's back, the SHA-256 stays.
    with master.blob.open("w") as out:
        out.write(b"\x89PNG but not the scan that was archived")
    found = hashlib.sha256(b"\x89PNG but not the scan that was archived").hexdigest()

    report = fixity.check(portal, commit=Commits())

    assert report["complete"]
    assert [
        (item["archival_code"], item["file"], item["expected"], item["found"])
        for item in report["failures"]
    ] == [(PUBLISHED_DOCUMENT, master.name, expected, found)]
    entry = entries(document)[-1]
    assert entry["action"] == kinds.FIXITY_FAILED == "fixity_failed"
    assert entry["file"] == master.name
    assert entry["sha256"] == expected
    assert entry["found"] == found
    assert entry["actor"] == fixity.ACTOR
    assert entry["run"] == report["run_id"]
    text = fixity.format_report(report)
    assert "MISMATCH" in text
    assert master.name in text
    # Records whose files are intact get no journal entry from the check.
    other = holdings[PROCESSING_DOCUMENT]
    assert kinds.FIXITY_FAILED not in [item["action"] for item in entries(other)]


def test_an_interrupted_run_resumes_where_it_stopped(portal, file_records, checked):
    commits = Commits()
    first = fixity.check(portal, batch=2, limit=3, commit=commits)
    assert not first["complete"]
    assert first["records"] == 3
    assert "not finished" in fixity.format_report(first)
    # Progress is kept in the site, committed every batch.
    assert fixity.status(portal)["records"] == 3
    assert commits.count >= 2

    second = fixity.check(portal, batch=2, commit=commits)
    assert second["run_id"] == first["run_id"]
    assert second["resumed"] == 1
    assert second["complete"]
    assert second["records"] == len(file_records)
    # Each record exactly once over the two parts of the run.
    assert sorted(checked) == sorted(file_records)

    # A finished run is not resumed: the next check is a new run.
    third = fixity.check(portal, commit=commits)
    assert third["run_id"] != first["run_id"]
    assert third["records"] == len(file_records)


def test_restart_begins_a_new_run(portal, file_records):
    commits = Commits()
    first = fixity.check(portal, limit=2, commit=commits)
    again = fixity.check(portal, restart=True, commit=commits)
    assert again["run_id"] != first["run_id"]
    assert again["resumed"] == 0
    assert again["records"] == len(file_records)


def test_a_failure_found_before_an_interruption_stays_in_the_report(portal, holdings):
    document = holdings[PUBLISHED_DOCUMENT]
    master = IRecordFiles(document).masters()[0]
    with master.blob.open("w") as out:
        out.write(b"damaged")
    commits = Commits()
    part = fixity.check(portal, limit=1, commit=commits)
    while not part["complete"]:
        part = fixity.check(portal, limit=1, commit=commits)
    assert [item["file"] for item in part["failures"]] == [master.name]


# ---- `make fixity` on a running site, a blob damaged on disk ----------------------------


@pytest.fixture
def running_site(tmp_path):
    env = instance_env(tmp_path, VNARCHIVE_STORAGE="zeo")

    def run(*command):
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )

    ctl = [sys.executable, str(ROOT / "scripts" / "ctl.py")]
    try:
        started = run(*ctl, "start")
        assert started.returncode == 0, started.stdout + started.stderr
        yield env, run
    finally:
        run(*ctl, "stop")


def test_make_fixity_finds_a_blob_damaged_on_disk_and_resumes(running_site):
    env, run = running_site
    site = f"http://127.0.0.1:{env['VNARCHIVE_PORT']}/vnarchive"
    admin = ("admin", ADMIN_PASSWORD)
    json = {"Accept": "application/json"}
    [found] = requests.get(
        f"{site}/@search",
        params={"archival_code": PUBLISHED_DOCUMENT},
        headers=json,
        auth=admin,
        timeout=60,
    ).json()["items"]
    record = found["@id"]
    [master] = requests.get(
        f"{record}/@record-files", headers=json, auth=admin, timeout=60
    ).json()["items"]
    # The blob file of the master, found by its content.
    [path] = [
        path
        for path in Path(env["VNARCHIVE_VAR"], "blobstorage").rglob("*.blob")
        if hashlib.sha256(path.read_bytes()).hexdigest() == master["sha256"]
    ]

    zconsole = [
        str(Path(sys.executable).parent / "zconsole"),
        "run",
        f"{env['VNARCHIVE_ETC']}/zope-client1.conf",
        str(ROOT / "scripts" / "fixity.py"),
    ]
    path.chmod(0o644)
    with open(path, "r+b") as damaged:
        damaged.seek(20)
        damaged.write(b"\x00\x00\x00")

    # A run stopped after a few records (as if interrupted; UIDs decide whether the
    # damaged record is among them) ...
    part = run(*zconsole, "--limit", "3", "--batch", "2")
    assert part.returncode in (1, 3), part.stdout + part.stderr
    assert "not finished" in part.stdout

    # ... is resumed by `make fixity`, whose report has the damage.
    rest = run("make", "-s", "fixity")
    assert rest.returncode != 0, rest.stdout + rest.stderr  # fixity.py exits 1
    assert "Error 1" in rest.stderr
    assert "resumes after 3 records" in rest.stdout
    assert "MISMATCH" in rest.stdout
    assert master["name"] in rest.stdout
    journal = requests.get(
        f"{record}/@journal", headers=json, auth=admin, timeout=60
    ).json()["items"]
    failed = [item for item in journal if item["action"] == "fixity_failed"]
    assert [(item["file"], item["sha256"]) for item in failed] == [
        (master["name"], master["sha256"])
    ]
    # --status tells the last run without checking again.
    status = run(*zconsole, "--status")
    assert "1 failures" in status.stdout
