"""Start and stop vnarchive on one machine: the database, Zope clients, a load balancer.

    python scripts/ctl.py start     render instance/etc, start the database (ZEO, or PostgreSQL
                                    for RelStorage), create the site, start the clients, and
                                    nginx in front of them when there are several
    python scripts/ctl.py stop      stop everything start started (found by its pidfiles in var)
    python scripts/ctl.py status
    python scripts/ctl.py render        only render instance/etc
    python scripts/ctl.py serve-zeo     render, then run ZEO in the foreground (containers)
    python scripts/ctl.py serve-client  render, wait for the database, run client
                                        VNARCHIVE_CLIENT_NUMBER [1] in the foreground
                                        (containers; client 1 creates the site if missing)
    python scripts/ctl.py serve-worker  render, wait for the database and the site, run one
                                        digitization worker in the foreground (containers)

Settings come from the environment (defaults in brackets): VNARCHIVE_VAR [instance/var],
VNARCHIVE_ETC [instance/etc], VNARCHIVE_ZEO [127.0.0.1:8100], VNARCHIVE_HOST [127.0.0.1],
VNARCHIVE_PORT [8080], VNARCHIVE_CLIENTS [1] (clients listen on PORT, PORT+1, ...),
VNARCHIVE_ADMIN_PASSWORD [admin], VNARCHIVE_DEMO [1] (load the demo holdings when the site
is created).

Load balancer: VNARCHIVE_LB [1 when VNARCHIVE_CLIENTS > 1, else 0; 0 forces it off] runs Debian's nginx
(instance/nginx.conf.in; pid, temporary files and logs under VAR) in round robin over the
clients on VNARCHIVE_LB_HOST [VNARCHIVE_HOST]:VNARCHIVE_LB_PORT [8000].

Storage: VNARCHIVE_STORAGE [zeo] is `zeo` (a ZEO server over VAR/filestorage, blobs in
VAR/blobstorage) or `relstorage` (RelStorage on PostgreSQL, blobs in the database, one blob
cache per client; no ZEO server). With relstorage and no VNARCHIVE_PG_DSN, start initialises
once and runs a private PostgreSQL cluster from Debian's postgresql (VNARCHIVE_PG_BIN [the
newest /usr/lib/postgresql/<version>/bin]): data in VAR/postgresql/data, socket in
VAR/postgresql/run, listening on 127.0.0.1:VNARCHIVE_PG_PORT [5433], database and role
`vnarchive` with a password generated into VAR/postgresql/password; as root the server runs as
the `postgres` user, which must be able to traverse the directories above VAR. Each client
keeps its blob cache in VAR/clientN/blobcache. VNARCHIVE_PG_DSN [dbname=vnarchive user=vnarchive password=<that one>
host=127.0.0.1 port=VNARCHIVE_PG_PORT]: set it to use a PostgreSQL managed elsewhere (clients on
other machines); then no PostgreSQL is started here.

Digitization workers: start runs VNARCHIVE_WORKERS [the number of cores; 0 for none]
worker processes (scripts/worker.py: Zope clients of the same database that consume the task
queue, one page at a time each), pids in VAR/workerN.pid, logs in VAR/log/workerN.log. The
queue is SQLite in VAR/queue/huey.db, or Redis when VNARCHIVE_REDIS_URL is set
(docs/digitization.md).

Search: start also builds (solr/, Maven) and runs Apache Solr with the vnarchive core on
VNARCHIVE_SOLR_HOST [127.0.0.1]:VNARCHIVE_SOLR_PORT [8983] (index in VAR/solr, log in
VAR/log/solr.log, pid in VAR/solr.pid), then points the site's collective.solr at it and
indexes what Solr misses (scripts/solr_sync.py). VNARCHIVE_SOLR [1]: when java or mvn is
missing, or Solr does not start, start says so and switches the site to its catalog; 0 leaves
Solr and the site's search settings alone.
Solr requires BasicAuth: its login and a random password are made at its first start in
VAR/solr/credentials.json (mode 0600) and given to the site (collective.solr's solr_login and
solr_password).
VNARCHIVE_SOLR_URL [empty]: a Solr core run elsewhere (http://host:port/solr/vnarchive); then no
Solr is started here, and its credentials come from VNARCHIVE_SOLR_LOGIN and
VNARCHIVE_SOLR_PASSWORD, or from the JSON file VNARCHIVE_SOLR_CREDENTIALS
({"login": …, "password": …}). VNARCHIVE_SOLR_HEAP [512m]: Solr's Java heap. `solr-start` and
`solr-stop` run or stop Solr alone.

Running start again reuses the data; nothing here ever deletes it.
"""

