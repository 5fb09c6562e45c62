"""The settings of a vnarchive on this machine, from the environment (scripts/ctl.py's docstring
lists them with their defaults)."""

from pathlib import Path

import os
import sys


ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPTS = ROOT / "scripts"
BIN = Path(sys.executable).parent
INSTANCE = ROOT / "instance"
STORAGES = ("zeo", "relstorage")


def flag(value, default):
    """A yes/no environment variable: `default` when unset or empty."""
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def settings():
    """The settings (a dict, `conf` everywhere in this package) read from os.environ."""
    env = os.environ
    var = Path(env.get("VNARCHIVE_VAR", INSTANCE / "var")).resolve()
    http_host = env.get("VNARCHIVE_HOST", "127.0.0.1")
    clients = int(env.get("VNARCHIVE_CLIENTS", "1"))
    storage = env.get("VNARCHIVE_STORAGE", "zeo").strip().lower() or "zeo"
    if storage not in STORAGES:
        sys.exit(
            f"VNARCHIVE_STORAGE must be one of {', '.join(STORAGES)}, not {storage!r}"
        )
    return {
        "instance": str(INSTANCE),
        "var": str(var),
        "etc": str(Path(env.get("VNARCHIVE_ETC", INSTANCE / "etc")).resolve()),
        "storage": storage,
        "zeo_address": env.get("VNARCHIVE_ZEO", "127.0.0.1:8100"),
        "http_host": http_host,
        "http_port": int(env.get("VNARCHIVE_PORT", "8080")),
        "clients": clients,
        "lb": flag(env.get("VNARCHIVE_LB"), clients > 1),
        "lb_host": env.get("VNARCHIVE_LB_HOST", http_host),
        "lb_port": int(env.get("VNARCHIVE_LB_PORT", "8000")),
        "pg_port": int(env.get("VNARCHIVE_PG_PORT", "5433")),
        "pg_dsn": env.get("VNARCHIVE_PG_DSN", "").strip(),
        "pg_bin": env.get("VNARCHIVE_PG_BIN", "").strip(),
        "workers": int(env.get("VNARCHIVE_WORKERS", "") or os.cpu_count() or 1),
        "solr_url": env.get("VNARCHIVE_SOLR_URL", "").strip(),
        "solr": flag(env.get("VNARCHIVE_SOLR"), True)
        and not env.get("VNARCHIVE_SOLR_URL", "").strip(),
        "solr_host": env.get("VNARCHIVE_SOLR_HOST", "127.0.0.1"),
        "solr_port": int(env.get("VNARCHIVE_SOLR_PORT", "8983")),
    }


def backup_targets():
    """{1: path, 2: path} of the two backup sets: VNARCHIVE_BACKUP_1 and VNARCHIVE_BACKUP_2
    [instance/backups/1 and 2]."""
    default = INSTANCE / "backups"
    return {
        number: Path(
            os.environ.get(f"VNARCHIVE_BACKUP_{number}") or default / str(number)
        ).resolve()
        for number in (1, 2)
    }


def client_names(conf):
    return [f"client{number}" for number in range(1, conf["clients"] + 1)]


def worker_names(conf):
    return [f"worker{number}" for number in range(1, conf.get("workers", 0) + 1)]


def local_host(host):
    """The address to reach a server listening on `host` from this machine."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "*") else host  # noqa: S104 - a test


def client_conf(conf, client=None):
    """The zope.conf of `client` [the first], for zconsole and the workers."""
    return f"{conf['etc']}/zope-{client or client_names(conf)[0]}.conf"
