"""Backups in two independent copies and verified restores of database and files together.

    python scripts/backup.py backup [--full]          write both sets (`make backup`)
    python scripts/backup.py restore --from 2 [--at T]
                                                      verify set 2, then restore it
                                                      (`make restore FROM=2 [AT=T]`)
    python scripts/backup.py verify --from 1          check a set against its MANIFEST
    python scripts/backup.py list                     the restore points of both sets

A backup set is a directory that describes itself:

    backup.json       storage kind, source, restore points (time UTC, sizes)
    MANIFEST.sha256   SHA-256 of every other file of the set (`sha256sum -c` reads it)
    README.txt        what is here and how to restore it by hand
    filestorage/      FileStorage: the repozo repository (full + incremental backups)
    blobstorage/      FileStorage: a copy of every blob file, same layout as the source
    relstorage/       RelStorage: one pg_dump (custom format) per restore point

`backup` writes two sets, one after the other and each from the live source (never the
second from the first): VNARCHIVE_BACKUP_1 [instance/backups/1] and VNARCHIVE_BACKUP_2
[instance/backups/2]. In production they must be on independent media (another disk,
another machine, removable media). It works while the site runs: repozo copies a live
FileStorage up to its last committed transaction and blob files never change once written;
pg_dump takes a consistent snapshot. Nothing in a set is ever deleted (see
docs/operations.md for pruning).

`restore` verifies the whole set against its MANIFEST first and refuses a damaged set;
it requires the servers to be stopped (the pidfiles of scripts/ctl.py; for RelStorage
PostgreSQL may run, and ctl.py's private one is started if need be), keeps the current data
(moved to var/before-restore-<time>/, or dumped there before the database is emptied),
restores, and verifies what it restored against the MANIFEST.

The storage kind is VNARCHIVE_STORAGE (`relstorage`, else ZEO with FileStorage); the paths
are those of scripts/ctl.py (VNARCHIVE_VAR...); RelStorage connects with VNARCHIVE_PG_DSN,
or to the private cluster of ctl.py.
Exit status: 0 done, 1 failed, 2 the set is damaged or not a set, 3 servers are running.
The code is in scripts/vnarchive_ops/backup/ (with the settings and PostgreSQL of ctl.py).
"""

from vnarchive_ops.backup.commands import COMMANDS
from vnarchive_ops.backup.common import BackupError
from vnarchive_ops.backup.common import say
from vnarchive_ops.settings import settings

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="write both backup sets")
    backup.add_argument("--full", action="store_true", help="a full repozo backup")
    restore = commands.add_parser("restore", help="verify a set, then restore it")
    restore.add_argument("--from", dest="source_set", type=int, choices=(1, 2))
    restore.add_argument("--at", help="restore point (UTC YYYY-MM-DD-HH-MM-SS)")
    verify = commands.add_parser("verify", help="check a set against its MANIFEST")
    verify.add_argument("--from", dest="source_set", type=int, choices=(1, 2))
    commands.add_parser("list", help="the restore points of both sets")
    options = parser.parse_args(argv)
    if options.command in ("restore", "verify") and options.source_set is None:
        parser.error("say which set: --from 1 or --from 2 (make restore FROM=1|2)")
    try:
        return COMMANDS[options.command](options, settings())
    except BackupError as error:
        say(str(error))
        return error.status


if __name__ == "__main__":
    sys.exit(main())
