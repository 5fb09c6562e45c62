"""The load balancer: Debian's nginx in round robin over the Zope clients
(instance/nginx.conf.in; pid, temporary files and logs under VAR)."""

from .processes import running
from .processes import spawn
from .processes import wait_for_http
from .settings import local_host
from .templates import render_template
from pathlib import Path

import grp
import os
import pwd
import shutil
import signal
import subprocess
import sys


def binary():
    """The nginx program; exits with how to get it when it is missing."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        sys.exit(
            "nginx is not installed: run `make system` as root (apt-get install nginx); "
            "or set VNARCHIVE_LB=0 to start the clients without a load balancer."
        )
    return found


def render(conf):
    """Write ETC/nginx.conf: an upstream with every client."""
    var = Path(conf["var"])
    (var / "nginx").mkdir(parents=True, exist_ok=True)
    host = local_host(conf["http_host"])
    servers = "\n".join(
        f"        server {host}:{conf['http_port'] + offset} max_fails=1 fail_timeout=10s;"
        for offset in range(conf["clients"])
    )
    if os.geteuid() == 0:
        # nginx's workers run as the owner of VAR (as the Zope clients do), not as `nobody`.
        owner = var.stat()
        user = (
            f"user {pwd.getpwuid(owner.st_uid).pw_name} "
            f"{grp.getgrgid(owner.st_gid).gr_name};"
        )
    else:
        user = (
            "# (no `user`: not started as root, nginx runs as the user who starts it)"
        )
    text = render_template(
        "nginx.conf.in", dict(conf, upstream_servers=servers, user_directive=user)
    )
    (Path(conf["etc"]) / "nginx.conf").write_text(text)


def start(conf, nginx):
    """Run `nginx` (the program) on ETC/nginx.conf, or make a running one re-read it; wait
    until the site answers through it."""
    var = Path(conf["var"])
    command = [
        nginx,
        "-p",
        f"{var / 'nginx'}/",
        "-c",
        f"{conf['etc']}/nginx.conf",
        "-e",
        str(var / "log" / "nginx-error.log"),
    ]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        sys.exit(f"nginx refuses {conf['etc']}/nginx.conf:\n{checked.stderr}")
    pid = running(conf, "nginx")
    if pid:
        # Already running: re-read the configuration (the clients may have changed).
        os.kill(pid, signal.SIGHUP)
        print("nginx is already running; it re-reads its configuration.")
        process = None
    else:
        process = spawn(conf, "nginx", command, "nginx-stdout.log")
    url = f"http://{local_host(conf['lb_host'])}:{conf['lb_port']}/vnarchive"
    if not wait_for_http(url, 60, process):
        sys.exit(f"nginx did not answer at {url}; see {var}/log/nginx-error.log")
    print(f"The load balancer serves vnarchive at {url}")