from pathlib import Path
from string import Template

import contextlib
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
INSTANCE = ROOT / "instance"
STORAGES = ("zeo", "relstorage")
PG_DATABASE = PG_ROLE = "vnarchive"
PG_OS_USER = "postgres"  # the owner of the PostgreSQL server when ctl.py runs as root


def _flag(value, default):
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def settings():
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
        "lb": _flag(env.get("VNARCHIVE_LB"), clients > 1),
        "lb_host": env.get("VNARCHIVE_LB_HOST", http_host),
        "lb_port": int(env.get("VNARCHIVE_LB_PORT", "8000")),
        "pg_port": int(env.get("VNARCHIVE_PG_PORT", "5433")),
        "pg_dsn": env.get("VNARCHIVE_PG_DSN", "").strip(),
        "pg_bin": env.get("VNARCHIVE_PG_BIN", "").strip(),
        "workers": int(env.get("VNARCHIVE_WORKERS", "") or os.cpu_count() or 1),
        "solr_url": env.get("VNARCHIVE_SOLR_URL", "").strip(),
        "solr": _flag(env.get("VNARCHIVE_SOLR"), True)
        and not env.get("VNARCHIVE_SOLR_URL", "").strip(),
        "solr_host": env.get("VNARCHIVE_SOLR_HOST", "127.0.0.1"),
        "solr_port": int(env.get("VNARCHIVE_SOLR_PORT", "8983")),
    }


def client_names(conf):
    return [f"client{number}" for number in range(1, conf["clients"] + 1)]


def worker_names(conf):
    return [f"worker{number}" for number in range(1, conf.get("workers", 0) + 1)]


