"""Start and stop vnarchive on one machine: a ZEO server and Zope clients.

    python scripts/ctl.py start     render instance/etc, start ZEO, create the site, start a client
    python scripts/ctl.py stop      stop what start started
    python scripts/ctl.py status
    python scripts/ctl.py render        only render instance/etc
    python scripts/ctl.py serve-zeo     render, then run ZEO in the foreground (containers)
    python scripts/ctl.py serve-client  render, wait for ZEO, create the site, run client1 in
                                        the foreground (containers)

Settings come from the environment (defaults in brackets): VNARCHIVE_VAR [instance/var],
VNARCHIVE_ZEO [127.0.0.1:8100], VNARCHIVE_HOST [127.0.0.1], VNARCHIVE_PORT [8080],
VNARCHIVE_CLIENTS [1] (clients listen on PORT, PORT+1, ...), VNARCHIVE_ADMIN_PASSWORD [admin],
VNARCHIVE_DEMO [1] (load the demo holdings when the site is created).
Running start again reuses the data; nothing here ever deletes it.
"""

from pathlib import Path
from string import Template

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
INSTANCE = ROOT / "instance"


def settings():
    env = os.environ
    var = Path(env.get("VNARCHIVE_VAR", INSTANCE / "var")).resolve()
    return {
        "instance": str(INSTANCE),
        "var": str(var),
        "etc": str(Path(env.get("VNARCHIVE_ETC", INSTANCE / "etc")).resolve()),
        "zeo_address": env.get("VNARCHIVE_ZEO", "127.0.0.1:8100"),
        "http_host": env.get("VNARCHIVE_HOST", "127.0.0.1"),
        "http_port": int(env.get("VNARCHIVE_PORT", "8080")),
        "clients": int(env.get("VNARCHIVE_CLIENTS", "1")),
    }


def client_names(conf):
    return [f"client{number}" for number in range(1, conf["clients"] + 1)]


def render(conf):
    etc, var = Path(conf["etc"]), Path(conf["var"])
    etc.mkdir(parents=True, exist_ok=True)
    for sub in ("filestorage", "blobstorage", "log", "cache"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    (var / "blobstorage").chmod(0o700)
    (etc / "zeo.conf").write_text(
        Template((INSTANCE / "zeo.conf.in").read_text()).substitute(conf)
    )
    for offset, client in enumerate(client_names(conf)):
        values = dict(conf, client=client, http_port=conf["http_port"] + offset)
        (var / client).mkdir(exist_ok=True)
        for name in ("zope.conf", "zope.ini"):
            stem, suffix = name.split(".")
            text = Template((INSTANCE / f"{name}.in").read_text()).substitute(values)
            (etc / f"{stem}-{client}.{suffix}").write_text(text)


def _pidfile(conf, name):
    return Path(conf["var"]) / f"{name}.pid"


def _running(conf, name):
    path = _pidfile(conf, name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None


def _wait_for_port(address, seconds=60):
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((host, int(port))) == 0:
                return True
        time.sleep(0.2)
    return False


def _wait_for_http(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return True
        except urllib.error.HTTPError:
            return True  # Zope answers; the page itself may need a login
        except OSError:
            time.sleep(0.3)
    return False


def _spawn(conf, name, command, log):
    if _running(conf, name):
        print(f"{name} is already running.")
        return
    with open(Path(conf["var"]) / "log" / log, "ab") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    _pidfile(conf, name).write_text(str(process.pid))


def _create_site(conf):
    """Create the site with the demo holdings through the first client, unless it exists."""
    first = client_names(conf)[0]
    subprocess.run(
        [
            str(BIN / "zconsole"),
            "run",
            f"{conf['etc']}/zope-{first}.conf",
            str(ROOT / "scripts" / "create_site.py"),
        ],
        check=True,
        env=dict(
            os.environ,
            VNARCHIVE_DEMO_FILE=str(ROOT / "profiles" / "demo" / "holdings.json"),
        ),
    )


def start(conf):
    render(conf)
    _spawn(
        conf,
        "zeoserver",
        [str(BIN / "runzeo"), "-C", f"{conf['etc']}/zeo.conf"],
        "zeo-stdout.log",
    )
    if not _wait_for_port(conf["zeo_address"]):
        sys.exit(f"ZEO did not start; see {conf['var']}/log/zeo.log")
    _create_site(conf)
    for offset, client in enumerate(client_names(conf)):
        _spawn(
            conf,
            client,
            [str(BIN / "runwsgi"), f"{conf['etc']}/zope-{client}.ini"],
            f"{client}-stdout.log",
        )
        url = f"http://{conf['http_host']}:{conf['http_port'] + offset}/vnarchive"
        if not _wait_for_http(url):
            sys.exit(f"{client} did not answer; see {conf['var']}/log/{client}.log")
        print(f"vnarchive is served at {url}")


def stop(conf):
    for name in [*reversed(client_names(conf)), "zeoserver"]:
        pid = _running(conf, name)
        if pid is None:
            continue
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            if _running(conf, name) is None:
                break
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
        _pidfile(conf, name).unlink(missing_ok=True)
        print(f"stopped {name}")


def status(conf):
    for name in ["zeoserver", *client_names(conf)]:
        pid = _running(conf, name)
        print(f"{name}: {'running, pid ' + str(pid) if pid else 'stopped'}")


def serve_zeo(conf):
    """Render instance/etc and run the ZEO server in the foreground (containers, systemd)."""
    render(conf)
    runzeo = str(BIN / "runzeo")
    os.execv(runzeo, [runzeo, "-C", f"{conf['etc']}/zeo.conf"])


def serve_client(conf):
    """Render, wait for ZEO, create the site unless it exists, run client1 in the foreground."""
    render(conf)
    if not _wait_for_port(conf["zeo_address"], seconds=300):
        sys.exit(f"ZEO does not answer at {conf['zeo_address']}")
    _create_site(conf)
    runwsgi = str(BIN / "runwsgi")
    os.execv(runwsgi, [runwsgi, f"{conf['etc']}/zope-{client_names(conf)[0]}.ini"])


ACTIONS = {
    "start": start,
    "stop": stop,
    "status": status,
    "render": render,
    "serve-zeo": serve_zeo,
    "serve-client": serve_client,
}

if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    ACTIONS[action](settings())
