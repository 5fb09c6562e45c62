"""Build and run vnarchive's Solr (solr/): used by ctl.py, the Makefile and the test fixtures.

    python scripts/solrctl.py build      mvn package in solr/ (offline when ~/.m2 has it all)
    python scripts/solrctl.py check      tell whether java and mvn are here
    python scripts/solrctl.py credentials VAR
                                         make (once) the credentials and security.json of a
                                         Solr whose var directory is VAR (for a Solr run
                                         elsewhere: docs/operations.md)

Running it is ctl.py's job (``make solr-start``, ``make start``): `secure(var)` gives Solr its
BasicAuth credentials, `command()` is the launcher's command line, `wait()` waits until the
core answers its ping.

Solr never runs open: `secure(var)` makes, the first time, a login and a random password in
``VAR/credentials.json`` (mode 0600, never committed: VAR is instance/var/solr or a test's
temporary directory) and writes ``VAR/home/security.json`` (0600), which the launcher keeps
beside the solr home it copies: Solr's BasicAuthPlugin with ``blockUnknown`` (every request,
ping included, needs the credentials) and RuleBasedAuthorizationPlugin (the one user may do
everything). Solr stores ``base64(sha256(sha256(salt + password))) + " " + base64(salt)``
(Sha256AuthenticationProvider), so the password itself is only in credentials.json. The site
gets it through collective.solr's ``solr_login``/``solr_password`` records
(vnarchive.search.connection.configure, from VNARCHIVE_SOLR_LOGIN/VNARCHIVE_SOLR_PASSWORD or the
file named by VNARCHIVE_SOLR_CREDENTIALS).
"""

from pathlib import Path

import base64
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request


ROOT = Path(__file__).resolve().parent.parent
SOLR = ROOT / "solr"
TARGET = SOLR / "target"
MAIN_CLASS = "org.vnarchive.solr.Launcher"
CORE = "vnarchive"
LOGIN = "vnarchive"
CREDENTIALS = "credentials.json"

MISSING = (
    "Không có Java hoặc Maven: trang web tìm kiếm bằng danh mục (catalog) của Plone thay vì Solr. "
    "Cài openjdk-17-jdk-headless và maven rồi chạy lại.\n"
    "Java or Maven is missing ({missing}): the site searches its Plone catalog instead of Solr. "
    "Install openjdk-17-jdk-headless and maven, then start again."
)


def missing_tools():
    """The names of the tools missing to build and run Solr ([] when all are here)."""
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def built():
    """True when solr/target holds the launcher and its jars, newer than the sources."""
    launcher = TARGET / "classes" / "org" / "vnarchive" / "solr" / "Launcher.class"
    jars = TARGET / "lib"
    if (
        not launcher.exists()
        or not jars.is_dir()
        or not any(jars.glob("solr-core-*.jar"))
    ):
        return False
    sources = [SOLR / "pom.xml", *SOLR.glob("src/**/*.java")]
    return all(path.stat().st_mtime <= launcher.stat().st_mtime for path in sources)


def build(force=False, out=sys.stdout):
    """mvn package in solr/: offline first (~/.m2 holds everything after one build)."""
    if built() and not force:
        return
    missing = missing_tools()
    if missing:
        raise RuntimeError(MISSING.format(missing=", ".join(missing)))
    base = ["mvn", "-B", "-q", "-f", str(SOLR / "pom.xml"), "package"]
    for command in ([*base[:1], "-o", *base[1:]], base):
        done = subprocess.run(command, cwd=SOLR, capture_output=True, text=True)
        if done.returncode == 0:
            return
    out.write(done.stdout[-4000:] + done.stderr[-4000:])
    raise RuntimeError(
        "Không dựng được Solr (mvn package) / could not build Solr (mvn package): see above"
    )


