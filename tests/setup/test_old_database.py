"""A database made by the previous release opens and upgrades with today's code.

The previous release's own code (`git archive` of its commit) makes the database in one
Python: a site with vnarchive.policy, the demo holdings, a digitization batch, an approved OCR
review, a dossier's import checksums and a Solr host of its own. Today's code opens it in
another Python, upgrades vnarchive.policy, and reports what the site holds then
(tests/old_release_site.py does both). Since that release digitization and Solr search are
the add-ons vnarchive.digitization and vnarchive.search, and the catalog lexicon moved: the
module aliases, the upgrade step 20261208001 and the digitization add-on's install must carry
everything over.
"""

from helpers import ROOT
from pathlib import Path

import io
import json
import os
import pytest
import subprocess
import sys
import tarfile


SCRIPT = ROOT / "tests" / "old_release_site.py"
# The previous release (398302f, "Guard: user_may_view names whose permission it checks"):
# the last commit before digitization and Solr search became add-ons.
PREVIOUS_RELEASE = "398302f8e6b2d309c856536ffa508a136ed0402d"


def extract_previous_release(target):
    """The previous release's src and profiles under `target`."""
    known = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
        capture_output=True,
    )
    if known.returncode != 0:
        pytest.fail(
            f"the previous release {PREVIOUS_RELEASE} is not in the repository at {ROOT} "
            "(a shallow clone? fetch it): the test needs its code"
        )
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE, "src", "profiles"],
        capture_output=True,
        check=True,
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        # Our own repository's archive; the "data" filter where Python has it (3.11.4+:
        # Debian 12's python3 is 3.11.2).
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:
            tar.extractall(target)  # noqa: S202 - our own git archive
    return target


def clean_env(**settings):
    """This environment without the instance settings a developer's shell may carry."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VNARCHIVE_")
        and key not in ("PYTHONPATH", "AUTOINCLUDE_ALLOW_MODULE_NOT_FOUND_ERROR")
        # conftest sets it for the test site; compiling every catalog is not needed here
        and key != "zope_i18n_compile_mo_files"
    }
    env.update(settings)
    return env


def run(mode, *args, env):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), mode, *map(str, args)],
        cwd=args[0],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = [
        line[len("RESULT ") :]
        for line in done.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    if done.returncode != 0 or len(results) != 1:
        pytest.fail(
            f"`old_release_site.py {mode}` failed (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
        )
    return json.loads(results[0])


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(what the previous release made, what today's code found after the upgrade)."""
    base = tmp_path_factory.mktemp("old_database")
    tree = extract_previous_release(base / "release")
    work = base / "work"
    work.mkdir()
    old = run(
        "old",
        work,
        tree,
        # its entry points name the add-ons, whose code is not in that release
        env=clean_env(AUTOINCLUDE_ALLOW_MODULE_NOT_FOUND_ERROR="1"),
    )
    new = run("new", work, env=clean_env())
    return old, new, tree


def test_the_database_was_made_by_the_previous_release(sites):
    old, new, tree = sites
    for name in ("policy_file", "content_file"):
        assert Path(old[name]).resolve().is_relative_to(tree.resolve()), old[name]
    assert Path(new["policy_file"]).resolve().is_relative_to(ROOT / "src")
    # What the upgrade must carry over is there, under the old names.
    assert old["batch"]["class"] == "vnarchive.policy.digitization.batches.Batch"
    assert old["lexicon"] == [
        "vnarchive.policy.solr.lexicon.Splitter",
        "vnarchive.policy.solr.lexicon.Normalizer",
    ]
    assert old["review_state"] == "approved"
    assert old["search_hits"], "the old site's folded search finds records"
    assert old["published_masters"]


def test_policy_upgraded_to_the_newest_version(sites):
    old, new, _tree = sites
    assert new["version_before"] == old["policy_version"]
    assert old["policy_version"] < new["policy_version_newest"]
    # The newest version: the house's steps (20261208001 and after) all ran.
    assert new["policy_version"] == new["policy_version_newest"] >= "20261208001"
    assert new["upgrades_left"] == []


def test_both_addons_installed(sites):
    _old, new, _tree = sites
    assert new["installed"] == {
        "vnarchive.policy": True,
        "vnarchive.digitization": True,
        "vnarchive.search": True,
    }


def test_solr_settings_kept(sites):
    old, new, _tree = sites
    assert (new["solr_host"], new["solr_port"]) == (old["solr_host"], old["solr_port"])
    assert new["solr_host"] == "solr.old-release.example"


def test_batch_found_and_written_under_the_addon(sites):
    old, new, _tree = sites
    batch = new["batch"]
    assert batch is not None, "the old site's batch is not found after the upgrade"
    assert batch["id"] == old["batch"]["id"]
    assert batch["class"] == "vnarchive.digitization.batches.Batch"
    assert batch["classes"] == ["vnarchive.digitization.batches"]
    for name in ("documents", "pages", "pages_done"):
        assert batch[name] == old["batch"][name], name
    assert batch["page_state"] == "done"
    assert batch["progress"]["percent"] == 50
    assert batch["old_names_in_pickles"] == {
        "batch": False,
        "document": False,
        "page": False,
    }


def test_no_object_names_an_old_module(sites):
    """After the upgrade (and a pack) no record of the database names a module that is gone:
    the aliases are no longer needed."""
    _old, new, _tree = sites
    assert new["old_names_in_storage"] == {}


def test_lexicon_elements_under_their_new_module(sites):
    _old, new, _tree = sites
    assert new["lexicon"] == [
        "vnarchive.policy.lexicon.Splitter",
        "vnarchive.policy.lexicon.Normalizer",
    ]


def test_catalog_keeps_every_record_and_folds(sites):
    old, new, _tree = sites
    assert new["records"] == old["records"]
    assert new["catalog_count"] == old["catalog_count"]
    assert new["search_hits"] == old["search_hits"]


def test_published_document_keeps_its_master_and_renders(sites):
    old, new, _tree = sites
    assert new["published_masters"] == old["published_masters"]
    assert new["record_page"]["title_shown"] is True


def test_ocr_review_kept(sites):
    _old, new, _tree = sites
    assert new["review_index"] == "FieldIndex"
    assert new["review_state"] == "approved"
    assert new["review_decision"]["comment"] == "Duyệt trước khi nâng cấp"
    assert new["review_indexed"] == "approved"


def test_import_checksums_kept(sites):
    """A re-run of an import finds the records it made before the upgrade."""
    _old, new, _tree = sites
    assert new["checksum_finds"] is True
