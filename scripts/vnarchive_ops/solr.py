"""Solr beside the site: built and run here with scripts/solrctl.py (index in VAR/solr, log in
VAR/log/solr.log), or run elsewhere (VNARCHIVE_SOLR_URL); the site pointed at it
(scripts/solr_sync.py --configure), or at its catalog when there is no Solr."""

from .processes import running
from .processes import spawn
from .processes import stop as stop_processes
from .processes import wait_for_port
from .settings import local_host
from .site import zconsole
from pathlib import Path

import os
import solrctl  # scripts/solrctl.py, beside this package
import subprocess
import sys


def start(conf, wait=True):
    """Build and start Solr unless it is off; returns (process or None, core URL or "")."""
    if conf["solr_url"]:
        return None, conf["solr_url"]
    if not conf["solr"]:
        return None, ""
    missing = solrctl.missing_tools()
    if missing:
        print(solrctl.MISSING.format(missing=", ".join(missing)))
        return None, ""
    try:
        solrctl.build()
    except RuntimeError as error:
        print(error)
        return None, ""
    var = Path(conf["var"])
    (var / "solr").mkdir(parents=True, exist_ok=True)
    address = f"{local_host(conf['solr_host'])}:{conf['solr_port']}"
    if not running(conf, "solr") and wait_for_port(address, seconds=0.1):
        print(
            f"Cổng {address} đang bị chiếm: Solr không khởi động được; tìm kiếm dùng danh mục. "
            f"Đặt VNARCHIVE_SOLR_PORT khác. / Port {address} is taken: Solr cannot start and "
            "search uses the catalog. Set another VNARCHIVE_SOLR_PORT."
        )
        return None, ""
    solrctl.secure(var / "solr")
    process = spawn(
        conf,
        "solr",
        solrctl.command(conf["solr_port"], var / "solr", conf["solr_host"]),
        "solr.log",
    )
    url = solrctl.core_url(conf["solr_port"], conf["solr_host"])
    if wait and not wait_until_ready(conf, process, url):
        return None, ""
    return process, url


def credentials_environment(conf):
    """Environment that gives the site Solr's credentials (the file made by solrctl.secure
    for a Solr started here; the operator's variables for a Solr run elsewhere)."""
    if conf["solr_url"]:
        return {}
    return {
        "VNARCHIVE_SOLR_CREDENTIALS": str(
            Path(conf["var"]) / "solr" / "credentials.json"
        )
    }


def secret(conf):
    """{"login", "password"} of Solr, or None when there are none."""
    env = dict(os.environ, **credentials_environment(conf))
    if env.get("VNARCHIVE_SOLR_LOGIN") and env.get("VNARCHIVE_SOLR_PASSWORD"):
        return {
            "login": env["VNARCHIVE_SOLR_LOGIN"],
            "password": env["VNARCHIVE_SOLR_PASSWORD"],
        }
    login, password = solrctl.read_credentials(
        env.get("VNARCHIVE_SOLR_CREDENTIALS", "")
    )
    return {"login": login, "password": password} if login and password else None


def wait_until_ready(conf, process, url):
    """Wait until the core at `url` answers; say so either way."""
    if solrctl.wait(url, seconds=180, process=process, secret=secret(conf)):
        print(f"Solr serves the vnarchive core at {url}")
        return True
    print(
        f"Solr không trả lời tại {url}: tìm kiếm dùng danh mục của Plone; xem "
        f"{conf['var']}/log/solr.log. / Solr does not answer at {url}: search uses the "
        f"Plone catalog; see {conf['var']}/log/solr.log."
    )
    return False


def configure_site(conf, started):
    """Point the site at Solr (or at nothing) and let Solr catch up with the catalog.

    `started` is what `start` returned: (process or None, core URL or "")."""
    process, url = started
    if not conf["solr"] and not conf["solr_url"]:
        return  # VNARCHIVE_SOLR=0: Solr is not managed here; the site's settings stay
    if url and not wait_until_ready(conf, process, url):
        url = ""
    done = subprocess.run(
        zconsole(conf, "solr_sync.py", "--configure"),
        env=dict(os.environ, VNARCHIVE_SOLR_URL=url, **credentials_environment(conf)),
    )
    if done.returncode not in (0, 1):
        print("Solr: the site searches its catalog (see above).")


def start_alone(conf):
    """Start Solr alone (make solr-start) and wait until it answers."""
    Path(conf["var"], "log").mkdir(parents=True, exist_ok=True)
    if conf["solr_url"] or not conf["solr"]:
        sys.exit("Solr is off here (VNARCHIVE_SOLR=0 or VNARCHIVE_SOLR_URL is set).")
    _process, url = start(conf)
    if not url:
        sys.exit(1)


def stop_alone(conf):
    """Stop Solr alone (make solr-stop): SIGTERM, the core closes cleanly."""
    stop_processes(conf, ["solr"])
