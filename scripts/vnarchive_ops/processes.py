"""Processes run in the background, each known by its pidfile VAR/<name>.pid."""

from .settings import local_host
from pathlib import Path

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request


# How each process is stopped: [(send, signal, seconds to wait)], SIGKILL after the last.
# The PostgreSQL postmaster: fast shutdown (SIGINT), which stops its own processes; then
# immediate shutdown (SIGQUIT). The others: SIGTERM to their process group.
POSTGRESQL_SHUTDOWN = [(os.kill, signal.SIGINT, 60), (os.kill, signal.SIGQUIT, 10)]
DEFAULT_SHUTDOWN = [(os.killpg, signal.SIGTERM, 10)]
SHUTDOWN = {"postgresql": POSTGRESQL_SHUTDOWN}


def pidfile(conf, name):
    return Path(conf["var"]) / f"{name}.pid"


def running(conf, name):
    """The pid of `name` when it runs; a stale pidfile is removed."""
    path = pidfile(conf, name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None


def recorded(conf, keep=()):
    """(name, pid) of every process recorded in VAR/*.pid that still runs, but those
    whose name starts with one of `keep`."""
    found = []
    for path in sorted(Path(conf["var"]).glob("*.pid")):
        if path.stem.startswith(keep):
            continue
        try:
            pid = int(path.read_text().strip())
            os.kill(pid, 0)
        except (ValueError, OSError):
            continue
        found.append((path.stem, pid))
    return found


def alive(process):
    """True while `process` (a Popen, or None for one started elsewhere) runs."""
    return process is None or process.poll() is None


def gone(pid):
    """True when `pid` has exited, even if its new parent has not reaped it yet."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "Z"  # a zombie


def wait_for_port(address, seconds=60, process=None):
    """Wait until host:port accepts connections; False when time runs out or `process` ends."""
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive(process):
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((local_host(host), int(port))) == 0:
                return True
        time.sleep(0.2)
    return False


def wait_for_http(url, seconds=120, process=None):
    """Wait until `url` answers HTTP at all; False when time runs out or `process` ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive(process):
        try:
            with urllib.request.urlopen(url, timeout=10):
                return True
        except urllib.error.HTTPError:
            return True  # Zope answers; the page itself may need a login
        except OSError:
            time.sleep(0.3)
    return False


def spawn(conf, name, command, log, **popen):
    """Start `command` as a child in its own session, its pid in VAR/<name>.pid, its output
    appended to VAR/log/<log>.

    Returns the process, or None when `name` already runs."""
    if running(conf, name):
        print(f"{name} is already running.")
        return None
    with open(Path(conf["var"]) / "log" / log, "ab") as out:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **popen,
        )
    pidfile(conf, name).write_text(str(process.pid))
    return process


def stop(conf, names):
    """Stop the processes `names` that run, in this order (SHUTDOWN says how); print each."""
    for name in names:
        pid = running(conf, name)
        if pid is None:
            continue
        for send, signum, seconds in SHUTDOWN.get(name, DEFAULT_SHUTDOWN):
            try:
                send(pid, signum)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not gone(pid):
                time.sleep(0.1)
            if gone(pid):
                break
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        pidfile(conf, name).unlink(missing_ok=True)
        print(f"stopped {name}")