def _local(host):
    """The address to reach a server listening on `host` from this machine."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "*") else host


def _select(text, conf):
    """Keep the lines between `#if <setting>=<value>` and `#endif` only when conf agrees."""
    lines, keep = [], True
    for line in text.splitlines(keepends=True):
        word = line.strip()
        if word.startswith("#if "):
            key, _, value = word[4:].partition("=")
            keep = str(conf[key.strip()]) == value.strip()
        elif word == "#endif":
            keep = True
        elif keep:
            lines.append(line)
    return "".join(lines)


def _render_template(name, values):
    text = _select((INSTANCE / name).read_text(), values)
    return Template(text).substitute(values)


def render(conf):
    etc, var = Path(conf["etc"]), Path(conf["var"])
    etc.mkdir(parents=True, exist_ok=True)
    zeo = conf["storage"] == "zeo"
    for sub in ("log", "cache", *(("filestorage", "blobstorage") if zeo else ())):
        (var / sub).mkdir(parents=True, exist_ok=True)
    values = dict(conf)
    if zeo:
        (var / "blobstorage").chmod(0o700)
        (etc / "zeo.conf").write_text(_render_template("zeo.conf.in", values))
    else:
        # ZConfig reads `$name` as one of its own %define-s: a literal $ is written $$.
        values["pg_dsn_zconfig"] = _pg_dsn(conf).replace("$", "$$")
    for offset, client in enumerate(client_names(conf)):
        values.update(client=client, http_port=conf["http_port"] + offset)
        (var / client).mkdir(exist_ok=True)
        for name in ("zope.conf", "zope.ini"):
            stem, suffix = name.split(".")
            text = _render_template(f"{name}.in", values)
            (etc / f"{stem}-{client}.{suffix}").write_text(text)
    if conf["lb"]:
        _render_nginx(conf)


def _pidfile(conf, name):
    return Path(conf["var"]) / f"{name}.pid"


def _running(conf, name):
    path = _pidfile(conf, name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None


def _alive(process):
    return process is None or process.poll() is None


def _wait_for_port(address, seconds=60, process=None):
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _alive(process):
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((_local(host), int(port))) == 0:
                return True
        time.sleep(0.2)
    return False


def _wait_for_http(url, seconds=120, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _alive(process):
        try:
            with urllib.request.urlopen(url, timeout=10):
                return True
        except urllib.error.HTTPError:
            return True  # Zope answers; the page itself may need a login
        except OSError:
            time.sleep(0.3)
    return False


def _spawn(conf, name, command, log, **popen):
    """Start `command` as a child in its own session, its pid in VAR/<name>.pid.

    Returns the process, or None when `name` already runs."""
    if _running(conf, name):
        print(f"{name} is already running.")
        return None
    with open(Path(conf["var"]) / "log" / log, "ab") as out:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **popen,
        )
    _pidfile(conf, name).write_text(str(process.pid))
    return process


def _create_site(conf):
    """Create the site with the demo holdings through the first client, unless it exists."""
    first = client_names(conf)[0]
    subprocess.run(
        [
            str(BIN / "zconsole"),
            "run",
            f"{conf['etc']}/zope-{first}.conf",
            str(ROOT / "scripts" / "create_site.py"),
        ],
        check=True,
        env=dict(
            os.environ,
            VNARCHIVE_DEMO_FILE=str(ROOT / "profiles" / "demo" / "holdings.json"),
        ),
    )


# ---- PostgreSQL (VNARCHIVE_STORAGE=relstorage) ----


def _pg_dirs(conf):
    base = Path(conf["var"]) / "postgresql"
    return base, base / "data", base / "run"


def _pg_private(conf):
    """True when ctl.py runs the PostgreSQL server (no VNARCHIVE_PG_DSN given)."""
    return conf["storage"] == "relstorage" and not conf["pg_dsn"]


def _pg_password(conf):
    """The password of the role vnarchive, generated once into VAR/postgresql/password."""
    base = _pg_dirs(conf)[0]
    path = base / "password"
    if not path.exists():
        base.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def _pg_dsn(conf):
    if conf["pg_dsn"]:
        return conf["pg_dsn"]
    return (
        f"dbname={PG_DATABASE} user={PG_ROLE} password={_pg_password(conf)} "
        f"host=127.0.0.1 port={conf['pg_port']}"
    )


def _version_key(path):
    return tuple(int(part) for part in path.name.split(".") if part.isdigit())


def _pg_bindir(conf):
    if conf["pg_bin"]:
        bindir = Path(conf["pg_bin"])
    else:
        found = sorted(
            (
                path.parent.parent
                for path in Path("/usr/lib/postgresql").glob("*/bin/postgres")
            ),
            key=_version_key,
        )
        bindir = found[-1] / "bin" if found else None
    if bindir is None or not (bindir / "postgres").exists():
        sys.exit(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres"
            f"{'' if not conf['pg_bin'] else ' nor ' + conf['pg_bin'] + '/postgres'}): "
            "run `make system` as root (apt-get install postgresql), or set VNARCHIVE_PG_BIN, "
            "or VNARCHIVE_PG_DSN for a PostgreSQL managed elsewhere."
        )
    return bindir


def _pg_account():
    """Popen arguments that run a PostgreSQL program as the owner of the cluster."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    if os.geteuid() != 0:
        return {"env": env}
    try:
        owner = pwd.getpwnam(PG_OS_USER)
    except KeyError:
        sys.exit(
            f"As root, PostgreSQL runs as the `{PG_OS_USER}` user, which does not exist: "
            "it comes with Debian's postgresql package (make system)."
        )
    env.update(HOME=owner.pw_dir, USER=owner.pw_name, LOGNAME=owner.pw_name)
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": [], "env": env}


