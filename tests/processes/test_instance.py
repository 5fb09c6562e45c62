"""`make start` for real: a ZEO server, a Zope client over it, the site, the demo, restarts."""

from pathlib import Path
from processes import ADMIN_PASSWORD
from processes import instance_env
from processes import run_script

import pytest
import requests


@pytest.fixture
def instance(tmp_path):
    env = instance_env(tmp_path)

    def ctl(action):
        return run_script(env, "ctl.py", action)

    yield env, ctl
    ctl("stop")


def test_start_serves_the_site_over_zeo_and_keeps_data_across_restarts(instance):
    env, ctl = instance
    started = ctl("start")
    assert started.returncode == 0, started.stdout + started.stderr
    site = f"http://127.0.0.1:{env['VNARCHIVE_PORT']}/vnarchive"
    assert f"served at {site}" in started.stdout
    assert "Loaded 19 demo records" in started.stdout
    assert Path(env["VNARCHIVE_VAR"], "filestorage", "Data.fs").exists()
    assert "<zeoclient>" in Path(env["VNARCHIVE_ETC"], "zope-client1.conf").read_text()

    admin = ("admin", ADMIN_PASSWORD)
    json = {"Accept": "application/json"}
    home = requests.get(site, timeout=60)
    assert home.status_code == 200
    found = requests.get(
        f"{site}/@search", params={"portal_type": "Fonds"}, headers=json, timeout=60
    )
    assert (
        found.json()["items_total"] == 1
    )  # the published demo fonds, seen by Anonymous
    fonds = found.json()["items"][0]["@id"]
    created = requests.post(
        fonds,
        json={
            "@type": "Dossier",
            "title": "Hồ sơ sau khởi động",
            "fileYear": 2023,
            "fileNumber": "09.NV",
        },
        headers=json,
        auth=admin,
        timeout=60,
    )
    assert created.status_code == 201, created.text

    stopped = ctl("stop")
    assert "stopped client1" in stopped.stdout
    assert "stopped zeoserver" in stopped.stdout
    restarted = ctl("start")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "exists; its data is kept" in restarted.stdout
    again = requests.get(created.json()["@id"], headers=json, auth=admin, timeout=60)
    assert again.status_code == 200
    assert again.json()["fileCode"] == "000.00.00.H56.2023.09.NV"
    dossiers = requests.get(
        f"{site}/@search",
        params={"portal_type": "Dossier"},
        headers=json,
        auth=admin,
        timeout=60,
    )
    assert (
        dossiers.json()["items_total"] == 7
    )  # six demo dossiers, not loaded twice, and ours
