"""Web benchmark: vnarchive against vanilla Plone in the same Zope, one and two clients.

    make bench-web                      # or: .venv/bin/python bench/web.py [options]
    make bench-web BENCH_ARGS="--rounds 3 --clients 1,2,2lb --json figures.json"

Starts a temporary instance with scripts/ctl.py (ZEO, Solr and data under a temporary
directory, free ports from 18180 on, never 8080/8100/8983, no digitization workers: see
bench/harness/instance.py), creates the site with the demo holdings, then,
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
and it deletes its temporary directory (unless --keep). The instance, wrk, the CPU
accounting and the tables are bench/harness's.
"""

from harness import load
from harness.instance import BENCH
from harness.instance import CTL
from harness.instance import HOST
from harness.instance import temporary_instance
from harness.report import fmt
from harness.report import machine
from harness.report import table
from harness.report import tool_version
from harness.report import write_json
from pathlib import Path

import argparse
import shutil
import sys
import urllib.request


KINDS = ("page", "rest", "search")
SITES = ("ours", "vanilla")
CPU_ROLES = ("zope", "zeo", "nginx", "wrk", "other")  # the cpu_* figures of a cell


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
    parser.add_argument("--ctl", type=Path, default=CTL)
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir")
    return parser.parse_args()


def topology(spec):
    """`1`, `2`: clients reached directly; `2lb`: through nginx."""
    lb = spec.endswith("lb")
    clients = int(spec[:-2] if lb else spec)
    label = f"{clients} via nginx" if lb else str(clients)
    return label, clients, lb


