"""Driving load and seeing where the CPU went meanwhile.

wrk (Debian's, with bench/wrk.lua) for throughput and latency under concurrency; `timed`
for sequential requests one at a time; the CPU of the instance's processes, of wrk, of this
process and of everything else on the machine, from /proc.
"""

from harness.instance import BENCH
from harness.instance import HOST
from pathlib import Path

import json
import os
import subprocess
import time


TICKS = os.sysconf("SC_CLK_TCK")


# -- CPU -------------------------------------------------------------------------------


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


# -- wrk -------------------------------------------------------------------------------


def wrk(url, ports, threads, connections, seconds):
    """wrk's figures (bench/wrk.lua's WRK line), its threads round-robin over `ports`;
    plus `wrk_cpu`, the CPU seconds wrk used."""
    env = dict(os.environ, BENCH_HOST=HOST, BENCH_PORTS=",".join(map(str, ports)))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk.lua"),
        url,
    ]
    before = os.times()
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    after = os.times()
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRK ")]
    if done.returncode or not lines:
        raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    figures = json.loads(lines[-1][len("WRK ") :])
    figures["wrk_cpu"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return figures


def wrk_cell(instance, url, connections, duration, warmup):
    """One measurement of `url` on the running instance: `connections` per Zope client,
    wrk's threads spread over the clients (or nginx), after `warmup` seconds of the same.
    Requests/s, latency percentiles, errors, and the CPU, in % of one core, of the Zope
    clients, ZEO, nginx, wrk and everything else during the measurement."""
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
        "cpu_zope": 100 * cpu["zope"] / wall,
        "cpu_zeo": 100 * cpu["zeo"] / wall,
        "cpu_nginx": 100 * cpu["nginx"] / wall,
        "cpu_wrk": 100 * figures["wrk_cpu"] / wall,
        "cpu_other": 100 * max(busy - ours, 0) / wall,
    }


# -- one request at a time ---------------------------------------------------------------


def timed(call):
    """(milliseconds, response) of `call()`, a requests call; raises on an HTTP error."""
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, response