def _pg_initialise(conf, bindir, account):
    """Create the cluster in VAR/postgresql/data unless it is there."""
    base, data, run = _pg_dirs(conf)
    for path in (base, data, run):
        path.mkdir(parents=True, exist_ok=True)
    base.chmod(0o711)
    for path in (data, run):
        if "user" in account:
            os.chown(path, account["user"], account["group"])
        path.chmod(0o700)
    if "user" in account:
        reach = subprocess.run(["test", "-w", str(data)], cwd="/", **account)
        if reach.returncode != 0:
            sys.exit(
                f"The `{PG_OS_USER}` user cannot reach {data}: a directory above it is closed "
                f"to others. Open them for traversal (chmod o+x), or set VNARCHIVE_VAR elsewhere."
            )
    if (data / "PG_VERSION").exists():
        return
    print(f"Initialising a PostgreSQL cluster in {data}")
    log = Path(conf["var"]) / "log" / "postgresql.log"
    with open(log, "ab") as out:
        done = subprocess.run(
            [
                str(bindir / "initdb"),
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
            **account,
        )
    if done.returncode != 0:
        sys.exit(f"initdb failed; see {log}")


def _pg_ensure_database(conf, bindir, account):
    """Create the role and the database vnarchive if missing; set the role's password."""
    run = _pg_dirs(conf)[2]
    sql = (
        f"SELECT 'CREATE ROLE {PG_ROLE} LOGIN' WHERE NOT EXISTS "
        f"(SELECT FROM pg_roles WHERE rolname = '{PG_ROLE}')\\gexec\n"
        f"ALTER ROLE {PG_ROLE} LOGIN PASSWORD '{_pg_password(conf)}';\n"
        f"SELECT 'CREATE DATABASE {PG_DATABASE} OWNER {PG_ROLE}' WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = '{PG_DATABASE}')\\gexec\n"
    )
    done = subprocess.run(
        [
            str(bindir / "psql"),
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
        cwd=_pg_dirs(conf)[1],
        **account,
    )
    if done.returncode != 0:
        sys.exit(f"Could not create the database {PG_DATABASE}:\n{done.stderr}")


def _start_postgresql(conf):
    bindir = _pg_bindir(conf)
    account = _pg_account()
    _pg_initialise(conf, bindir, account)
    _, data, run = _pg_dirs(conf)
    process = _spawn(
        conf,
        "postgresql",
        [
            str(bindir / "postgres"),
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
        **account,
    )
    ready = [
        str(bindir / "pg_isready"),
        "-q",
        "-h",
        str(run),
        "-p",
        str(conf["pg_port"]),
    ]
    deadline = time.monotonic() + 60
    while subprocess.run(ready, cwd="/", **account).returncode != 0:
        if time.monotonic() > deadline or not _alive(process):
            sys.exit(f"PostgreSQL did not start; see {conf['var']}/log/postgresql.log")
        time.sleep(0.3)
    _pg_ensure_database(conf, bindir, account)
    print(
        f"PostgreSQL ({bindir.parent.name}) serves the database {PG_DATABASE} "
        f"at 127.0.0.1:{conf['pg_port']}"
    )


def _dsn_address(dsn):
    from psycopg2.extensions import parse_dsn

    parts = parse_dsn(dsn)
    host = parts.get("host", "localhost")
    if host.startswith("/"):
        return None  # a unix socket: nothing to wait for by TCP
    return f"{host}:{parts.get('port', '5432')}"


# ---- The load balancer (nginx) ----


def _nginx_binary():
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        sys.exit(
            "nginx is not installed: run `make system` as root (apt-get install nginx); "
            "or set VNARCHIVE_LB=0 to start the clients without a load balancer."
        )
    return found


def _render_nginx(conf):
    var = Path(conf["var"])
    (var / "nginx").mkdir(parents=True, exist_ok=True)
    host = _local(conf["http_host"])
    servers = "\n".join(
        f"        server {host}:{conf['http_port'] + offset} max_fails=1 fail_timeout=10s;"
        for offset in range(conf["clients"])
    )
    if os.geteuid() == 0:
        # nginx's workers run as the owner of VAR (as the Zope clients do), not as `nobody`.
        owner = var.stat()
        user = (
            f"user {pwd.getpwuid(owner.st_uid).pw_name} "
            f"{grp.getgrgid(owner.st_gid).gr_name};"
        )
    else:
        user = (
            "# (no `user`: not started as root, nginx runs as the user who starts it)"
        )
    text = _render_template(
        "nginx.conf.in", dict(conf, upstream_servers=servers, user_directive=user)
    )
    (Path(conf["etc"]) / "nginx.conf").write_text(text)


def _start_nginx(conf, nginx):
    var = Path(conf["var"])
    command = [
        nginx,
        "-p",
        f"{var / 'nginx'}/",
        "-c",
        f"{conf['etc']}/nginx.conf",
        "-e",
        str(var / "log" / "nginx-error.log"),
    ]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        sys.exit(f"nginx refuses {conf['etc']}/nginx.conf:\n{checked.stderr}")
    pid = _running(conf, "nginx")
    if pid:
        # Already running: re-read the configuration (the clients may have changed).
        os.kill(pid, signal.SIGHUP)
        print("nginx is already running; it re-reads its configuration.")
        process = None
    else:
        process = _spawn(conf, "nginx", command, "nginx-stdout.log")
    url = f"http://{_local(conf['lb_host'])}:{conf['lb_port']}/vnarchive"
    if not _wait_for_http(url, 60, process):
        sys.exit(f"nginx did not answer at {url}; see {var}/log/nginx-error.log")
    print(f"The load balancer serves vnarchive at {url}")


# ---- Actions ----


def _check_storage(conf):
    """Refuse to start clients of one storage beside running clients of the other."""
    marker = Path(conf["var"]) / "running-storage"
    previous = marker.read_text().strip() if marker.exists() else conf["storage"]
    if previous != conf["storage"] and any(
        _running(conf, name) for name in _components(conf) if name != "nginx"
    ):
        sys.exit(
            f"vnarchive runs with VNARCHIVE_STORAGE={previous} in {conf['var']}; "
            "stop it first (make stop)."
        )
    marker.write_text(conf["storage"] + "\n")


def start(conf):
    Path(conf["var"], "log").mkdir(parents=True, exist_ok=True)
    nginx = _nginx_binary() if conf["lb"] else None
    if _pg_private(conf):
        _pg_bindir(conf)
        _pg_account()
    _check_storage(conf)
    render(conf)
    solr = _start_solr(conf, wait=False)
    if conf["storage"] == "zeo":
        process = _spawn(
            conf,
            "zeoserver",
            [str(BIN / "runzeo"), "-C", f"{conf['etc']}/zeo.conf"],
            "zeo-stdout.log",
        )
        if not _wait_for_port(conf["zeo_address"], process=process):
            sys.exit(f"ZEO did not start; see {conf['var']}/log/zeo.log")
    elif _pg_private(conf):
        _start_postgresql(conf)
    _create_site(conf)
    _configure_solr(conf, solr)
    processes = {
        client: _spawn(
            conf,
            client,
            [str(BIN / "runwsgi"), f"{conf['etc']}/zope-{client}.ini"],
            f"{client}-stdout.log",
        )
        for client in client_names(conf)
    }
    for offset, client in enumerate(client_names(conf)):
        host = _local(conf["http_host"])
        url = f"http://{host}:{conf['http_port'] + offset}/vnarchive"
        if not _wait_for_http(url, process=processes[client]):
            sys.exit(f"{client} did not answer; see {conf['var']}/log/{client}.log")
        print(f"vnarchive is served at {url}")
    if nginx:
        _start_nginx(conf, nginx)
    _start_workers(conf)


# ---- Solr (solr/, scripts/solrctl.py, scripts/solr_sync.py) ----


def _solrctl():
    sys.path.insert(0, str(ROOT / "scripts"))
    import solrctl

    return solrctl


def _start_solr(conf, wait=True):
    """Build and start Solr unless it is off; returns (process or None, core URL or "")."""
    if conf["solr_url"]:
        return None, conf["solr_url"]
    if not conf["solr"]:
        return None, ""
    solrctl = _solrctl()
    missing = solrctl.missing_tools()
    if missing:
        print(solrctl.MISSING.format(missing=", ".join(missing)))
        return None, ""
    try:
        solrctl.build()
    except RuntimeError as error:
        print(error)
        return None, ""
    var = Path(conf["var"])
    (var / "solr").mkdir(parents=True, exist_ok=True)
    address = f"{_local(conf['solr_host'])}:{conf['solr_port']}"
    if not _running(conf, "solr") and _wait_for_port(address, seconds=0.1):
        print(
            f"Cổng {address} đang bị chiếm: Solr không khởi động được; tìm kiếm dùng danh mục. "
            f"Đặt VNARCHIVE_SOLR_PORT khác. / Port {address} is taken: Solr cannot start and "
            "search uses the catalog. Set another VNARCHIVE_SOLR_PORT."
        )
        return None, ""
    solrctl.secure(var / "solr")
    process = _spawn(
        conf,
        "solr",
        solrctl.command(conf["solr_port"], var / "solr", conf["solr_host"]),
        "solr.log",
    )
    url = solrctl.core_url(conf["solr_port"], conf["solr_host"])
    if wait and not _wait_for_solr(conf, process, url):
        return None, ""
    return process, url


def _solr_credentials(conf):
    """Environment that gives the site Solr's credentials (the file made by solrctl.secure
    for a Solr started here; the operator's variables for a Solr run elsewhere)."""
    if conf["solr_url"]:
        return {}
    return {
        "VNARCHIVE_SOLR_CREDENTIALS": str(
            Path(conf["var"]) / "solr" / "credentials.json"
        )
    }


def _solr_secret(conf):
    solrctl = _solrctl()
    env = dict(os.environ, **_solr_credentials(conf))
    if env.get("VNARCHIVE_SOLR_LOGIN") and env.get("VNARCHIVE_SOLR_PASSWORD"):
        return {
            "login": env["VNARCHIVE_SOLR_LOGIN"],
            "password": env["VNARCHIVE_SOLR_PASSWORD"],
        }
    login, password = solrctl.read_credentials(
        env.get("VNARCHIVE_SOLR_CREDENTIALS", "")
    )
    return {"login": login, "password": password} if login and password else None


def _wait_for_solr(conf, process, url):
    if _solrctl().wait(url, seconds=180, process=process, secret=_solr_secret(conf)):
        print(f"Solr serves the vnarchive core at {url}")
        return True
    print(
        f"Solr không trả lời tại {url}: tìm kiếm dùng danh mục của Plone; xem "
        f"{conf['var']}/log/solr.log. / Solr does not answer at {url}: search uses the "
        f"Plone catalog; see {conf['var']}/log/solr.log."
    )
    return False


def _configure_solr(conf, started):
    """Point the site at Solr (or at nothing) and let Solr catch up with the catalog."""
    process, url = started
    if not conf["solr"] and not conf["solr_url"]:
        return  # VNARCHIVE_SOLR=0: Solr is not managed here; the site's settings stay
    if url and not _wait_for_solr(conf, process, url):
        url = ""
    done = subprocess.run(
        [
            str(BIN / "zconsole"),
            "run",
            f"{conf['etc']}/zope-{client_names(conf)[0]}.conf",
            str(ROOT / "scripts" / "solr_sync.py"),
            "--configure",
        ],
        env=dict(os.environ, VNARCHIVE_SOLR_URL=url, **_solr_credentials(conf)),
    )
    if done.returncode not in (0, 1):
        print("Solr: the site searches its catalog (see above).")


def solr_start(conf):
    """Start Solr alone (make solr-start) and wait until it answers."""
    Path(conf["var"], "log").mkdir(parents=True, exist_ok=True)
    if conf["solr_url"] or not conf["solr"]:
        sys.exit("Solr is off here (VNARCHIVE_SOLR=0 or VNARCHIVE_SOLR_URL is set).")
    process, url = _start_solr(conf)
    if not url:
        sys.exit(1)


def solr_stop(conf):
    """Stop Solr alone (make solr-stop): SIGTERM, the core closes cleanly."""
    _stop_components(conf, ["solr"])


# ---- Digitization workers (scripts/worker.py) ----


def _worker_command(conf):
    return [
        str(BIN / "python"),
        str(ROOT / "scripts" / "worker.py"),
        "--conf",
        f"{conf['etc']}/zope-{client_names(conf)[0]}.conf",
    ]


def _start_workers(conf):
    """Start VNARCHIVE_WORKERS workers; they share the clients' database and the queue."""
    names = worker_names(conf)
    if not names:
        return
    (Path(conf["var"]) / "queue").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, VNARCHIVE_VAR=conf["var"], OMP_THREAD_LIMIT="1")
    started = {
        name: _spawn(conf, name, _worker_command(conf), f"{name}.log", env=env)
        for name in names
    }
    started = {name: process for name, process in started.items() if process}
    if started:
        time.sleep(1)
    dead = [name for name, process in started.items() if not _alive(process)]
    if dead:
        sys.exit(
            f"{', '.join(dead)} stopped at once; see {conf['var']}/log/{dead[0]}.log"
        )
    queue = os.environ.get("VNARCHIVE_REDIS_URL") and "Redis" or "VAR/queue/huey.db"
    print(f"{len(names)} digitization workers run (queue: {queue})")


def _components(conf):
    """What may run, in the order to stop it: configured, or found by its pidfile."""
    found = {path.stem for path in Path(conf["var"]).glob("client*.pid")}
    clients = sorted(
        found | set(client_names(conf)),
        key=lambda name: int(name[len("client") :] or 0),
        reverse=True,
    )
    found_workers = {path.stem for path in Path(conf["var"]).glob("worker*.pid")}
    workers = sorted(
        found_workers | set(worker_names(conf)),
        key=lambda name: int(name[len("worker") :] or 0),
        reverse=True,
    )
    return ["nginx", *workers, *clients, "solr", "zeoserver", "postgresql"]


def _gone(pid):
    """True when `pid` has exited, even if its new parent has not reaped it yet."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "Z"  # a zombie


def stop(conf):
    _stop_components(conf, _components(conf))


def _stop_components(conf, names):
    for name in names:
        pid = _running(conf, name)
        if pid is None:
            continue
        if name == "postgresql":
            # Fast shutdown (SIGINT) of the postmaster, which stops its own processes;
            # then immediate shutdown (SIGQUIT); SIGKILL only as the last resort.
            steps = [(os.kill, signal.SIGINT, 60), (os.kill, signal.SIGQUIT, 10)]
        else:
            steps = [(os.killpg, signal.SIGTERM, 10)]
        for send, signum, seconds in steps:
            try:
                send(pid, signum)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not _gone(pid):
                time.sleep(0.1)
            if _gone(pid):
                break
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        _pidfile(conf, name).unlink(missing_ok=True)
        print(f"stopped {name}")


def status(conf):
    marker = Path(conf["var"]) / "running-storage"
    if marker.exists():  # what start last ran here, whatever this environment says
        conf = dict(conf, storage=marker.read_text().strip())
    configured = {
        "zeoserver": conf["storage"] == "zeo",
        "postgresql": _pg_private(conf),
        "nginx": conf["lb"],
        **dict.fromkeys(client_names(conf), True),
        **dict.fromkeys(worker_names(conf), True),
        "solr": conf["solr"],
    }
    for name in reversed(_components(conf)):
        pid = _running(conf, name)
        if pid or configured.get(name):
            print(f"{name}: {'running, pid ' + str(pid) if pid else 'stopped'}")


def serve_zeo(conf):
    """Render instance/etc and run the ZEO server in the foreground (containers, systemd)."""
    render(conf)
    runzeo = str(BIN / "runzeo")
    os.execv(runzeo, [runzeo, "-C", f"{conf['etc']}/zeo.conf"])


def serve_client(conf):
    """Render, wait for the database, run client VNARCHIVE_CLIENT_NUMBER [1] in the foreground.

    Client 1 creates the site when it is missing; the others serve what client 1 made, so
    that several containers starting at once never race to create it.
    """
    number = int(os.environ.get("VNARCHIVE_CLIENT_NUMBER", "1"))
    conf = dict(conf, clients=max(conf["clients"], number))
    render(conf)
    if conf["storage"] == "zeo":
        address = conf["zeo_address"]
    else:
        address = _dsn_address(_pg_dsn(conf))
    if address and not _wait_for_port(address, seconds=300):
        sys.exit(f"The database does not answer at {address}")
    if number == 1:
        _create_site(conf)
        # A Solr run elsewhere (the compose file's `solr` service), or the catalog.
        _configure_solr(conf, (None, conf["solr_url"]))
    runwsgi = str(BIN / "runwsgi")
    os.execv(
        runwsgi, [runwsgi, f"{conf['etc']}/zope-{client_names(conf)[number - 1]}.ini"]
    )


def serve_worker(conf):
    """Render, wait for the database, run one digitization worker in the foreground.

    The worker itself waits until client 1 has created the site.
    """
    render(conf)
    if conf["storage"] == "zeo":
        address = conf["zeo_address"]
    else:
        address = _dsn_address(_pg_dsn(conf))
    if address and not _wait_for_port(address, seconds=300):
        sys.exit(f"The database does not answer at {address}")
    (Path(conf["var"]) / "queue").mkdir(parents=True, exist_ok=True)
    os.environ.update(VNARCHIVE_VAR=conf["var"], OMP_THREAD_LIMIT="1")
    command = _worker_command(conf)
    os.execv(command[0], command)


ACTIONS = {
    "start": start,
    "stop": stop,
    "status": status,
    "render": render,
    "serve-zeo": serve_zeo,
    "serve-client": serve_client,
    "serve-worker": serve_worker,
    "solr-start": solr_start,
    "solr-stop": solr_stop,
}

if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    ACTIONS[action](settings())