def command(port, var, host="127.0.0.1", memory=None):
    """The launcher's command line: Solr on host:port, solr home and index under `var`.

    Heap: `memory`, else VNARCHIVE_SOLR_HEAP [512m] (1g or more for 100,000 records)."""
    memory = memory or os.environ.get("VNARCHIVE_SOLR_HEAP", "512m")
    classpath = f"{TARGET / 'classes'}:{TARGET / 'lib'}/*"
    return [
        "java",
        f"-Xmx{memory}",
        "-Dlog4j2.formatMsgNoLookups=true",
        "-cp",
        classpath,
        MAIN_CLASS,
        "--port",
        str(port),
        "--host",
        host,
        "--home",
        str(SOLR / "home"),
        "--var",
        str(var),
    ]


def password_hash(password, salt=None):
    """What Solr's security.json keeps for `password`: "base64(sha256(sha256(salt + password)))
    base64(salt)" (Solr's Sha256AuthenticationProvider; salt 32 random bytes)."""
    salt = secrets.token_bytes(32) if salt is None else salt
    digest = hashlib.sha256(hashlib.sha256(salt + password.encode()).digest()).digest()
    return f"{base64.b64encode(digest).decode()} {base64.b64encode(salt).decode()}"


def security_config(login, password):
    """security.json: BasicAuth for every request, the one user may do everything."""
    return {
        "authentication": {
            "class": "solr.BasicAuthPlugin",
            "blockUnknown": True,
            "forwardCredentials": False,
            "realm": "vnarchive Solr",
            "credentials": {login: password_hash(password)},
        },
        "authorization": {
            "class": "solr.RuleBasedAuthorizationPlugin",
            "permissions": [{"name": "all", "role": "admin"}],
            "user-role": {login: ["admin"]},
        },
    }


def _write_private(path, text):
    """Write `text` to `path` readable by its owner only (0600), replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(text)
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def credentials(var):
    """{"login", "password"} of the Solr in `var`, made at the first call (0600 file)."""
    path = Path(var) / CREDENTIALS
    if not path.exists():
        secret = {"login": LOGIN, "password": secrets.token_urlsafe(32)}
        _write_private(path, json.dumps(secret) + "\n")
    os.chmod(path, 0o600)
    secret = json.loads(path.read_text())
    return {"login": secret["login"], "password": secret["password"]}


def secure(var):
    """Make Solr in `var` require its credentials (security.json in VAR/home); return them."""
    secret = credentials(var)
    config = security_config(secret["login"], secret["password"])
    _write_private(Path(var) / "home" / "security.json", json.dumps(config, indent=2))
    return secret


def read_credentials(path):
    """(login, password) from a credentials.json, or ("", "") when there is none."""
    try:
        secret = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return "", ""
    return secret.get("login", ""), secret.get("password", "")


def authorization(secret):
    """The Authorization header value for `secret` ({"login", "password"} or None)."""
    if not secret:
        return None
    token = f"{secret['login']}:{secret['password']}".encode()
    return "Basic " + base64.b64encode(token).decode()


def core_url(port, host="127.0.0.1"):
    host = "127.0.0.1" if host in ("", "0.0.0.0", "*") else host  # noqa: S104 - a test
    return f"http://{host}:{port}/solr/{CORE}"


def ping(url, timeout=2, secret=None):
    """True when the core at `url` answers its ping with OK (with `secret`'s credentials)."""
    request = urllib.request.Request(f"{url}/admin/ping?wt=json")
    if secret:
        request.add_header("Authorization", authorization(secret))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.loads(answer.read()).get("status") == "OK"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def wait(url, seconds=120, process=None, secret=None):
    """Wait until the core answers; False when time runs out or `process` ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ping(url, secret=secret):
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.25)
    return False


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "check"
    if action == "build":
        try:
            build(force="--force" in sys.argv)
        except RuntimeError as error:
            sys.exit(str(error))
        print(f"Solr built in {TARGET}")
    elif action == "check":
        missing = missing_tools()
        if missing:
            sys.exit(MISSING.format(missing=", ".join(missing)))
        print("java and mvn are here")
    elif action == "credentials" and len(sys.argv) == 3:
        var = Path(sys.argv[2]).resolve()
        secure(var)
        print(f"{var / CREDENTIALS} (login and password, 0600)")
        print(f"{var / 'home' / 'security.json'} (copy into the solr home)")
    else:
        sys.exit(f"usage: {sys.argv[0]} build|check|credentials VAR")
