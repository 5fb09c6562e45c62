"""Check every stored file against its SHA-256 (`make fixity`); resumable.

Run as `zconsole run instance/etc/zope-client1.conf scripts/fixity.py [options]` while
the database server runs (ZEO or PostgreSQL; the web clients may run too):

    --restart     begin a new run instead of resuming an unfinished one
    --batch N     commit the progress every N records [100]
    --limit N     stop after N records (the run resumes next time)
    --status      print the current or last run and check nothing

Mismatches are journaled on their record (`fixity_failed`) and printed. Exit status: 0 all
files intact, 1 failures found, 3 the run stopped before the end (--limit). Settings:
VNARCHIVE_SITE_ID [vnarchive]. Scheduling: docs/operations.md.
"""

from vnarchive.policy.console import script_arguments
from zope.component.hooks import setSite

import argparse
import os
import sys


SITE_ID = os.environ.get("VNARCHIVE_SITE_ID", "vnarchive")


def arguments():
    parser = argparse.ArgumentParser(prog="fixity.py", description=__doc__)
    parser.add_argument("--restart", action="store_true")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--status", action="store_true")
    return parser.parse_args(script_arguments("fixity.py"))


def main(app):
    options = arguments()
    if SITE_ID not in app.objectIds():
        print(f"Không có site '{SITE_ID}'. / There is no site '{SITE_ID}'.")
        return 2
    site = app[SITE_ID]
    setSite(site)
    from vnarchive.policy import fixity

    if options.status:
        print(fixity.format_report(fixity.status(site)))
        return 0
    report = fixity.check(
        site,
        batch=options.batch,
        limit=options.limit,
        restart=options.restart,
        log=lambda line: print(line, flush=True),
    )
    print(fixity.format_report(report))
    if report["failures"]:
        return 1
    return 0 if report["complete"] else 3


sys.exit(main(app))  # noqa: F821 - zconsole provides `app`
