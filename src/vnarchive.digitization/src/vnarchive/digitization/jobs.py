"""The jobs the workers run, by name: a registry the queue dispatches through.

A job is a function `func(site, *args, worker=None)` registered under a name with
`@job("page")` in the module that defines it (one module per job in `tasks/`: the
worker imports each, which registers it). The queue sends only the name and the
arguments; `dispatch` runs the function through the runner the worker installs
(`set_runner`: the site, the worker's identity, its heartbeat). So the queue imports
neither the worker nor the jobs, and the jobs do not import the worker.
"""

import logging


logger = logging.getLogger("vnarchive.digitization")

JOBS = {}
_runner = {}


def job(name):
    """Register the decorated function as job `name`."""

    def register(func):
        JOBS[name] = func
        return func

    return register


def lookup(name):
    """The function of job `name`, or None."""
    return JOBS.get(name)


def set_runner(runner):
    """`runner(name, args)` runs the jobs taken from the queue in this process."""
    _runner["run"] = runner


def dispatch(name, args):
    """The queue's one task: run job `name` with `args` through the runner."""
    runner = _runner.get("run")
    if runner is None:
        logger.error("no job runner in this process for %s %s", name, args)
        return None
    return runner(name, args)
