"""`make start` with search: without Java it says so and the site searches its catalog; with
Java and Maven it builds and runs Solr, points the site at it and indexes the holdings."""

from pathlib import Path
from processes import ADMIN_PASSWORD
from processes import instance_env
from processes import ROOT
from processes import run_script

import json
import pytest
import re
import requests
import shutil
import sys
import urllib.error
import urllib.request


sys.path.insert(0, str(ROOT / "scripts"))

import solrctl


JSON = {"Accept": "application/json"}


@pytest.fixture
def instance(tmp_path):
    env = instance_env(tmp_path, VNARCHIVE_SOLR="1", VNARCHIVE_WORKERS="0")
    yield env
    stopped = run_script(env, "ctl.py", "stop")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def health(site):
    # The detail of the checks is for Managers (Anonymous gets the overall status).
    answer = requests.get(
        f"{site}/@@health", auth=("admin", ADMIN_PASSWORD), timeout=60
    ).json()
    return answer["checks"]["solr"]


def search(site, text):
    found = requests.get(
        f"{site}/@search", params={"SearchableText": text}, headers=JSON, timeout=60
    )
    assert found.status_code == 200, found.text
    return {item["title"] for item in found.json()["items"]}


def test_start_without_java_then_with_solr(instance, tmp_path):
    assert shutil.which("java"), "make start with Solr needs java"
    assert shutil.which("mvn"), "make start with Solr needs mvn"
    site = f"http://127.0.0.1:{instance['VNARCHIVE_PORT']}/vnarchive"
    empty = tmp_path / "no-tools"
    empty.mkdir()

    started = run_script(dict(instance, PATH=str(empty)), "ctl.py", "start")
    assert started.returncode == 0, started.stdout + started.stderr
    assert "Không có Java hoặc Maven" in started.stdout
    assert "Java or Maven is missing (java, mvn)" in started.stdout
    solr = health(site)
    assert (solr["status"], solr["active"], solr["search"]) == (
        "not configured",
        False,
        "catalog",
    )
    # The catalog folds Vietnamese: "uy ban" finds "Ủy ban nhân dân tỉnh Quảng Trị".
    by_catalog = search(site, "uy ban")
    assert "Ủy ban nhân dân tỉnh Quảng Trị" in by_catalog

    started = run_script(instance, "ctl.py", "start")
    assert started.returncode == 0, started.stdout + started.stderr
    core = f"http://127.0.0.1:{instance['VNARCHIVE_SOLR_PORT']}/solr/vnarchive"
    assert f"Solr serves the vnarchive core at {core}" in started.stdout
    assert "Solr matches the catalog" in started.stdout
    solr = health(site)
    assert (solr["status"], solr["active"], solr["search"]) == ("ok", True, "solr")
    catalog = int(re.search(r"catalog (\d+), Solr before 0", started.stdout).group(1))
    assert catalog >= 19  # the demo holdings
    # Solr asks for its credentials, made at the first start, readable by their owner only.
    secret = Path(instance["VNARCHIVE_VAR"]) / "solr" / "credentials.json"
    assert secret.stat().st_mode & 0o777 == 0o600
    security = Path(instance["VNARCHIVE_VAR"]) / "solr" / "home" / "security.json"
    assert security.stat().st_mode & 0o777 == 0o600
    password = json.loads(secret.read_text())["password"]
    assert password not in security.read_text()
    count = f"{core}/select?q=*:*&rows=0&wt=json"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(count)
    assert refused.value.code == 401
    asked = urllib.request.Request(count)
    asked.add_header(
        "Authorization", solrctl.authorization(json.loads(secret.read_text()))
    )
    with urllib.request.urlopen(asked) as answer:
        assert json.loads(answer.read())["response"]["numFound"] == catalog
    # The same search, now answered by Solr, finds the same published records.
    assert search(site, "uy ban") == by_catalog
    status = run_script(instance, "ctl.py", "status")
    assert "solr: running" in status.stdout

    stopped = run_script(instance, "ctl.py", "solr-stop")
    assert "stopped solr" in stopped.stdout
    assert health(site)["status"] == "error"
