"""A backup set: a directory that describes itself (backup.json, MANIFEST.sha256, README.txt)."""

from .common import BackupError
from .common import DAMAGED
from .common import INFO
from .common import LOCK
from .common import MANIFEST
from .common import PART
from .common import say
from .common import sha256_file
from contextlib import contextmanager
from contextlib import ExitStack
from pathlib import Path

import fcntl
import json
import os
import re


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
