"""The digitization workers (scripts/worker.py): Zope clients of the same database that consume
the task queue, pids in VAR/workerN.pid, logs in VAR/log/workerN.log."""

from .processes import alive
from .processes import spawn
from .settings import BIN
from .settings import client_conf
from .settings import SCRIPTS
from .settings import worker_names
from pathlib import Path

import os
import sys
import time


def command(conf):
    return [
        str(BIN / "python"),
        str(SCRIPTS / "worker.py"),
        "--conf",
        client_conf(conf),
    ]


def environment(conf):
    """What a worker needs in its environment beside the operator's."""
    return {"VNARCHIVE_VAR": conf["var"], "OMP_THREAD_LIMIT": "1"}


def start(conf):
    """Start VNARCHIVE_WORKERS workers; they share the clients' database and the queue."""
    names = worker_names(conf)
    if not names:
        return
    (Path(conf["var"]) / "queue").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, **environment(conf))
    started = {
        name: spawn(conf, name, command(conf), f"{name}.log", env=env) for name in names
    }
    started = {name: process for name, process in started.items() if process}
    if started:
        time.sleep(1)
    dead = [name for name, process in started.items() if not alive(process)]
    if dead:
        sys.exit(
            f"{', '.join(dead)} stopped at once; see {conf['var']}/log/{dead[0]}.log"
        )
    queue = (os.environ.get("VNARCHIVE_REDIS_URL") and "Redis") or "VAR/queue/huey.db"
    print(f"{len(names)} digitization workers run (queue: {queue})")
