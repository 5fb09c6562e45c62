"""Web benchmark: vnarchive against vanilla Plone in the same Zope, one and two clients.

    make bench-web                      # or: .venv/bin/python bench/web.py [options]
    make bench-web BENCH_ARGS="--rounds 3 --clients 1,2,2lb --json figures.json"

Starts a temporary instance with scripts/ctl.py (ZEO and data under a temporary directory,
free ports from 18180 on, never 8080/8100), creates the site with the demo holdings, then,
through bench/vanilla_site.py, a vanilla Plone classic site in the same Zope with a Page of
about the size of our published document page (and one whose REST answer is about the size
of ours). Then, with VNARCHIVE_CLIENTS=1 and again with 2, it measures with wrk, for a fixed
time after a warm-up, the throughput and latency of anonymous

    page     our published document page      vs  the vanilla page
    rest     ++api++ of our document          vs  ++api++ of the vanilla page
    search   ++api++/@search?SearchableText=  on both sites (as many hits on both)

ours and vanilla one after the other for each kind, so both see the same machine. With two
clients wrk's threads go round-robin straight to the clients' ports (VNARCHIVE_LB=0), so
what is measured is Zope; `--clients 2lb` measures two clients through ctl.py's nginx load
balancer too. It prints Markdown tables: requests/s, p50/p95 latency, the cost ratio
ours ÷ vanilla (target ≤ 1.5), the scaling from one client to two, the sizes of the answers
and where the CPU went during each measurement.

Needs Debian's wrk (`apt-get install wrk`; nginx for `2lb`). Everything it starts it stops,
and it deletes its temporary directory (unless --keep).
"""

from pathlib import Path

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
KINDS = ("page", "rest", "search")
SITES = ("ours", "vanilla")
TICKS = os.sysconf("SC_CLK_TCK")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds per cell [10]"
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up [3]")
    parser.add_argument(
        "--connections",
        type=int,
        default=4,
        help="connections per Zope client (its waitress threads) [4]",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every cell this many times, keep the best [1]",
    )
    parser.add_argument(
        "--clients",
        default="1,2",
        help="topologies: numbers of clients, `2lb` = two behind nginx [1,2]",
    )
    parser.add_argument(
        "--quiet",
        type=int,
        default=30,
        help="before each cell, wait until other work uses less than this %% of a core [30]",
    )
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=60,
        help="... but for at most this many seconds [60]",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--ctl", type=Path, default=ROOT / "scripts" / "ctl.py")
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir")
    return parser.parse_args()


# ---- the instance ------------------------------------------------------------------------


def free_ports():
    """(http, zeo, lb): http, http+1, zeo and lb free on the loopback, not 8080/8100."""

    def free(port):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, port))
            except OSError:
                return False
            return True

    for base in range(18180, 19000, 10):
        if all(free(port) for port in (base, base + 1, base + 5, base + 6)):
            return base, base + 5, base + 6
    sys.exit("no free ports between 18180 and 19000")


def topology(spec):
    """`1`, `2`: clients reached directly; `2lb`: through nginx."""
    lb = spec.endswith("lb")
    clients = int(spec[:-2] if lb else spec)
    label = f"{clients} via nginx" if lb else str(clients)
    return label, clients, lb


