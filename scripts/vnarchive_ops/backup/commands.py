"""The commands of scripts/backup.py: backup, restore, verify, list."""

from .. import processes
from ..settings import backup_targets
from .common import BackupError
from .common import DAMAGED
from .common import DONE
from .common import FAILED
from .common import FORMAT
from .common import MANIFEST
from .common import now_iso
from .common import now_stamp
from .common import README
from .common import RUNNING
from .common import say
from .common import sha256_file
from .filestorage import FileStorageStrategy
from .relstorage import RelStorageStrategy
from .sets import BackupSet
from .sets import set_readme
from .sets import verify_or_refuse
from pathlib import Path

import os


def storage_kind(conf):
    """`relstorage`, or `filestorage` for ZEO (VNARCHIVE_STORAGE, read by ctl.py)."""
    kind = conf.get("storage") or os.environ.get("VNARCHIVE_STORAGE", "")
    return "relstorage" if kind.strip().lower() == "relstorage" else "filestorage"


def strategy(conf):
    if storage_kind(conf) == "relstorage":
        return RelStorageStrategy(conf)
    return FileStorageStrategy(conf)


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
    for number, path in backup_targets().items():
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
    backup_set = BackupSet(options.source_set, backup_targets()[options.source_set])
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
    running = processes.recorded(conf, keep=kind.keep_running)
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
    backup_set = BackupSet(options.source_set, backup_targets()[options.source_set])
    if not backup_set.path.is_dir():
        raise BackupError(f"There is no backup set at {backup_set.path}.", DAMAGED)
    with backup_set.lock(writing=False):
        verify_or_refuse(backup_set)
    return DONE


def cmd_list(options, conf):
    for number, path in backup_targets().items():
        info = BackupSet(number, path).read_info()
        if info is None:
            say(f"set {number} ({path}): no backup yet")
            continue
        say(f"set {number} ({path}): {info['storage']}, from {info['source']}")
        for item in info["points"]:
            say(f"  {item['point']}  (written {item['time']})")
    return DONE


COMMANDS = {
    "backup": cmd_backup,
    "restore": cmd_restore,
    "verify": cmd_verify,
    "list": cmd_list,
}
