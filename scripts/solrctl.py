"""Build and run vnarchive's Solr (solr/): used by ctl.py, the Makefile and the test fixtures.

    python scripts/solrctl.py build      mvn package in solr/ (offline when ~/.m2 has it all)
    python scripts/solrctl.py check      tell whether java and mvn are here

Running it is ctl.py's job (``make solr-start``, ``make start``): `command()` is the launcher's
command line, `wait()` waits until the core answers its ping.
"""

from pathlib import Path

import json
import os
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


def core_url(port, host="127.0.0.1"):
    host = "127.0.0.1" if host in ("", "0.0.0.0", "*") else host
    return f"http://{host}:{port}/solr/{CORE}"


def ping(url, timeout=2):
    """True when the core at `url` answers its ping with OK."""
    try:
        with urllib.request.urlopen(
            f"{url}/admin/ping?wt=json", timeout=timeout
        ) as answer:
            return json.loads(answer.read()).get("status") == "OK"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def wait(url, seconds=120, process=None):
    """Wait until the core answers; False when time runs out or `process` ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ping(url):
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
    else:
        sys.exit(f"usage: {sys.argv[0]} build|check")
