"""PostgreSQL for RelStorage: the private cluster run here when no VNARCHIVE_PG_DSN is given
(Debian's postgresql; data in VAR/postgresql/data, socket in VAR/postgresql/run), its DSN,
and the programs (initdb, postgres, pg_isready, psql, pg_dump, pg_restore) ctl and backup run.
"""

from .processes import alive
from .processes import pidfile
from .processes import running
from .processes import spawn
from .processes import stop
from pathlib import Path

import os
import pwd
import re
import secrets
import signal
import subprocess
import sys
import time


DATABASE = ROLE = "vnarchive"
OS_USER = "postgres"  # the owner of the PostgreSQL server when ctl.py runs as root


def dirs(conf):
    """(VAR/postgresql, its data directory, its socket directory)."""
    base = Path(conf["var"]) / "postgresql"
    return base, base / "data", base / "run"


def is_private(conf):
    """True when ctl.py runs the PostgreSQL server (no VNARCHIVE_PG_DSN given)."""
    return conf["storage"] == "relstorage" and not conf["pg_dsn"]


def password(conf):
    """The password of the role vnarchive, generated once into VAR/postgresql/password."""
    base = dirs(conf)[0]
    path = base / "password"
    if not path.exists():
        base.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def dsn(conf):
    """VNARCHIVE_PG_DSN, or the DSN of the private cluster (with its generated password)."""
    if conf["pg_dsn"]:
        return conf["pg_dsn"]
    return (
        f"dbname={DATABASE} user={ROLE} password={password(conf)} "
        f"host=127.0.0.1 port={conf['pg_port']}"
    )


def safe_dsn(dsn):
    """The DSN without its password, for files and messages."""
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)|(:)[^:@/]+(@)", r"\1\3***\4", dsn)


def dsn_address(dsn):
    """host:port of a DSN's server, or None for a unix socket."""
    from psycopg2.extensions import parse_dsn

    parts = parse_dsn(dsn)
    host = parts.get("host", "localhost")
    if host.startswith("/"):
        return None  # a unix socket: nothing to wait for by TCP
    return f"{host}:{parts.get('port', '5432')}"


def _version_key(path):
    return tuple(int(part) for part in path.name.split(".") if part.isdigit())


def bindir(conf):
    """VNARCHIVE_PG_BIN, or the newest /usr/lib/postgresql/<version>/bin; exits with how to
    install PostgreSQL when there is none."""
    if conf["pg_bin"]:
        found = Path(conf["pg_bin"])
    else:
        versions = sorted(
            (
                path.parent.parent
                for path in Path("/usr/lib/postgresql").glob("*/bin/postgres")
            ),
            key=_version_key,
        )
        found = versions[-1] / "bin" if versions else None
    if found is None or not (found / "postgres").exists():
        sys.exit(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres"
            f"{'' if not conf['pg_bin'] else ' nor ' + conf['pg_bin'] + '/postgres'}): "
            "run `make system` as root (apt-get install postgresql), or set VNARCHIVE_PG_BIN, "
            "or VNARCHIVE_PG_DSN for a PostgreSQL managed elsewhere."
        )
    return found


def find_bindir(conf):
    """Where the PostgreSQL programs are (as `bindir`), or None: then they are on PATH."""
    try:
        return bindir(conf)
    except SystemExit:
        directory = os.environ.get("VNARCHIVE_PG_BIN")
        return Path(directory) if directory else None


def tool(directory, name):
    """The command of PostgreSQL program `name` in `directory` (None: found on PATH)."""
    return str(directory / name) if directory else name