def body_size(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return len(response.read())


def warm(instance, urls):
    """Every URL a few times on every client: templates compiled, caches filled."""
    for port in instance.client_ports():
        for path in urls:
            for _ in range(5):
                body_size(f"http://{HOST}:{port}{path}")


# ---- the run -----------------------------------------------------------------------------


def answers(instance):
    """The vanilla site and its pages (bench/vanilla_site.py): paths, sizes, hits."""
    print("creating the vanilla site and its pages…", flush=True)
    info = instance.zconsole(BENCH / "vanilla_site.py", BENCH_BASE=instance.base)
    for site in SITES:
        info[site]["search_bytes"] = body_size(instance.base + info[site]["search"])
    return info


def measure_topology(instance, args, label, info, results):
    """Every kind, ours then vanilla, `args.rounds` times; the best round of each cell
    in `results` with the requests/s of every round."""
    warm(instance, [info[site][kind] for site in SITES for kind in KINDS])
    for round_ in range(args.rounds):
        for kind in KINDS:
            for site in SITES:
                load.wait_for_quiet(args.quiet, args.quiet_wait)
                cell = load.wrk_cell(
                    instance,
                    instance.base + info[site][kind],
                    args.connections,
                    args.duration,
                    args.warmup,
                )
                key = (kind, label, site)
                seen = [*results.get(key, {}).get("rounds_rps", []), cell["rps"]]
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
    about = dict(machine(), wrk=tool_version("wrk", "-v"))
    results, info = {}, None
    with temporary_instance("vnarchive-bench-", args.keep, args.ctl) as instance:
        print(
            f"temporary instance in {instance.tmp}; clients on {instance.port}+, "
            f"ZEO on {instance.ports['zeo']}",
            flush=True,
        )
        for label, clients, lb in topologies:
            print(f"starting ZEO and {label} client(s)…", flush=True)
            instance.start(clients, lb)
            info = info or answers(instance)
            measure_topology(instance, args, label, info, results)
            instance.stop()
    print()
    print(report(results, info, settings, about))
    if args.json:
        write_json(
            args.json,
            {
                "machine": about,
                "settings": settings,
                "answers": info,
                "results": [
                    {"kind": k, "clients": c, "site": s, **cell}
                    for (k, c, s), cell in results.items()
                ],
            },
        )


# ---- the report --------------------------------------------------------------------------


def report(results, info, settings, about):
    labels, quiet = settings["topologies"], settings["quiet"]
    first = labels[0]
    sizes = [
        [kind, *(f"{info[site][kind + '_bytes']:,}" for site in SITES)]
        for kind in KINDS
    ]
    sizes.append(["search hits", *(info[site]["hits"] for site in SITES)])
    rows, scaling = _comparisons(results, labels, quiet)
    lines = [
        f"Machine: {about['cpus']} × {about['cpu']}, {about['memory_gb']} GB, "
        f"{about['os']}, kernel {about['kernel']}, Python {about['python']}, "
        f"{about['wrk']}; load average before the run {' '.join(about['loadavg_before'])}.",
        f"Each cell: {settings['warmup']} s warm-up then {settings['duration']} s of wrk, "
        f"{settings['connections']} connections per Zope client (waitress threads: 4), "
        f"best of {settings['rounds']} round(s) (in brackets: the range over the rounds); "
        "anonymous; two clients without nginx: wrk threads round-robin over the client "
        "ports. Cost ours ÷ vanilla = vanilla req/s ÷ ours req/s (target ≤ 1.5).",
        "",
        table(["answer (body bytes)", *SITES], sizes, "lrr"),
        "",
        table(
            [
                "request",
                "clients",
                "ours req/s",
                "ours p50 / p95 ms",
                "vanilla req/s",
                "vanilla p50 / p95 ms",
                "cost ours ÷ vanilla",
            ],
            rows,
            "llrrrrr",
        ),
    ]
    if any(_mark(cell, quiet) for cell in results.values()):
        lines += [
            "",
            f"\\* other work on the machine used more than {settings['quiet']} % of a "
            "core during this measurement (see the CPU table).",
        ]
    if len(labels) > 1:
        lines += [
            "",
            table(
                [
                    "request",
                    "clients",
                    f"ours ÷ {first} client",
                    f"vanilla ÷ {first} client",
                ],
                scaling,
                "llrr",
            ),
        ]
    lines += [
        "",
        "CPU during each measurement, in % of one core (the machine has "
        f"{about['cpus'] * 100} %):",
        "",
        table(
            [
                "request",
                "clients",
                "site",
                "Zope clients",
                "ZEO",
                "nginx",
                "wrk",
                "everything else",
                "errors",
            ],
            [
                [kind, label, site]
                + [fmt(cell[f"cpu_{role}"], 0) for role in CPU_ROLES]
                + [cell["errors"]]
                for (kind, label, site), cell in results.items()
            ],
            "lllrrrrrr",
        ),
    ]
    return "\n".join(lines)


def _comparisons(results, labels, quiet):
    """The rows of the ours/vanilla table and of the scaling table, kind by kind."""
    rows, scaling, first = [], [], labels[0]
    for kind in KINDS:
        for label in labels:
            ours, vanilla = (results.get((kind, label, site)) for site in SITES)
            if ours and vanilla:
                rows.append([kind, label, _rps(ours, quiet), _latency(ours)])
                rows[-1] += [_rps(vanilla, quiet), _latency(vanilla)]
                rows[-1] += [_ratio(vanilla, ours)]
        for label in labels[1:]:
            cells = [
                (results.get((kind, label, site)), results.get((kind, first, site)))
                for site in SITES
            ]
            if all(a and b for a, b in cells):
                scaling.append([kind, label, *(_ratio(a, b) for a, b in cells)])
    return rows, scaling


def _mark(cell, quiet):
    """The footnote mark of a cell measured while other work used the machine."""
    return " \\*" if cell["cpu_other"] > quiet else ""


def _rps(cell, quiet):
    spread = cell["rounds_rps"]
    text = fmt(cell["rps"]) + _mark(cell, quiet)
    if len(spread) > 1:
        text += f" ({fmt(min(spread), 0)}–{fmt(max(spread), 0)})"
    return text


def _latency(cell):
    return f"{fmt(cell['p50_ms'])} / {fmt(cell['p95_ms'])}"


def _ratio(a, b):
    return f"{fmt(a['rps'] / b['rps'], 2)}×"


def main():
    run(parse_args())


if __name__ == "__main__":
    main()
