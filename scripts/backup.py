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
"""

from contextlib import contextmanager
from contextlib import ExitStack
from datetime import datetime
from datetime import UTC
from pathlib import Path
from types import SimpleNamespace

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ctl  # noqa: E402 - scripts/ctl.py: the same settings and pidfiles as `make start`


FORMAT = "vnarchive-backup/1"
MANIFEST = "MANIFEST.sha256"
INFO = "backup.json"
README = "README.txt"
LOCK = ".lock"
PART = ".part"
CHUNK = 1 << 20
STAMP = "%Y-%m-%d-%H-%M-%S"  # repozo's names and -D format, UTC

DONE, FAILED, DAMAGED, RUNNING = 0, 1, 2, 3


class BackupError(Exception):
    """A failure to report to the operator (exit status in `status`)."""

    def __init__(self, message, status=FAILED):
        super().__init__(message)
        self.status = status


def say(message=""):
    print(message, flush=True)


def now_stamp():
    return time.strftime(STAMP, time.gmtime())


def now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashed(source, destination):
    """Copy a file through a temporary name; return the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    partial = destination.with_name(destination.name + PART)
    with open(source, "rb") as src, open(partial, "wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    shutil.copystat(source, partial)
    os.replace(partial, destination)
    return digest.hexdigest()


def run(command, **kwargs):
    """Run a tool; raise BackupError with its output when it fails."""
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, **kwargs
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(str(command[0])).name} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}".rstrip()
        )
    return result


# ---- configuration -------------------------------------------------------------------


def targets():
    default = ROOT / "instance" / "backups"
    return {
        number: Path(
            os.environ.get(f"VNARCHIVE_BACKUP_{number}") or default / str(number)
        ).resolve()
        for number in (1, 2)
    }


def storage_kind(conf):
    """`relstorage`, or `filestorage` for ZEO (VNARCHIVE_STORAGE, read by ctl.py)."""
    kind = conf.get("storage") or os.environ.get("VNARCHIVE_STORAGE", "")
    return "relstorage" if kind.strip().lower() == "relstorage" else "filestorage"


def strategy(conf):
    if storage_kind(conf) == "relstorage":
        return RelStorageStrategy(conf)
    return FileStorageStrategy(conf)


def running_servers(conf, keep=()):
    """(name, pid) of the processes scripts/ctl.py recorded in var/*.pid that still run."""
    found = []
    for pidfile in sorted(Path(conf["var"]).glob("*.pid")):
        if pidfile.stem.startswith(keep):
            continue
        try:
            pid = int(pidfile.read_text().strip())
            os.kill(pid, 0)
        except (ValueError, OSError):
            continue
        found.append((pidfile.stem, pid))
    return found


# ---- a backup set ----------------------------------------------------------------------


