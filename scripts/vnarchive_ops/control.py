"""The actions of scripts/ctl.py: start, stop, status, render, serve-*, solr-*."""

from . import nginx
from . import postgresql
from . import processes
from . import solr
from . import workers
from .instance import render
from .settings import BIN
from .settings import client_names
from .settings import local_host
from .settings import worker_names
from .site import create_site
from pathlib import Path

import os
import sys


def components(conf):
    """What may run, in the order to stop it: configured, or found by its pidfile."""
    found = {path.stem for path in Path(conf["var"]).glob("client*.pid")}
    clients = sorted(
        found | set(client_names(conf)),
        key=lambda name: int(name[len("client") :] or 0),
        reverse=True,
    )
    found_workers = {path.stem for path in Path(conf["var"]).glob("worker*.pid")}
    worker_list = sorted(
        found_workers | set(worker_names(conf)),
        key=lambda name: int(name[len("worker") :] or 0),
        reverse=True,
    )
    return ["nginx", *worker_list, *clients, "solr", "zeoserver", "postgresql"]


def check_storage(conf):
    """Refuse to start clients of one storage beside running clients of the other."""
    marker = Path(conf["var"]) / "running-storage"
    previous = marker.read_text().strip() if marker.exists() else conf["storage"]
    if previous != conf["storage"] and any(
        processes.running(conf, name) for name in components(conf) if name != "nginx"
    ):
        sys.exit(
            f"vnarchive runs with VNARCHIVE_STORAGE={previous} in {conf['var']}; "
            "stop it first (make stop)."
        )
    marker.write_text(conf["storage"] + "\n")


def database_address(conf):
    """host:port of the database server the clients use (None: a unix socket)."""
    if conf["storage"] == "zeo":
        return conf["zeo_address"]
    return postgresql.dsn_address(postgresql.dsn(conf))


def start(conf):
    Path(conf["var"], "log").mkdir(parents=True, exist_ok=True)
    program = nginx.binary() if conf["lb"] else None
    if postgresql.is_private(conf):
        postgresql.bindir(conf)
        postgresql.account()
    check_storage(conf)
    render(conf)
    started_solr = solr.start(conf, wait=False)
    if conf["storage"] == "zeo":
        process = processes.spawn(
            conf,
            "zeoserver",
            [str(BIN / "runzeo"), "-C", f"{conf['etc']}/zeo.conf"],
            "zeo-stdout.log",
        )
        if not processes.wait_for_port(conf["zeo_address"], process=process):
            sys.exit(f"ZEO did not start; see {conf['var']}/log/zeo.log")
    elif postgresql.is_private(conf):
        postgresql.start(conf)
    create_site(conf)
    solr.configure_site(conf, started_solr)
    clients = {
        client: processes.spawn(
            conf,
            client,
            [str(BIN / "runwsgi"), f"{conf['etc']}/zope-{client}.ini"],
            f"{client}-stdout.log",
        )
        for client in client_names(conf)
    }
    for offset, client in enumerate(client_names(conf)):
        host = local_host(conf["http_host"])
        url = f"http://{host}:{conf['http_port'] + offset}/vnarchive"
        if not processes.wait_for_http(url, process=clients[client]):
            sys.exit(f"{client} did not answer; see {conf['var']}/log/{client}.log")
        print(f"vnarchive is served at {url}")
    if program:
        nginx.start(conf, program)
    workers.start(conf)


def stop(conf):
    processes.stop(conf, components(conf))


def status(conf):
    marker = Path(conf["var"]) / "running-storage"
    if marker.exists():  # what start last ran here, whatever this environment says
        conf = dict(conf, storage=marker.read_text().strip())
    configured = {
        "zeoserver": conf["storage"] == "zeo",
        "postgresql": postgresql.is_private(conf),
        "nginx": conf["lb"],
        **dict.fromkeys(client_names(conf), True),
        **dict.fromkeys(worker_names(conf), True),
        "solr": conf["solr"],
    }
    for name in reversed(components(conf)):
        pid = processes.running(conf, name)
        if pid or configured.get(name):
            print(f"{name}: {'running, pid ' + str(pid) if pid else 'stopped'}")


def serve_zeo(conf):
    """Render instance/etc and run the ZEO server in the foreground (containers, systemd)."""
    render(conf)
    runzeo = str(BIN / "runzeo")
    os.execv(runzeo, [runzeo, "-C", f"{conf['etc']}/zeo.conf"])


def _wait_for_database(conf):
    address = database_address(conf)
    if address and not processes.wait_for_port(address, seconds=300):
        sys.exit(f"The database does not answer at {address}")


def serve_client(conf):
    """Render, wait for the database, run client VNARCHIVE_CLIENT_NUMBER [1] in the foreground.

    Client 1 creates the site when it is missing; the others serve what client 1 made, so
    that several containers starting at once never race to create it.
    """
    number = int(os.environ.get("VNARCHIVE_CLIENT_NUMBER", "1"))
    conf = dict(conf, clients=max(conf["clients"], number))
    render(conf)
    _wait_for_database(conf)
    if number == 1:
        create_site(conf)
        # A Solr run elsewhere (the compose file's `solr` service), or the catalog.
        solr.configure_site(conf, (None, conf["solr_url"]))
    runwsgi = str(BIN / "runwsgi")
    os.execv(
        runwsgi, [runwsgi, f"{conf['etc']}/zope-{client_names(conf)[number - 1]}.ini"]
    )


def serve_worker(conf):
    """Render, wait for the database, run one digitization worker in the foreground.

    The worker itself waits until client 1 has created the site.
    """
    render(conf)
    _wait_for_database(conf)
    (Path(conf["var"]) / "queue").mkdir(parents=True, exist_ok=True)
    os.environ.update(workers.environment(conf))
    command = workers.command(conf)
    os.execv(command[0], command)


ACTIONS = {
    "start": start,
    "stop": stop,
    "status": status,
    "render": render,
    "serve-zeo": serve_zeo,
    "serve-client": serve_client,
    "serve-worker": serve_worker,
    "solr-start": solr.start_alone,
    "solr-stop": solr.stop_alone,
}
