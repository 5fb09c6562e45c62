"""The jobs' transactions: write (commit, retried on conflict), read (abort), act as someone.

A job keeps no ZODB transaction open while it does CPU work; `Heartbeat` extends its lease
meanwhile from a second connection, so that it does not look like a dead worker.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.users import UnrestrictedUser
from contextlib import contextmanager
from vnarchive.digitization import batches as model
from ZODB.POSException import ConflictError

import logging
import random
import threading
import time
import transaction


logger = logging.getLogger("vnarchive.digitization")

ACTOR = "vnarchive-digitization"  # the journal's name for what the workers do
WRITE_ATTEMPTS = 6


def write(func, attempts=WRITE_ATTEMPTS):
    """Run `func` in a fresh transaction and commit; retry it on ConflictError."""
    for attempt in range(attempts):
        transaction.begin()
        try:
            result = func()
            transaction.commit()
            return result
        except ConflictError:
            transaction.abort()
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))  # noqa: S311
        except BaseException:
            transaction.abort()
            raise
    return None


def read(func):
    """Run `func` in a fresh transaction and abort it (nothing held afterwards)."""
    transaction.begin()
    try:
        return func()
    finally:
        transaction.abort()


class _System(UnrestrictedUser):
    def getId(self):
        return self.getUserName()


@contextmanager
def acting_as(site, userid=None):
    """Act as `userid` (the batch's creator) when it exists, else as the workers."""
    previous = getSecurityManager()
    user = None
    if userid:
        user = site.acl_users.getUserById(userid)
        if user is not None:
            user = user.__of__(site.acl_users)
    if user is None:
        user = _System(ACTOR, "", ("Manager",), ()).__of__(site.acl_users)
    newSecurityManager(None, user)
    try:
        yield
    finally:
        setSecurityManager(previous)


class Heartbeat:
    """Extends a page's lease while its CPU work runs (a second connection, own transactions)."""

    def __init__(self, site, batch_id, key, token):
        self.db = site._p_jar.db()
        self.path = site.getPhysicalPath()
        self.batch_id, self.key, self.token = (
            batch_id,
            key,
            token,
        )  # key None: the batch
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)

    def run(self):
        interval = max(model.lease_seconds() / 3, 1.0)
        while not self.stop.wait(interval):
            manager = transaction.TransactionManager()
            connection = self.db.open(transaction_manager=manager)
            try:
                manager.begin()
                app = connection.root()["Application"]
                site = app.unrestrictedTraverse("/".join(self.path[1:]))
                batch = model.get_batch(site, self.batch_id)
                if batch is not None and self.key is not None:
                    page = batch.pages.get(self.key)
                else:
                    page = batch
                if page is None or not page.extend(self.token):
                    manager.abort()
                    return
                manager.commit()
            except ConflictError:
                manager.abort()
            except Exception:
                manager.abort()
                logger.warning("heartbeat failed", exc_info=True)
            finally:
                connection.close()
