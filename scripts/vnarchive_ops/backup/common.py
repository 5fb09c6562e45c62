"""What every part of the backups uses: the names in a set, exit statuses, errors, hashing,
running a tool."""

from datetime import datetime
from datetime import UTC
from pathlib import Path

import hashlib
import os
import shutil
import subprocess
import time


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