class Instance:
    def __init__(self, ctl, tmp, port, zeo, lb_port):
        self.ctl, self.tmp, self.port, self.lb_port = ctl, tmp, port, lb_port
        env = {k: v for k, v in os.environ.items() if not k.startswith("VNARCHIVE_")}
        env.update(
            VNARCHIVE_VAR=str(tmp / "var"),
            VNARCHIVE_ETC=str(tmp / "etc"),
            VNARCHIVE_STORAGE="zeo",
            VNARCHIVE_ZEO=f"{HOST}:{zeo}",
            VNARCHIVE_HOST=HOST,
            VNARCHIVE_PORT=str(port),
            VNARCHIVE_LB_HOST=HOST,
            VNARCHIVE_LB_PORT=str(lb_port),
            VNARCHIVE_ADMIN_PASSWORD=os.urandom(12).hex(),
        )
        self.env = env
        self.log = tmp / "bench.log"
        self.clients, self.lb = 0, False

    def _ctl(self, action, timeout=600):
        env = dict(
            self.env,
            VNARCHIVE_CLIENTS=str(self.clients),
            VNARCHIVE_LB="1" if self.lb else "0",
        )
        with open(self.log, "a") as log:
            log.write(f"\n$ ctl.py {action} ({self.clients} clients, lb={self.lb})\n")
            log.flush()
            result = subprocess.run(
                [sys.executable, str(self.ctl), action],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if result.returncode:
            print(self.log.read_text()[-3000:], file=sys.stderr)
            raise RuntimeError(f"ctl.py {action} failed ({result.returncode})")

    def start(self, clients, lb):
        self.clients, self.lb = clients, lb
        self._ctl("start")

    def stop(self):
        if self.clients:
            self._ctl("stop", timeout=120)
            self.clients, self.lb = 0, False

    def targets(self):
        """(ports wrk talks to, wrk threads)."""
        if self.lb:
            return [self.lb_port], self.clients
        return [self.port + offset for offset in range(self.clients)], self.clients

    def client_ports(self):
        return [self.port + offset for offset in range(self.clients)]

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

    def zconsole(self, script, **env):
        result = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(self.tmp / "etc" / "zope-client1.conf"),
                str(script),
            ],
            env=dict(self.env, **env),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        with open(self.log, "a") as log:
            log.write(result.stdout + result.stderr)
        lines = [
            line for line in result.stdout.splitlines() if line.startswith("BENCH ")
        ]
        if result.returncode or not lines:
            print(result.stderr[-3000:], file=sys.stderr)
            raise RuntimeError(f"{script.name} failed ({result.returncode})")
        return json.loads(lines[-1][len("BENCH ") :])


# ---- measuring ---------------------------------------------------------------------------


def _stat(pid):
    """(ppid, CPU seconds of the process and its waited-for children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None, 0.0
    # fields[0] is field 3 (state); ppid is field 4; utime..cstime are fields 14..17.
    return int(fields[1]), sum(int(value) for value in fields[11:15]) / TICKS


def cpu_by_role(pids):
    """CPU seconds so far of each role's processes and of their direct children."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid, seconds = _stat(entry.name)
            children.setdefault(ppid, []).append(seconds)
    return {
        role: sum(_stat(pid)[1] + sum(children.get(pid, ())) for pid in role_pids)
        for role, role_pids in pids.items()
    }


def busy_seconds():
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


def wrk(url, ports, threads, connections, seconds):
    env = dict(os.environ, BENCH_HOST=HOST, BENCH_PORTS=",".join(map(str, ports)))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
        url,
    ]
    before = os.times()
    result = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    after = os.times()
    lines = [line for line in result.stdout.splitlines() if line.startswith("WRK ")]
    if result.returncode or not lines:
        raise RuntimeError(f"wrk failed: {result.stdout}{result.stderr}")
    figures = json.loads(lines[-1][len("WRK ") :])
    figures["wrk_cpu"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return figures


def wait_for_quiet(limit, seconds):
    """Wait (at most `seconds`) until the machine is busy less than `limit` % of a core.

    Between two measurements our processes are idle, so what keeps the machine busy is
    someone else's work, which would take CPU from the measurement. Returns that load.
    """
    deadline = time.monotonic() + seconds
    while True:
        busy0 = busy_seconds()
        time.sleep(1)
        load = 100 * (busy_seconds() - busy0)
        if load < limit or time.monotonic() >= deadline:
            return load
        time.sleep(2)


def measure(instance, url, connections, duration, warmup):
    """One cell: `connections` per Zope client, wrk threads spread over the targets."""
    ports, threads = instance.targets()
    total = connections * instance.clients
    if warmup:
        wrk(url, ports, threads, total, warmup)
    pids = instance.pids()
    cpu0 = cpu_by_role(pids)
    busy0, self0, wall0 = busy_seconds(), time.process_time(), time.monotonic()
    figures = wrk(url, ports, threads, total, duration)
    wall = time.monotonic() - wall0
    cpu = {role: value - cpu0[role] for role, value in cpu_by_role(pids).items()}
    busy = busy_seconds() - busy0
    mine = time.process_time() - self0
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures[key] for key in figures if key.endswith("_errors"))
    errors += figures["timeouts"]
    ours = sum(cpu.values()) + figures["wrk_cpu"] + mine
    return {
        "rps": figures["requests"] / seconds,
        "requests": figures["requests"],
        "errors": errors,
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "bytes_per_response": figures["bytes"] / max(figures["requests"], 1),
        # CPU used during the measurement, in % of one core.
        "cpu_zope": 100 * cpu["zope"] / wall,
        "cpu_zeo": 100 * cpu["zeo"] / wall,
        "cpu_nginx": 100 * cpu["nginx"] / wall,
        "cpu_wrk": 100 * figures["wrk_cpu"] / wall,
        "cpu_other": 100 * max(busy - ours, 0) / wall,
    }


