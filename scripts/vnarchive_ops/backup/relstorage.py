"""Backups of RelStorage on PostgreSQL: pg_dump / pg_restore (blobs are in the database)."""

from .. import postgresql
from .. import processes
from .common import BackupError
from .common import MANIFEST
from .common import now_iso
from .common import now_stamp
from .common import PART
from .common import run
from .common import say
from .common import sha256_file
from pathlib import Path

import hashlib
import os
import socket
import subprocess
import time


# What a dump's SQL says that is no part of the data: comments (with versions and
# times) and the per-run keys of \restrict (PostgreSQL 15.14+).
_NOT_CONTENT = (b"--", b"\\restrict", b"\\unrestrict")
# Restored by the role of VNARCHIVE_PG_DSN: ownership and grants are that role's.
_RESTORE_OPTIONS = ("--no-owner", "--no-privileges")


class RelStorageStrategy:
    """RelStorage on PostgreSQL, blobs in the database: pg_dump / pg_restore."""

    kind = "relstorage"
    # The PostgreSQL server must run for a restore; the Zope clients must not.
    keep_running = ("postgres",)

    def __init__(self, conf):
        self.conf = conf
        self.var = Path(conf["var"])
        self.bindir = postgresql.find_bindir(conf)
        self.private = postgresql.is_private(conf)
        self.started = False

    @property
    def dsn(self):
        dsn = os.environ.get("VNARCHIVE_PG_DSN") or self.conf.get("pg_dsn")
        if not dsn and self.private:
            dsn = postgresql.dsn(self.conf)  # the private cluster's generated password
        if not dsn:
            raise BackupError(
                "VNARCHIVE_STORAGE=relstorage needs VNARCHIVE_PG_DSN (the database)."
            )
        return dsn

    @property
    def database(self):
        return self._sql("SELECT current_database()")

    def tool(self, name):
        return postgresql.tool(self.bindir, name)

    def _sql(self, sql):
        command = [self.tool("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
        return run([*command, "-d", self.dsn, "-c", sql]).stdout.strip()

    def source(self):
        return {
            "host": socket.gethostname(),
            "dsn": postgresql.safe_dsn(self.dsn),
            "database": self.database,
        }

    def _content_digest(self, dump=None, stdin=None):
        """SHA-256 of the SQL of a dump (a file, or a stream on stdin), data only."""
        command = [self.tool("pg_restore"), *_RESTORE_OPTIONS, "--file=-"]
        digest = hashlib.sha256()
        with subprocess.Popen(
            [*command, *([str(dump)] if dump else [])],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            for line in process.stdout:
                if not line.startswith(_NOT_CONTENT):
                    digest.update(line)
            errors = process.stderr.read().decode(errors="replace")
        if process.returncode != 0:
            raise BackupError(f"pg_restore could not read the dump: {errors}")
        return digest.hexdigest()

    def _dump(self, path):
        partial = path.with_name(path.name + PART)
        run([self.tool("pg_dump"), "--format=custom", f"--file={partial}", self.dsn])
        os.replace(partial, path)

    # -- backup

    def backup(self, backup_set, full=False):
        directory = backup_set.path / "relstorage"
        directory.mkdir(parents=True, exist_ok=True)
        point = now_stamp()
        while (directory / f"{point}.dump").exists():
            time.sleep(0.2)
            point = now_stamp()
        dump = directory / f"{point}.dump"
        self._dump(dump)
        say(
            f"  database {self.database}: pg_dump → relstorage/{dump.name}"
            f" ({dump.stat().st_size} bytes, blobs included), restore point {point}"
        )
        return (
            {
                "point": point,
                "time": now_iso(),
                "files": [f"relstorage/{dump.name}"],
                "database": self.database,
                "content_sha256": self._content_digest(dump),
            },
            {f"relstorage/{dump.name}": sha256_file(dump)},
        )

    # -- restore

    def check_target(self):
        """The database server must answer; the private one is started if need be."""
        if self.private and not processes.running(self.conf, "postgresql"):
            say("Starting the private PostgreSQL server for the restore ...")
            try:
                postgresql.start(self.conf)
            except SystemExit as error:
                raise BackupError(f"PostgreSQL did not start: {error}") from None
            self.started = True
        try:
            superuser = self._sql(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            )
        except BackupError as error:
            raise BackupError(
                "PostgreSQL does not answer: a RelStorage restore needs the database"
                " server running (only the Zope clients stopped).\n" + str(error)
            ) from None
        if superuser == "t":
            raise BackupError(
                "VNARCHIVE_PG_DSN connects as a superuser: restore needs the role that"
                " owns the vnarchive database (it replaces everything that role owns)."
            )

    def finish(self):
        """Stop the private server if the restore started it (fast shutdown)."""
        if self.started and postgresql.stop_started(self.conf):
            say("Stopped the PostgreSQL server again.")

    def move_aside(self, aside):
        """Keep a dump of the current database; then empty it."""
        aside.mkdir(parents=True, exist_ok=True)
        kept = aside / f"{self.database}.dump"
        self._dump(kept)
        (aside / f"{kept.name}.sha256").write_text(
            f"{sha256_file(kept)}  {kept.name}\n"
        )
        self._sql("DROP OWNED BY CURRENT_USER")
        return [f"database {self.database} (dumped to {kept.name}, then emptied)"]

    def restore(self, backup_set, point, manifest):
        info = backup_set.read_info()
        entry = next(item for item in info["points"] if item["point"] == point)
        dump = backup_set.path / entry["files"][0]
        say(f"Khôi phục CSDL / restoring database {self.database} from {dump.name} ...")
        run(
            [
                self.tool("pg_restore"),
                *_RESTORE_OPTIONS,
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                self.dsn,
                str(dump),
            ]
        )
        dumped = subprocess.Popen(
            [self.tool("pg_dump"), "--format=custom", self.dsn], stdout=subprocess.PIPE
        )
        digest = self._content_digest(stdin=dumped.stdout)
        dumped.stdout.close()
        if dumped.wait() != 0:
            raise BackupError("pg_dump of the restored database failed.")
        if digest != entry["content_sha256"]:
            raise BackupError(
                f"The restored database {self.database} differs from {dump.name}:"
                " a new dump of it does not have the same content."
            )
        say(
            f"  database {self.database}: a new dump of it has the same content as"
            f" {dump.name} (which matched {MANIFEST}); blobs are in it."
        )
