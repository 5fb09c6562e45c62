"""Unpacking an uploaded ZIP safely: no path leaving the target, no links, no bomb."""

from pathlib import Path
from vnarchive.digitization import _
from vnarchive.digitization.tasks.errors import BatchError

import os
import stat
import zipfile


# What an upload may unpack to.
ZIP_MAX_FILES = int(os.environ.get("VNARCHIVE_ZIP_MAX_FILES", "20000"))
ZIP_MAX_BYTES = int(os.environ.get("VNARCHIVE_ZIP_MAX_BYTES", str(20 * 1024**3)))
ZIP_MAX_RATIO = 200  # uncompressed / compressed, per member (scans compress little)


def extract_zip(path, target):
    """Unpack `path` into `target` safely: no path leaving it, no links, no bomb."""
    target = Path(target).resolve()
    with zipfile.ZipFile(path) as archive:
        members = [item for item in archive.infolist() if not item.is_dir()]
        if len(members) > ZIP_MAX_FILES:
            raise BatchError(
                _(
                    "batch_error_zip_too_many",
                    default="Tệp ZIP có quá nhiều tệp (${count}, tối đa ${max}).",
                    mapping={"count": len(members), "max": ZIP_MAX_FILES},
                )
            )
        total = 0
        for item in members:
            name = item.filename.replace("\\", "/")
            parts = [part for part in name.split("/") if part not in ("", ".")]
            mode = item.external_attr >> 16
            if (
                name.startswith("/")
                or ".." in parts
                or (parts and ":" in parts[0])
                or not parts
            ):
                raise BatchError(
                    _(
                        "batch_error_zip_path",
                        default="Tệp ZIP có đường dẫn không an toàn: “${name}”.",
                        mapping={"name": item.filename},
                    )
                )
            if stat.S_ISLNK(mode):
                raise BatchError(
                    _(
                        "batch_error_zip_link",
                        default="Tệp ZIP có liên kết tượng trưng: “${name}”.",
                        mapping={"name": item.filename},
                    )
                )
            total += item.file_size
            if total > ZIP_MAX_BYTES or item.file_size > ZIP_MAX_RATIO * max(
                item.compress_size, 1024
            ):
                raise BatchError(
                    _(
                        "batch_error_zip_bomb",
                        default="Tệp ZIP giải nén ra quá lớn (“${name}”): có thể là bom nén.",
                        mapping={"name": item.filename},
                    )
                )
        target.mkdir(parents=True, exist_ok=True)
        for item in members:
            parts = [
                part
                for part in item.filename.replace("\\", "/").split("/")
                if part not in ("", ".")
            ]
            destination = target.joinpath(*parts)
            if target not in destination.resolve().parents:
                raise BatchError(
                    _(
                        "batch_error_zip_path",
                        default="Tệp ZIP có đường dẫn không an toàn: “${name}”.",
                        mapping={"name": item.filename},
                    )
                )
            destination.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(item) as source, open(destination, "wb") as out:
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > item.file_size:  # the header lied
                        raise BatchError(
                            _(
                                "batch_error_zip_bomb",
                                default="Tệp ZIP giải nén ra quá lớn (“${name}”): có thể là "
                                "bom nén.",
                                mapping={"name": item.filename},
                            )
                        )
                    out.write(chunk)
    return _single_top_folder(target)


def _single_top_folder(target):
    """A ZIP of one folder holding the batch: that folder is the batch."""
    entries = [entry for entry in target.iterdir() if entry.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target
