"""Helpers for the tests that run vnarchive's real processes (ZEO, Zope, nginx, PostgreSQL)."""

from pathlib import Path

import os
import socket
import subprocess
import sys


ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "secret-admin"
# Settings a developer's shell may carry that must not leak into a test's instance.
INHERITED = (
    "VNARCHIVE_CLIENTS",
    "VNARCHIVE_LB",
    "VNARCHIVE_PG_DSN",
    "VNARCHIVE_DEMO",
    "VNARCHIVE_STORAGE",
    "VNARCHIVE_SOLR_URL",
    "VNARCHIVE_SOLR_PORT",
    "VNARCHIVE_REDIS_URL",
    "VNARCHIVE_QUEUE_DB",
    "VNARCHIVE_IMPORT_ROOT",
    "VNARCHIVE_LEASE_SECONDS",
    "VNARCHIVE_WORKERS",
    "VNARCHIVE_DEMO_BATCH",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count):
    """`count` consecutive free ports (the clients listen on PORT, PORT+1, ...)."""
    while True:
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first


def instance_env(base, clients=1, **settings):
    """The environment of an instance kept under `base`, on free ports."""
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env.update(
        VNARCHIVE_VAR=str(Path(base) / "var"),
        VNARCHIVE_ETC=str(Path(base) / "etc"),
        VNARCHIVE_ZEO=f"127.0.0.1:{free_port()}",
        VNARCHIVE_PORT=str(free_ports(clients)),
        VNARCHIVE_ADMIN_PASSWORD=ADMIN_PASSWORD,
        # No Solr unless a test asks for it (VNARCHIVE_SOLR="1", tests/test_solr_instance.py).
        VNARCHIVE_SOLR="0",
        VNARCHIVE_SOLR_PORT=str(free_port()),
        # No demo digitization batch either (tests/test_demo_batch.py asks for it): its files
        # would still be arriving while a test backs up or compares the site.
        VNARCHIVE_DEMO_BATCH="0",
    )
    env.update(settings)
    return env


def run_script(env, script, *args, timeout=600):
    """Run scripts/<script> with the project's Python in `env`."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