class BackupSet:
    def __init__(self, number, path):
        self.number, self.path = number, Path(path)

    def __str__(self):
        return f"{self.number} ({self.path})"

    def files(self):
        """Paths (relative, with /) of the files the MANIFEST covers."""
        found = []
        for directory, dirnames, filenames in os.walk(self.path):
            dirnames.sort()
            for name in sorted(filenames):
                relative = Path(directory, name).relative_to(self.path).as_posix()
                if relative in (MANIFEST, LOCK) or name.endswith(PART):
                    continue
                found.append(relative)
        return found

    def stats(self):
        result = {}
        for relative in self.files():
            stat = (self.path / relative).stat()
            result[relative] = (stat.st_size, stat.st_mtime_ns)
        return result

    def read_manifest(self):
        path = self.path / MANIFEST
        if not path.exists():
            return {}
        entries = {}
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
            if not match:
                raise BackupError(
                    f"{path}: line {number} is not '<sha256>  <file>'", DAMAGED
                )
            entries[match.group(2)] = match.group(1)
        return entries

    def write_manifest(self, entries):
        path = self.path / MANIFEST
        partial = path.with_name(path.name + PART)
        with open(partial, "w") as out:
            for relative in sorted(entries):
                out.write(f"{entries[relative]}  {relative}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)

    def read_info(self):
        path = self.path / INFO
        if not path.exists():
            return None
        return json.loads(path.read_text())

    def write_info(self, info):
        path = self.path / INFO
        path.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")

    @contextmanager
    def lock(self, writing=True):
        """Exclusive use of the set; readers of a read-only medium go without."""
        if writing:
            self.path.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            try:
                handle = stack.enter_context(open(self.path / LOCK, "a"))
            except OSError:
                if writing:
                    raise
                handle = None
            if handle is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BackupError(
                        f"Another backup is using set {self}; try again later."
                    ) from None
            yield

    def verify(self, progress=None):
        """Check every file of the MANIFEST; return (problems, files, bytes)."""
        entries = self.read_manifest()
        if not entries:
            raise BackupError(
                f"Set {self} has no {MANIFEST}: it is not a complete backup set.",
                DAMAGED,
            )
        problems, size = [], 0
        for count, (relative, expected) in enumerate(sorted(entries.items()), 1):
            path = self.path / relative
            if not path.is_file():
                problems.append(f"missing   {relative}")
                continue
            size += path.stat().st_size
            if sha256_file(path) != expected:
                problems.append(f"changed   {relative}")
            if progress and count % 5000 == 0:
                progress(f"  {count}/{len(entries)} files checked")
        # Files the MANIFEST does not list (left by an interrupted backup) belong to
        # no restore point and are never restored.
        return problems, len(entries), size


def verify_or_refuse(backup_set):
    say(f"Kiểm tra bộ sao lưu / verifying backup set {backup_set} ...")
    if backup_set.read_info() is None:
        raise BackupError(
            f"{backup_set.path} is not a vnarchive backup set (no {INFO}).", DAMAGED
        )
    try:
        problems, files, size = backup_set.verify(progress=say)
    except BackupError as error:  # no MANIFEST, or one that cannot be read
        problems, files, size = [str(error)], 0, 0
    if problems:
        other = 2 if backup_set.number == 1 else 1
        shown = "\n".join(f"  {line}" for line in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BackupError(
            f"BỘ SAO LƯU {backup_set.number} BỊ HỎNG — không khôi phục gì.\n"
            f"BACKUP SET {backup_set.number} IS DAMAGED — nothing was restored or"
            f" moved.\n{len(problems)} problem(s) among the {files} files its"
            f" {MANIFEST} lists:\n"
            f"{shown}{more}\n"
            f"Restore from the other copy instead: make restore FROM={other}",
            DAMAGED,
        )
    say(f"  {files} files, {size} bytes: all match {MANIFEST}.")
    return files


def set_readme(kind):
    how = {
        "filestorage": (
            "  1. sha256sum -c MANIFEST.sha256      (every line must say OK)\n"
            "  2. repozo -R -w -r filestorage -D <point> -o <var>/filestorage/Data.fs\n"
            "  3. cp -a blobstorage <var>/blobstorage && chmod 700 <var>/blobstorage\n"
        ),
        "relstorage": (
            "  1. sha256sum -c MANIFEST.sha256      (every line must say OK)\n"
            "  2. into an empty database owned by the site's role:\n"
            "     pg_restore --no-owner --no-privileges --exit-on-error"
            " --single-transaction -d <dsn> relstorage/<point>.dump\n"
        ),
    }[kind]
    return (
        "vnarchive backup set: the database and the stored files of an archive,\n"
        "restorable together. backup.json says what was backed up, from where, and\n"
        "lists the restore points (UTC). MANIFEST.sha256 has the SHA-256 of every\n"
        "other file here.\n\n"
        "Restore with the project: make restore FROM=<1|2> [AT=<point>]\n"
        "(it verifies this set first and keeps the current data aside).\n\n"
        f"By hand ({kind}):\n{how}"
    )


# ---- FileStorage (ZEO): repozo + blob files --------------------------------------------


def blob_tid(name):
    """The transaction id of a blob file name (0x03ed....blob), or None."""
    if name.startswith("0x") and name.endswith(".blob"):
        try:
            return int(name[2:-5], 16)
        except ValueError:
            return None
    return None


class FileStorageStrategy:
    kind = "filestorage"
    # Every server of this topology must be stopped before a restore.
    keep_running = ()

    def __init__(self, conf):
        self.conf = conf
        self.var = Path(conf["var"])
        self.datafs = self.var / "filestorage" / "Data.fs"
        self.blobs = self.var / "blobstorage"

    def source(self):
        return {
            "host": socket.gethostname(),
            "var": str(self.var),
            "datafs": str(self.datafs),
            "blobstorage": str(self.blobs),
            "zeo": self.conf["zeo_address"],
        }

    # -- backup

    def backup(self, backup_set, full=False):
        if not self.datafs.exists():
            raise BackupError(f"There is no database at {self.datafs}.")
        repository = backup_set.path / "filestorage"
        repository.mkdir(parents=True, exist_ok=True)
        # repozo names its files by the second and refuses to overwrite one.
        while any(path.name.startswith(now_stamp()) for path in repository.iterdir()):
            time.sleep(0.2)
        command = [BIN / "repozo", "-B", "-r", repository, "-f", self.datafs]
        run([*command, "-F"] if full else command)
        point, chain = self._last_point(repository)
        say(
            f"  database: {self.datafs} up to byte {chain[-1][2]} → restore point"
            f" {point} ({len(chain)} file(s) since the last full backup)"
        )
        total, copied, written = self._copy_blobs(backup_set.path / "blobstorage")
        say(f"  blobs: {total} files, {copied} new copied")
        return (
            {
                "point": point,
                "time": now_iso(),
                "datafs_size": chain[-1][2],
                "files": [f"filestorage/{name}" for name, _, _ in chain],
                "blob_files": total,
            },
            written,
        )

    @staticmethod
    def _chain(repository, point):
        """[(file name, start, end)] repozo recovers `point` from, oldest first."""
        from ZODB.scripts import repozo

        needed = repozo.find_files(
            SimpleNamespace(date=point, repository=str(repository))
        )
        if not needed:
            raise BackupError(f"{repository} has no backup up to {point}.", DAMAGED)
        dat = Path(needed[0]).with_suffix(".dat")
        if not dat.exists():
            raise BackupError(f"{dat} is missing.", DAMAGED)
        ranges = {}
        for line in dat.read_text().splitlines():
            name, start, end, _md5 = line.rsplit(None, 3)
            ranges[Path(name).name] = (int(start), int(end))
        try:
            return [(Path(path).name, *ranges[Path(path).name]) for path in needed]
        except KeyError as error:
            raise BackupError(f"{dat} does not list {error}.", DAMAGED) from None

    def _last_point(self, repository):
        from ZODB.scripts import repozo

        names = sorted(
            path.name for path in repository.iterdir() if repozo.is_data_file(path.name)
        )
        point = Path(names[-1]).stem
        return point, self._chain(repository, point)

    def _copy_blobs(self, destination):
        """Copy the blob files not yet in the set; blob files never change."""
        destination.mkdir(parents=True, exist_ok=True)
        total = copied = 0
        written = {}
        set_root = destination.parent
        for directory, dirnames, filenames in os.walk(self.blobs):
            here = Path(directory)
            if here == self.blobs and "tmp" in dirnames:
                dirnames.remove("tmp")  # uncommitted uploads
            target = destination / here.relative_to(self.blobs)
            target.mkdir(mode=0o700, exist_ok=True)
            for name in filenames:
                source, copy = here / name, target / name
                if name.endswith(PART):
                    continue
                total += 1
                if copy.exists() and copy.stat().st_size == source.stat().st_size:
                    continue
                written[copy.relative_to(set_root).as_posix()] = copy_hashed(
                    source, copy
                )
                copied += 1
        return total, copied, written

    # -- restore

    def check_target(self):
        return None

    def finish(self):
        return None

    def move_aside(self, aside):
        moved = []
        for name in ("filestorage", "blobstorage"):
            path = self.var / name
            if path.exists() and any(path.iterdir()):
                aside.mkdir(parents=True, exist_ok=True)
                os.rename(path, aside / name)
                moved.append(name)
            elif path.exists():
                path.rmdir()
        # Persistent ZEO client caches would hold objects newer than the restored data.
        for cache in self.var.glob("*/*.zec"):
            (aside / cache.parent.name).mkdir(parents=True, exist_ok=True)
            os.rename(cache, aside / cache.parent.name / cache.name)
            moved.append(f"{cache.parent.name}/{cache.name}")
        return moved

    def restore(self, backup_set, point, manifest):
        repository = backup_set.path / "filestorage"
        self.datafs.parent.mkdir(parents=True, exist_ok=True)
        say(f"Khôi phục CSDL / restoring the database as of {point} (UTC) ...")
        run(
            [
                BIN / "repozo",
                "-R",
                "-w",
                "-r",
                repository,
                "-D",
                point,
                "-o",
                self.datafs,
            ]
        )
        self._verify_datafs(repository, point, manifest)
        restored = self._restore_blobs(backup_set, manifest, self._last_tid())
        records, missing = self._blob_records_without_file()
        if missing:
            raise BackupError(
                f"{len(missing)} blob files the database refers to are not in set"
                f" {backup_set}:\n  " + "\n  ".join(missing[:20])
            )
        say(
            f"  blobs: {restored} files restored, each matches {MANIFEST}; the"
            f" {records} blob records of the database all have their file."
        )

    def _verify_datafs(self, repository, point, manifest):
        chain = self._chain(repository, point)
        size = self.datafs.stat().st_size
        if size != chain[-1][2]:
            raise BackupError(
                f"The restored {self.datafs} has {size} bytes, not {chain[-1][2]}."
            )
        with open(self.datafs, "rb") as restored:
            for name, start, end in chain:
                digest, left = hashlib.sha256(), end - start
                restored.seek(start)
                while left and (chunk := restored.read(min(CHUNK, left))):
                    digest.update(chunk)
                    left -= len(chunk)
                if digest.hexdigest() != manifest.get(f"filestorage/{name}"):
                    raise BackupError(
                        f"Bytes {start}-{end} of the restored {self.datafs} differ"
                        f" from filestorage/{name} in {MANIFEST}."
                    )
        say(
            f"  {self.datafs}: {size} bytes; each part matches the SHA-256 of its"
            f" backup file in {MANIFEST}."
        )

    def _open_restored(self):
        from ZODB.FileStorage import FileStorage

        return FileStorage(str(self.datafs), read_only=True)

    def _last_tid(self):
        from ZODB.utils import u64

        storage = self._open_restored()
        try:
            return u64(storage.lastTransaction())
        finally:
            storage.close()

    def _blob_records_without_file(self):
        """How many records of the restored database are blobs; those without a file."""
        from ZODB.blob import FilesystemHelper
        from ZODB.blob import is_blob_record

        helper = FilesystemHelper(str(self.blobs))
        storage = self._open_restored()
        records, missing = 0, []
        try:
            for transaction in storage.iterator():
                for record in transaction:
                    if record.data and is_blob_record(record.data):
                        records += 1
                        path = helper.getBlobFilename(record.oid, record.tid)
                        if not os.path.exists(path):
                            missing.append(path)
        finally:
            storage.close()
        return records, missing

    def _restore_blobs(self, backup_set, manifest, last_tid):
        source = backup_set.path / "blobstorage"
        self.blobs.mkdir(mode=0o700, exist_ok=True)
        self.blobs.chmod(0o700)
        (self.blobs / "tmp").mkdir(mode=0o700, exist_ok=True)
        restored = 0
        for relative, expected in sorted(manifest.items()):
            if not relative.startswith("blobstorage/"):
                continue
            name = relative.rsplit("/", 1)[-1]
            tid = blob_tid(name)
            if tid is not None and tid > last_tid:
                continue  # written after this restore point
            target = self.blobs / relative[len("blobstorage/") :]
            for parent in reversed(target.relative_to(self.blobs).parents):
                (self.blobs / parent).mkdir(mode=0o700, exist_ok=True)
            shutil.copy2(source / relative[len("blobstorage/") :], target)
            if sha256_file(target) != expected:
                raise BackupError(f"The restored {target} differs from {MANIFEST}.")
            restored += 1
        return restored


# ---- RelStorage on PostgreSQL: pg_dump / pg_restore (blobs are in the database) --------


def pg_bindir(conf):
    """Where Debian's PostgreSQL programs are (as scripts/ctl.py finds them), or None."""
    try:
        return ctl._pg_bindir(conf)
    except (AttributeError, SystemExit):
        directory = os.environ.get("VNARCHIVE_PG_BIN")
        return Path(directory) if directory else None


def safe_dsn(dsn):
    """The DSN without its password, for backup.json and messages."""
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)|(:)[^:@/]+(@)", r"\1\3***\4", dsn)


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
        self.bindir = pg_bindir(conf)
        self.private = bool(getattr(ctl, "_pg_private", lambda conf: False)(conf))
        self.started = False

    @property
    def dsn(self):
        dsn = os.environ.get("VNARCHIVE_PG_DSN") or self.conf.get("pg_dsn")
        if not dsn and self.private:
            dsn = ctl._pg_dsn(self.conf)  # the private cluster's generated password
        if not dsn:
            raise BackupError(
                "VNARCHIVE_STORAGE=relstorage needs VNARCHIVE_PG_DSN (the database)."
            )
        return dsn

    @property
    def database(self):
        return self._sql("SELECT current_database()")

    def tool(self, name):
        return str(self.bindir / name) if self.bindir else name

    def _sql(self, sql):
        command = [self.tool("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
        return run([*command, "-d", self.dsn, "-c", sql]).stdout.strip()

    def source(self):
        return {
            "host": socket.gethostname(),
            "dsn": safe_dsn(self.dsn),
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
        if self.private and not ctl._running(self.conf, "postgresql"):
            say("Starting the private PostgreSQL server for the restore ...")
            try:
                ctl._start_postgresql(self.conf)
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
        pid = ctl._running(self.conf, "postgresql") if self.started else None
        if not pid:
            return
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:  # our child: reap it
                    break
            except ChildProcessError:
                break
            time.sleep(0.1)
        else:
            ctl.stop(self.conf)
        ctl._pidfile(self.conf, "postgresql").unlink(missing_ok=True)
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


# ---- the commands ---------------------------------------------------------------------


def backup_one(backup_set, kind, full):
    with backup_set.lock():
        info = backup_set.read_info()
        if info and info.get("storage") != kind.kind:
            raise BackupError(
                f"Set {backup_set} holds a {info.get('storage')} backup; this site uses"
                f" {kind.kind}. Point VNARCHIVE_BACKUP_{backup_set.number} elsewhere."
            )
        old = backup_set.read_manifest()
        before = backup_set.stats()
        lost = sorted(set(old) - set(before))
        if lost:
            # Never extend a damaged set: its loss says something about its medium.
            raise BackupError(
                f"Set {backup_set} has lost {len(lost)} files since the last backup:\n  "
                + "\n  ".join(lost[:20])
                + f"\nIt is damaged and is left as it is. Move {backup_set.path} aside"
                " (keep it until a new set is complete) and run make backup again: a"
                " new set starts there.",
                DAMAGED,
            )
        point, written = kind.backup(backup_set, full=full)
        info = info or {
            "format": FORMAT,
            "set": backup_set.number,
            "storage": kind.kind,
            "created": now_iso(),
            "points": [],
        }
        info.update(source=kind.source(), updated=now_iso())
        if not info["points"] or info["points"][-1]["point"] != point["point"]:
            info["points"].append(point)
        else:
            info["points"][-1]["checked"] = point["time"]
        info["restore"] = f"make restore FROM={backup_set.number} [AT=<point>]"
        backup_set.write_info(info)
        (backup_set.path / README).write_text(set_readme(kind.kind))
        # Files this run did not touch keep the SHA-256 they were written with, so
        # that damage to them since is still found; the others are hashed now.
        after = backup_set.stats()
        manifest = {}
        for relative, stat in after.items():
            if relative in written:
                manifest[relative] = written[relative]
            elif relative in old and before.get(relative) == stat:
                manifest[relative] = old[relative]
            else:
                manifest[relative] = sha256_file(backup_set.path / relative)
        backup_set.write_manifest(manifest)
        return point


def cmd_backup(options, conf):
    kind = strategy(conf)
    failures = 0
    for number, path in targets().items():
        backup_set = BackupSet(number, path)
        say(f"Sao lưu / backup {kind.kind} → set {backup_set}")
        try:
            point = backup_one(backup_set, kind, options.full)
        except BackupError as error:
            failures += 1
            say(f"  FAILED: {error}")
            continue
        say(f"  set {number}: restore point {point['point']} (UTC), {MANIFEST} written")
    if failures:
        say(f"{failures} of 2 backup sets failed: see above.")
        return FAILED
    say("Two backup sets written. Keep them on independent media.")
    return DONE


def choose_point(info, at):
    points = [item["point"] for item in info.get("points", ())]
    if not points:
        raise BackupError("The set has no restore point.", DAMAGED)
    if not at:
        return points[-1]
    at = at.replace("T", "-").replace(":", "-").rstrip("Z")
    chosen = [point for point in points if point <= at]
    if not chosen:
        raise BackupError(
            f"No restore point at or before {at}; the set has: {', '.join(points)}"
        )
    return chosen[-1]


def cmd_restore(options, conf):
    backup_set = BackupSet(options.source_set, targets()[options.source_set])
    if not backup_set.path.is_dir():
        raise BackupError(f"There is no backup set at {backup_set.path}.", DAMAGED)
    with backup_set.lock(writing=False):  # not while a backup writes into it
        return _checked_restore(options, conf, backup_set)


def _checked_restore(options, conf, backup_set):
    files = verify_or_refuse(backup_set)
    info = backup_set.read_info()
    if info["storage"] != storage_kind(conf):
        raise BackupError(
            f"Set {backup_set} is a {info['storage']} backup but this site is configured"
            f" for {storage_kind(conf)} (VNARCHIVE_STORAGE)."
        )
    kind = strategy(conf)
    running = running_servers(conf, keep=kind.keep_running)
    if running:
        names = ", ".join(f"{name} (pid {pid})" for name, pid in running)
        raise BackupError(
            f"Máy chủ đang chạy / the servers are running: {names}.\n"
            "Stop them first (make stop), then restore; nothing was changed.",
            RUNNING,
        )
    point = choose_point(info, options.at)
    try:
        kind.check_target()
        return _restore(backup_set, kind, point, files, conf)
    finally:
        kind.finish()


def _restore(backup_set, kind, point, files, conf):
    aside = Path(conf["var"]) / f"before-restore-{now_stamp()}"
    for number in range(2, 100):
        if not aside.exists():
            break
        aside = aside.with_name(f"before-restore-{now_stamp()}-{number}")
    moved = kind.move_aside(aside)
    if moved:
        say(f"Dữ liệu cũ được giữ / the current data is kept: {', '.join(moved)}")
        if aside.exists():
            say(f"  in {aside}")
            (aside / "RESTORE.txt").write_text(
                f"Moved here by `backup.py restore` at {now_iso()} before restoring"
                f" set {backup_set} as of {point} (UTC).\n"
            )
    manifest = backup_set.read_manifest()
    try:
        kind.restore(backup_set, point, manifest)
    except BackupError as error:
        kept = f" The previous data is kept: {', '.join(moved)}" + (
            f" in {aside}." if aside.exists() else "."
        )
        raise BackupError(
            f"KHÔI PHỤC THẤT BẠI / RESTORE FAILED: {error}\n{kept if moved else ''}"
            " Do not start the site on this data; restore from the other set.",
            error.status,
        ) from None
    say(
        f"Đã khôi phục / restored set {backup_set.number} as of {point} (UTC);"
        f" {files} set files verified before, the restored data verified after."
    )
    say("Start the site with: make start")
    return DONE


def cmd_verify(options, conf):
    backup_set = BackupSet(options.source_set, targets()[options.source_set])
    if not backup_set.path.is_dir():
        raise BackupError(f"There is no backup set at {backup_set.path}.", DAMAGED)
    with backup_set.lock(writing=False):
        verify_or_refuse(backup_set)
    return DONE


def cmd_list(options, conf):
    for number, path in targets().items():
        info = BackupSet(number, path).read_info()
        if info is None:
            say(f"set {number} ({path}): no backup yet")
            continue
        say(f"set {number} ({path}): {info['storage']}, from {info['source']}")
        for item in info["points"]:
            say(f"  {item['point']}  (written {item['time']})")
    return DONE


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
    action = {
        "backup": cmd_backup,
        "restore": cmd_restore,
        "verify": cmd_verify,
        "list": cmd_list,
    }[options.command]
    try:
        return action(options, ctl.settings())
    except BackupError as error:
        say(str(error))
        return error.status


if __name__ == "__main__":
    sys.exit(main())
