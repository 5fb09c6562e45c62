"""The task queue of the digitization workers (huey).

Embedded by default: a SQLite file, `VAR/queue/huey.db`, that the web clients and the workers
of this machine share (no extra server). With `VNARCHIVE_REDIS_URL` (e.g.
`redis://10.0.0.5:6379/0`) the queue is in Redis, and workers may run on several machines.

The queue carries hints, not state: a message says "process page 7 of batch X" or "build
document D"; what is to be done, by whom and how far it got lives in the batch in the ZODB
(`batches.py`). A lost message is found again by the sweeper, a duplicate one finds its page
done or leased to someone else and does nothing.

Workers also publish a heartbeat here (`heartbeat:<worker id>` in huey's key-value store),
which the "workers" health check and the importer's progress bar read.

Settings: VNARCHIVE_REDIS_URL; VNARCHIVE_QUEUE_DB (the SQLite file; default
VAR/queue/huey.db, VAR being VNARCHIVE_VAR, which the instance's zope.conf sets).
"""

from huey import PriorityRedisHuey
from huey import SqliteHuey
from pathlib import Path
from urllib.parse import urlsplit
from vnarchive.digitization import jobs

import contextlib
import logging
import os
import socket
import threading
import time
import transaction


logger = logging.getLogger("vnarchive.digitization")

QUEUE_NAME = "vnarchive"
TASK_NAME = "vnarchive.digitization"
HEARTBEAT_PREFIX = "heartbeat:"
# A worker that has not written a heartbeat for this long is taken for dead.
WORKER_SILENCE = 60.0

# Priorities: higher runs first. Finishing a document beats starting pages of another.
PRIORITY_IMPORT = 30
PRIORITY_BUILD = 20
PRIORITY_PAGE = 10
PRIORITY_SWEEP = 40


class QueueNotConfigured(RuntimeError):
    """Neither Redis nor a place for the SQLite queue is known."""


_lock = threading.Lock()
_instances = {}
_jobs = {}


def var_dir():
    """VNARCHIVE_VAR: set by the instance's zope.conf (<environment>), or by hand."""
    configured = os.environ.get("VNARCHIVE_VAR", "").strip()
    return Path(configured).resolve() if configured else None


def settings():
    """{"backend": "redis", "url": ...} or {"backend": "sqlite", "path": ...}."""
    url = os.environ.get("VNARCHIVE_REDIS_URL", "").strip()
    if url:
        return {"backend": "redis", "url": url}
    path = os.environ.get("VNARCHIVE_QUEUE_DB", "").strip()
    if not path:
        var = var_dir()
        if var is None:
            raise QueueNotConfigured(
                "No queue: set VNARCHIVE_REDIS_URL, VNARCHIVE_QUEUE_DB or VNARCHIVE_VAR"
            )
        path = var / "queue" / "huey.db"
    return {"backend": "sqlite", "path": str(path)}


def configured():
    """True when a queue is set up: Redis, or the SQLite file exists."""
    try:
        config = settings()
    except QueueNotConfigured:
        return False
    return config["backend"] == "redis" or Path(config["path"]).exists()


def describe(config=None):
    """Where the queue is, for people (the Redis URL without its password)."""
    config = config or settings()
    if config["backend"] == "sqlite":
        return f"SQLite {config['path']}"
    parts = urlsplit(config["url"])
    host = parts.hostname or "localhost"
    return f"Redis {host}:{parts.port or 6379}{parts.path or ''}"


def _dispatch(job, *args):
    """The one huey task: run job `job` by its name (see jobs.py)."""
    return jobs.dispatch(job, args)


