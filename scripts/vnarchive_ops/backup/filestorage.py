"""Backups of ZEO's FileStorage: repozo (full and incremental) and a copy of every blob file."""

from ..settings import BIN
from .common import BackupError
from .common import CHUNK
from .common import copy_hashed
from .common import DAMAGED
from .common import MANIFEST
from .common import now_iso
from .common import now_stamp
from .common import PART
from .common import run
from .common import say
from .common import sha256_file
from pathlib import Path
from types import SimpleNamespace

import hashlib
import os
import shutil
import socket
import time


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
