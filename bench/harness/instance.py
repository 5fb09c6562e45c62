"""A temporary vnarchive instance for a benchmark, started and stopped with scripts/ctl.py.

Everything lives under a temporary directory (VNARCHIVE_VAR and VNARCHIVE_ETC) and listens
on 127.0.0.1 on a block of free ports from 18180 on, never the usual 8080/8100/8983: the
Zope clients on PORT and PORT+1, ZEO on PORT+5, nginx on PORT+6, Solr on PORT+7. ZEO, the
site with the demo holdings and Solr as ctl.py starts them; the number of clients and the
load balancer as the benchmark asks; no digitization workers (VNARCHIVE_WORKERS=0: they
would import the demo batch, with OCR, while the benchmark measures).
"""

from pathlib import Path

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile


BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
CTL = ROOT / "scripts" / "ctl.py"
HOST = "127.0.0.1"
SITE = "vnarchive"
# Offsets from the first client's port; the second client is on PORT+1.
OFFSETS = {"http": 0, "zeo": 5, "lb": 6, "solr": 7}


def _free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def free_ports():
    """{'http': …, 'zeo': …, 'lb': …, 'solr': …}: a block of free ports from 18180 on."""
    for base in range(18180, 19000, 10):
        if all(_free(base + offset) for offset in (1, *OFFSETS.values())):
            return {name: base + offset for name, offset in OFFSETS.items()}
    sys.exit("no free ports between 18180 and 19000")


@contextlib.contextmanager
def scratch_dir(prefix, keep=False):
    """A temporary directory, deleted at the end unless `keep`."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        if keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def temporary_instance(prefix="vnarchive-bench-", keep=False, ctl=CTL):
    """An Instance in a scratch directory (not started yet). Whatever it started is
    stopped at the end, on SIGTERM too (Ctrl-C already unwinds through `finally`)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    with scratch_dir(prefix, keep) as tmp:
        instance = Instance(tmp, ctl)
        try:
            yield instance
        finally:
            instance.stop()


class Instance:
    def __init__(self, tmp, ctl=CTL):
        self.tmp, self.ctl = tmp, Path(ctl)
        self.ports = free_ports()
        self.port = self.ports["http"]
        self.password = os.urandom(12).hex()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VNARCHIVE_")}
        env.update(
            VNARCHIVE_VAR=str(tmp / "var"),
            VNARCHIVE_ETC=str(tmp / "etc"),
            VNARCHIVE_STORAGE="zeo",
            VNARCHIVE_ZEO=f"{HOST}:{self.ports['zeo']}",
            VNARCHIVE_HOST=HOST,
            VNARCHIVE_PORT=str(self.port),
            VNARCHIVE_LB_HOST=HOST,
            VNARCHIVE_LB_PORT=str(self.ports["lb"]),
            VNARCHIVE_SOLR="1",
            VNARCHIVE_SOLR_PORT=str(self.ports["solr"]),
            VNARCHIVE_WORKERS="0",
            VNARCHIVE_ADMIN_PASSWORD=self.password,
        )
        self.env = env
        self.log = tmp / "bench.log"
        self.base = f"http://{HOST}:{self.port}"  # client1
        self.site = f"{self.base}/{SITE}"
        self.solr = f"http://{HOST}:{self.ports['solr']}/solr/vnarchive"
        self.clients, self.lb = 0, False

    # -- ctl.py ------------------------------------------------------------------------

    def _ctl(self, action, timeout):
        env = dict(
            self.env,
            VNARCHIVE_CLIENTS=str(self.clients),
            VNARCHIVE_LB="1" if self.lb else "0",
        )
        with open(self.log, "a") as log:
            log.write(f"\n$ ctl.py {action} ({self.clients} clients, lb={self.lb})\n")
            log.flush()
            done = subprocess.run(
                [sys.executable, str(self.ctl), action],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if done.returncode:
            print(self.log.read_text()[-3000:], file=sys.stderr)
            raise RuntimeError(f"ctl.py {action} failed ({done.returncode})")

    def start(self, clients=1, lb=False):
        """ZEO, `clients` Zope clients (behind nginx if `lb`), Solr, the site."""
        self.clients, self.lb = clients, lb
        self._ctl("start", timeout=900)

    def stop(self):
        if self.clients:
            self._ctl("stop", timeout=300)
            self.clients, self.lb = 0, False

    # -- what runs -----------------------------------------------------------------------

    def client_ports(self):
        return [self.port + offset for offset in range(self.clients)]

    def targets(self):
        """(ports a load generator talks to, its threads: one per client)."""
        if self.lb:
            return [self.ports["lb"]], self.clients
        return self.client_ports(), self.clients

    def pids(self):
        """{'zope': [...], 'zeo': [...], 'nginx': [...]} from ctl.py's pid files."""
        found = {"zope": [], "zeo": [], "nginx": []}
        for path in sorted((self.tmp / "var").glob("*.pid")):
            try:
                pid = int(path.read_text().strip())
            except ValueError:
                continue
            for role, prefix in (
                ("zope", "client"),
                ("zeo", "zeo"),
                ("nginx", "nginx"),
            ):
                if path.stem.startswith(prefix):
                    found[role].append(pid)
        return found

    def solr_auth(self):
        """(login, password) of the Solr ctl.py started (made at its first start)."""
        sys.path.insert(0, str(ROOT / "scripts"))
        import solrctl

        return solrctl.read_credentials(
            Path(self.env["VNARCHIVE_VAR"]) / "solr" / solrctl.CREDENTIALS
        )

    def zconsole(self, script, *args, timeout=3600, **env):
        """Run `script` inside Zope (`zconsole run`, a ZEO client beside the running ones)
        with `args` after it and `env` added; returns the JSON of its last `BENCH ` line."""
        pythonpath = [str(BENCH), *filter(None, [os.environ.get("PYTHONPATH")])]
        done = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(self.tmp / "etc" / "zope-client1.conf"),
                str(script),
                *args,
            ],
            env=dict(self.env, PYTHONPATH=os.pathsep.join(pythonpath), **env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        with open(self.log, "a") as log:
            log.write(f"\n$ zconsole run {Path(script).name} {' '.join(args)}\n")
            log.write(done.stdout + done.stderr)
        lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
        if done.returncode or not lines:
            print(done.stderr[-3000:], file=sys.stderr)
            raise RuntimeError(f"{Path(script).name} {args} failed ({done.returncode})")
        return json.loads(lines[-1][len("BENCH ") :])