def get_huey():
    """The huey of the current settings (one per backend and location, per process)."""
    config = settings()
    key = tuple(sorted(config.items()))
    with _lock:
        huey = _instances.get(key)
        if huey is None:
            if config["backend"] == "redis":
                huey = PriorityRedisHuey(
                    QUEUE_NAME, url=config["url"], results=False, read_timeout=1
                )
            else:
                Path(config["path"]).parent.mkdir(parents=True, exist_ok=True)
                huey = SqliteHuey(
                    QUEUE_NAME, filename=config["path"], results=False, timeout=30
                )
            huey.vnarchive_task = huey.task(name=TASK_NAME)(_dispatch)
            _instances[key] = huey
    return huey


def reset():
    """Forget the queue instances (tests change the settings)."""
    with _lock:
        for huey in _instances.values():
            with contextlib.suppress(Exception):  # closing is best effort
                huey.storage.close()
        _instances.clear()


def _task(job, args, priority):
    return get_huey().vnarchive_task.s(job, *args, priority=priority)


def enqueue_now(job, *args, priority=PRIORITY_PAGE):
    """Put a message on the queue at once (callers outside a ZODB transaction)."""
    get_huey().enqueue(_task(job, args, priority))


def enqueue(job, *args, priority=PRIORITY_PAGE):
    """Put a message on the queue when the current ZODB transaction commits.

    A message about data that was never committed would send a worker looking for
    nothing; one sent after the commit always finds what it names.
    """
    current = transaction.get()

    def send(committed):
        if committed:
            try:
                enqueue_now(job, *args, priority=priority)
            except Exception:
                # The batch keeps the work; the sweeper enqueues it again.
                logger.exception("could not enqueue %s %s", job, args)

    current.addAfterCommitHook(send)


def length():
    """Messages waiting in the queue."""
    return len(get_huey())


def flush():
    """Drop every waiting message (tests; the batches keep the work)."""
    get_huey().storage.flush_queue()


# ---- Worker heartbeats ----


def worker_id():
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(identifier, **info):
    """Record that worker `identifier` is alive (and what it does)."""
    info.update(time=time.time(), worker=identifier)
    get_huey().put(HEARTBEAT_PREFIX + identifier, info)


def forget_worker(identifier):
    get_huey().delete(HEARTBEAT_PREFIX + identifier)


def heartbeats():
    """{worker id: last heartbeat info} of every worker that wrote one."""
    huey = get_huey()
    found = {}
    for key, value in huey.storage.result_items().items():
        key = key.decode() if isinstance(key, bytes) else key
        if not key.startswith(HEARTBEAT_PREFIX):
            continue
        try:
            info = huey.serializer.deserialize(value)
        except Exception:  # noqa: S112 - a damaged entry is no worker
            continue
        found[key[len(HEARTBEAT_PREFIX) :]] = info
    return found


def live_workers(within=WORKER_SILENCE):
    """Heartbeats seen in the last `within` seconds."""
    now = time.time()
    return {
        identifier: info
        for identifier, info in heartbeats().items()
        if now - info.get("time", 0) <= within
    }


# ---- Health checks (IHealthCheck utilities "queue" and "workers") ----


class QueueHealth:
    """The queue answers; its length (a number of messages, not of records)."""

    def __call__(self, site):
        if not configured():
            return {"status": "not configured"}
        started = time.perf_counter()
        size = length()
        return {
            "status": "ok",
            "backend": settings()["backend"],
            "length": size,
            "answered_ms": round((time.perf_counter() - started) * 1000, 1),
        }


class WorkersHealth:
    """At least one worker wrote a heartbeat in the last WORKER_SILENCE seconds."""

    def __call__(self, site):
        if not configured():
            return {"status": "not configured"}
        seen = heartbeats()
        if not seen:
            # No worker ever ran against this queue: not set up (VNARCHIVE_WORKERS=0).
            return {"status": "not configured"}
        now = time.time()
        alive = [
            info
            for info in seen.values()
            if now - info.get("time", 0) <= WORKER_SILENCE
        ]
        return {
            "status": "ok" if alive else "error",
            "alive": len(alive),
            "within_seconds": int(WORKER_SILENCE),
        }
