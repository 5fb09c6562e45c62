"""One task of the ledger (`signatures.work`) as the "sign" and "copy" jobs run it.

A job claims its task with a lease in one transaction, does the slow work outside any
transaction, and saves in another; then the task is done, sent again (a problem that may
go away by itself: the timestamp authority or the token away) or failed for good with a
reason people read. What differs per job is `claim`, `run` and `_give_up`.
"""

from vnarchive.digitization.signatures import work
from vnarchive.digitization.tasks.transactions import acting_as
from vnarchive.digitization.tasks.transactions import write


class LedgerTask:
    def __init__(self, site, uid, key):
        self.site = site
        self.uid = uid
        self.key = key
        self.outcome = "skipped"

    def claim(self, worker):
        """What `run` needs (with `.token` and `.requested_by`), or None (see `outcome`)."""
        raise NotImplementedError

    def run(self, claimed):
        raise NotImplementedError

    def _give_up(self, reason):
        """The task fails for good: say why where people look (journal, register)."""
        raise NotImplementedError

    def _again(self, claimed, reason):
        task = write(lambda: work.again(self.site, self.key, claimed.token, reason))
        return "again" if task is not None else "stale"

    def _failed(self, claimed, reason):
        def save():
            if work.held(self.site, self.key, claimed.token) is None:
                return "stale"
            self._give_up(reason)
            return "failed"

        return write(save)


def run_task(task, worker):
    """Claim `task`, then run it as the person who asked for it; its outcome."""
    claimed = write(lambda: task.claim(worker))
    if claimed is None:
        return task.outcome
    with acting_as(task.site, claimed.requested_by):
        return task.run(claimed)