def body_size(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return len(response.read())


def warm(instance, urls):
    """Every URL a few times on every client: templates compiled, caches filled."""
    for port in instance.client_ports():
        for path in urls:
            for _ in range(5):
                body_size(f"http://{HOST}:{port}{path}")


# ---- the report --------------------------------------------------------------------------


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": _os_name(),
        "python": platform.python_version(),
        "wrk": (version.stdout or version.stderr).split("\n")[0].strip(),
        "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
    }


def _os_name():
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def fmt(value, digits=1):
    return f"{value:,.{digits}f}"


def report(results, info, settings, about):
    lines = []
    add = lines.append
    labels = settings["topologies"]

    def rps(cell):
        spread = cell["rounds_rps"]
        text = fmt(cell["rps"]) + mark(cell)
        if len(spread) > 1:
            text += f" ({fmt(min(spread), 0)}–{fmt(max(spread), 0)})"
        return text

    def mark(cell):
        return " \\*" if cell["cpu_other"] > settings["quiet"] else ""

    add(
        f"Machine: {about['cpus']} × {about['cpu']}, {about['memory_gb']} GB, "
        f"{about['os']}, kernel {about['kernel']}, Python {about['python']}, "
        f"{about['wrk']}; load average before the run {' '.join(about['loadavg_before'])}."
    )
    add(
        f"Each cell: {settings['warmup']} s warm-up then {settings['duration']} s of wrk, "
        f"{settings['connections']} connections per Zope client (waitress threads: 4), "
        f"best of {settings['rounds']} round(s) (in brackets: the range over the rounds); "
        "anonymous; two clients without nginx: wrk threads round-robin over the client "
        "ports. Cost ours ÷ vanilla = vanilla req/s ÷ ours req/s (target ≤ 1.5)."
    )
    add("")
    add("| answer (body bytes) | ours | vanilla |")
    add("|---|---:|---:|")
    for kind in KINDS:
        add(
            f"| {kind} | {info['ours'][kind + '_bytes']:,} | "
            f"{info['vanilla'][kind + '_bytes']:,} |"
        )
    add(f"| search hits | {info['ours']['hits']} | {info['vanilla']['hits']} |")
    add("")
    add(
        "| request | clients | ours req/s | ours p50 / p95 ms | vanilla req/s | "
        "vanilla p50 / p95 ms | cost ours ÷ vanilla |"
    )
    add("|---|---|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        for label in labels:
            ours = results.get((kind, label, "ours"))
            vanilla = results.get((kind, label, "vanilla"))
            if not ours or not vanilla:
                continue
            add(
                f"| {kind} | {label} | {rps(ours)} | "
                f"{fmt(ours['p50_ms'])} / {fmt(ours['p95_ms'])} | "
                f"{rps(vanilla)} | "
                f"{fmt(vanilla['p50_ms'])} / {fmt(vanilla['p95_ms'])} | "
                f"{fmt(vanilla['rps'] / ours['rps'], 2)}× |"
            )
    if any(mark(cell) for cell in results.values()):
        add("")
        add(
            f"\\* other work on the machine used more than {settings['quiet']} % of a "
            "core during this measurement (see the CPU table)."
        )
    if len(labels) > 1:
        first = labels[0]
        add("")
        add(f"| request | clients | ours ÷ {first} client | vanilla ÷ {first} client |")
        add("|---|---|---:|---:|")
        for kind in KINDS:
            for label in labels[1:]:
                cells = [
                    (results.get((kind, label, site)), results.get((kind, first, site)))
                    for site in SITES
                ]
                if all(a and b for a, b in cells):
                    ratios = " | ".join(
                        f"{fmt(a['rps'] / b['rps'], 2)}×" for a, b in cells
                    )
                    add(f"| {kind} | {label} | {ratios} |")
    add("")
    add(
        "CPU during each measurement, in % of one core (the machine has "
        f"{about['cpus'] * 100} %):"
    )
    add("")
    add(
        "| request | clients | site | Zope clients | ZEO | nginx | wrk "
        "| everything else | errors |"
    )
    add("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for (kind, label, site), cell in results.items():
        add(
            f"| {kind} | {label} | {site} | {fmt(cell['cpu_zope'], 0)} | "
            f"{fmt(cell['cpu_zeo'], 0)} | {fmt(cell['cpu_nginx'], 0)} | "
            f"{fmt(cell['cpu_wrk'], 0)} | {fmt(cell['cpu_other'], 0)} | "
            f"{cell['errors']} |"
        )
    return "\n".join(lines)


# ---- the run -----------------------------------------------------------------------------


def run(args):
    if shutil.which("wrk") is None:
        sys.exit("bench-web needs wrk: apt-get install wrk")
    topologies = [topology(spec.strip()) for spec in args.clients.split(",")]
    settings = {
        "duration": args.duration,
        "warmup": args.warmup,
        "connections": args.connections,
        "rounds": args.rounds,
        "topologies": [label for label, _, _ in topologies],
        "quiet": args.quiet,
    }
    about = machine()
    tmp = Path(tempfile.mkdtemp(prefix="vnarchive-bench-"))
    port, zeo, lb_port = free_ports()
    instance = Instance(args.ctl, tmp, port, zeo, lb_port)
    results, info = {}, None
    print(f"temporary instance in {tmp}; clients on {port}+, ZEO on {zeo}", flush=True)
    try:
        for label, clients, lb in topologies:
            print(f"starting ZEO and {label} client(s)…", flush=True)
            instance.start(clients, lb)
            if info is None:
                print("creating the vanilla site and its pages…", flush=True)
                info = instance.zconsole(
                    ROOT / "bench" / "vanilla_site.py",
                    BENCH_BASE=f"http://{HOST}:{port}",
                )
                for site in SITES:
                    info[site]["search_bytes"] = body_size(
                        f"http://{HOST}:{port}{info[site]['search']}"
                    )
            warm(instance, [info[site][kind] for site in SITES for kind in KINDS])
            for round_ in range(args.rounds):
                for kind in KINDS:
                    for site in SITES:
                        url = f"http://{HOST}:{port}{info[site][kind]}"
                        wait_for_quiet(args.quiet, args.quiet_wait)
                        cell = measure(
                            instance, url, args.connections, args.duration, args.warmup
                        )
                        key = (kind, label, site)
                        seen = [
                            *results.get(key, {}).get("rounds_rps", []),
                            cell["rps"],
                        ]
                        if key not in results or cell["rps"] > results[key]["rps"]:
                            results[key] = cell
                        results[key]["rounds_rps"] = seen
                        print(
                            f"  round {round_ + 1} {kind:6} {label:11} {site:7} "
                            f"{cell['rps']:8.1f} req/s  p50 {cell['p50_ms']:7.1f} ms  "
                            f"p95 {cell['p95_ms']:7.1f} ms  errors {cell['errors']}  "
                            f"other load {cell['cpu_other']:3.0f} %",
                            flush=True,
                        )
            instance.stop()
    finally:
        try:
            instance.stop()
        finally:
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    text = report(results, info, settings, about)
    print()
    print(text)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": about,
                    "settings": settings,
                    "answers": info,
                    "results": [
                        {"kind": k, "clients": c, "site": s, **cell}
                        for (k, c, s), cell in results.items()
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )


def main():
    args = parse_args()
    # Stop the instance on SIGTERM too (KeyboardInterrupt already unwinds through finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    run(args)


if __name__ == "__main__":
    main()