def account():
    """Popen arguments that run a PostgreSQL program as the owner of the cluster."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    if os.geteuid() != 0:
        return {"env": env}
    try:
        owner = pwd.getpwnam(OS_USER)
    except KeyError:
        sys.exit(
            f"As root, PostgreSQL runs as the `{OS_USER}` user, which does not exist: "
            "it comes with Debian's postgresql package (make system)."
        )
    env.update(HOME=owner.pw_dir, USER=owner.pw_name, LOGNAME=owner.pw_name)
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": [], "env": env}


def initialise(conf, programs, owner):
    """Create the cluster in VAR/postgresql/data unless it is there."""
    base, data, run = dirs(conf)
    for path in (base, data, run):
        path.mkdir(parents=True, exist_ok=True)
    base.chmod(0o711)
    for path in (data, run):
        if "user" in owner:
            os.chown(path, owner["user"], owner["group"])
        path.chmod(0o700)
    if "user" in owner:
        reach = subprocess.run(["test", "-w", str(data)], cwd="/", **owner)
        if reach.returncode != 0:
            sys.exit(
                f"The `{OS_USER}` user cannot reach {data}: a directory above it is closed "
                f"to others. Open them for traversal (chmod o+x), or set VNARCHIVE_VAR elsewhere."
            )
    if (data / "PG_VERSION").exists():
        return
    print(f"Initialising a PostgreSQL cluster in {data}")
    log = Path(conf["var"]) / "log" / "postgresql.log"
    with open(log, "ab") as out:
        done = subprocess.run(
            [
                str(programs / "initdb"),
                "--pgdata",
                str(data),
                "--encoding=UTF8",
                "--no-locale",
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
                "--no-instructions",
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=data,
            **owner,
        )
    if done.returncode != 0:
        sys.exit(f"initdb failed; see {log}")


def ensure_database(conf, programs, owner):
    """Create the role and the database vnarchive if missing; set the role's password."""
    _, data, run = dirs(conf)
    # Our own constants and a generated password: nothing from a request.
    sql = (
        f"SELECT 'CREATE ROLE {ROLE} LOGIN' WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT FROM pg_roles WHERE rolname = '{ROLE}')\\gexec\n"
        f"ALTER ROLE {ROLE} LOGIN PASSWORD '{password(conf)}';\n"
        f"SELECT 'CREATE DATABASE {DATABASE} OWNER {ROLE}' WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = '{DATABASE}')\\gexec\n"
    )
    done = subprocess.run(
        [
            str(programs / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(run),
            "-p",
            str(conf["pg_port"]),
            "-d",
            "postgres",
        ],
        input=sql,
        capture_output=True,
        text=True,
        cwd=data,
        **owner,
    )
    if done.returncode != 0:
        sys.exit(f"Could not create the database {DATABASE}:\n{done.stderr}")


def start(conf):
    """Initialise (once) and start the private cluster; wait until it takes connections;
    make the role and the database. Exits when it cannot."""
    programs = bindir(conf)
    owner = account()
    initialise(conf, programs, owner)
    _, data, run = dirs(conf)
    process = spawn(
        conf,
        "postgresql",
        [
            str(programs / "postgres"),
            "-D",
            str(data),
            "-p",
            str(conf["pg_port"]),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={run}",
        ],
        "postgresql.log",
        cwd=data,
        **owner,
    )
    ready = [
        str(programs / "pg_isready"),
        "-q",
        "-h",
        str(run),
        "-p",
        str(conf["pg_port"]),
    ]
    deadline = time.monotonic() + 60
    while subprocess.run(ready, cwd="/", **owner).returncode != 0:
        if time.monotonic() > deadline or not alive(process):
            sys.exit(f"PostgreSQL did not start; see {conf['var']}/log/postgresql.log")
        time.sleep(0.3)
    ensure_database(conf, programs, owner)
    print(
        f"PostgreSQL ({programs.parent.name}) serves the database {DATABASE} "
        f"at 127.0.0.1:{conf['pg_port']}"
    )


def stop_started(conf):
    """Stop the private server that this process started (fast shutdown) and reap it.

    Returns False when it does not run."""
    pid = running(conf, "postgresql")
    if not pid:
        return False
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
        stop(conf, ["postgresql"])
    pidfile(conf, "postgresql").unlink(missing_ok=True)
    return True
