"""A digitization worker: a Zope client of the site's database that consumes the queue.

    python scripts/worker.py [--conf instance/etc/zope-client1.conf] [--burst]

It loads the instance's zope.conf as `zconsole` does (ZEO or RelStorage, the same
database as the web clients), opens the site, and takes messages from the queue one at a
time: one process works on one page, so pages run in parallel across processes (one per
core; `scripts/ctl.py start` starts VNARCHIVE_WORKERS of them). Tesseract runs with
OMP_THREAD_LIMIT=1.

While idle it sweeps: pages whose worker died (their lease expired) and messages that were
lost go back to the queue. A heartbeat in the queue's key-value store tells the health
check and the importer that it is alive. SIGTERM or SIGINT stops it after the current job.
`--burst` stops it when the queue is empty and no batch has open work (tests, cron).
"""

from pathlib import Path
from Testing.makerequest import makerequest
from vnarchive.digitization import batches
from vnarchive.digitization import jobs
from vnarchive.digitization import queue
from vnarchive.digitization.signatures import work as signature_work

# The jobs register by name (jobs.job) when their modules load: this worker runs them.
from vnarchive.digitization.tasks import batch_import  # noqa: F401
from vnarchive.digitization.tasks import build  # noqa: F401
from vnarchive.digitization.tasks import copies  # noqa: F401
from vnarchive.digitization.tasks import page  # noqa: F401
from vnarchive.digitization.tasks import sign  # noqa: F401
from vnarchive.digitization.tasks import sweep  # noqa: F401
from vnarchive.digitization.tasks import upload  # noqa: F401
from vnarchive.digitization.tasks import verify  # noqa: F401
from vnarchive.digitization.tasks.transactions import acting_as
from zope.component.hooks import setSite
from zope.globalrequest import setRequest
from Zope2.Startup.run import make_wsgi_app

import argparse
import logging
import os
import signal
import sys
import threading
import time
import traceback
import transaction
import Zope2


logger = logging.getLogger("vnarchive.digitization.worker")

SITE_ID = os.environ.get("VNARCHIVE_SITE_ID", "vnarchive")
POLL = 0.5  # seconds between looks at an empty queue
BEAT = 10.0  # seconds between heartbeats
SWEEP = float(os.environ.get("VNARCHIVE_SWEEP_SECONDS", "15"))

_current = {}


def _say(job):
    """Tell at once what this worker does (the health check, the importer, tests)."""
    if job == "sweep" or not _current.get("id"):
        return
    try:
        queue.beat(_current["id"], pid=os.getpid(), job=_current.get("job"))
    except Exception:
        logger.warning("heartbeat failed", exc_info=True)


def run_job(job, args):
    """Called by the queue's task in this worker: run `job` on the site."""
    site = _current["site"]
    func = jobs.lookup(job)
    if func is None:
        logger.error("unknown job %s %s", job, args)
        return None
    _current["job"] = f"{job} {' '.join(str(arg) for arg in args)}"
    _say(job)
    started = time.monotonic()
    try:
        with acting_as(site):
            outcome = func(site, *args, worker=_current["id"])
    finally:
        _current["job"] = None
        _say(job)
    quiet = job == "sweep" and not any((outcome or {}).values())
    logger.log(
        logging.DEBUG if quiet else logging.INFO,
        "%s %s: %s (%.1f s)",
        job,
        args,
        outcome,
        time.monotonic() - started,
    )
    return outcome


jobs.set_runner(run_job)


def open_site(conf):
    """Start Zope from `conf` (no server) and return the site, with a request around it."""
    make_wsgi_app({}, str(conf))
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    deadline = time.monotonic() + 300
    while SITE_ID not in app.objectIds():
        if time.monotonic() > deadline:
            sys.exit(f"There is no site '{SITE_ID}' in the database.")
        transaction.abort()
        app._p_jar.sync()
        time.sleep(2)
    site = app[SITE_ID]
    setSite(site)
    transaction.abort()
    return app, site


class _Beat(threading.Thread):
    """Writes this worker's heartbeat every BEAT seconds, also during a long job."""

    def __init__(self, identifier):
        super().__init__(daemon=True)
        self.identifier = identifier
        self.stop = threading.Event()

    def run(self):
        while True:
            try:
                queue.beat(
                    self.identifier,
                    pid=os.getpid(),
                    job=_current.get("job"),
                    started=_current.get("started"),
                )
            except Exception:
                logger.warning("heartbeat failed", exc_info=True)
            if self.stop.wait(BEAT):
                return


def _open_work(site):
    return signature_work.has_open(site) or any(
        batch.state in batches.UNFINISHED and not batch.validate_only
        for batch in batches.all_batches(site)
    )


def serve(site, burst=False, identifier=None):
    """Consume the queue until stopped (or, with `burst`, until nothing is left)."""
    identifier = identifier or queue.worker_id()
    _current.update(site=site, id=identifier, started=time.time(), job=None)
    huey = queue.get_huey()
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    beat = _Beat(identifier)
    beat.start()
    print(
        f"worker {identifier}: queue {queue.describe()}, site {site.getId()}",
        flush=True,
    )
    last_sweep = 0.0
    idle_since = None
    try:
        while not stopping.is_set():
            message = huey.dequeue()
            if message is None:
                now = time.time()
                if now - last_sweep >= SWEEP or idle_since is None:
                    last_sweep = now
                    try:
                        run_job("sweep", ())
                    except Exception:
                        transaction.abort()
                        logger.exception("sweep failed")
                idle_since = idle_since or time.monotonic()
                if burst and time.monotonic() - idle_since > 1.0:
                    transaction.begin()
                    busy = _open_work(site)
                    transaction.abort()
                    if not busy:
                        break
                stopping.wait(POLL)
                continue
            idle_since = None
            try:
                huey.execute(message)
            except Exception:
                logger.error("job failed:\n%s", traceback.format_exc())
            finally:
                transaction.abort()
                site._p_jar.cacheGC()
    finally:
        beat.stop.set()
        beat.join(timeout=5)
        try:
            queue.forget_worker(identifier)
        except Exception:
            logger.warning("could not remove the heartbeat", exc_info=True)
    print(f"worker {identifier} stopped", flush=True)


def arguments(argv):
    default = (
        Path(os.environ.get("VNARCHIVE_ETC", "instance/etc")) / "zope-client1.conf"
    )
    parser = argparse.ArgumentParser(prog="worker", description=__doc__)
    parser.add_argument("--conf", default=str(default), help="zope.conf to load")
    parser.add_argument(
        "--burst",
        action="store_true",
        help="stop when the queue is empty and no batch has open work",
    )
    return parser.parse_args(argv)


def main(argv=None):
    options = arguments(sys.argv[1:] if argv is None else argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stdout,
    )
    if not Path(options.conf).exists():
        sys.exit(
            f"No {options.conf}: run `make start` (or scripts/ctl.py render) first."
        )
    _app, site = open_site(options.conf)

    serve(site, burst=options.burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
