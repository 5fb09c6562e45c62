"""Search benchmark: 100,000 documents in Solr, queries through Plone REST vs straight to Solr.

    make bench-search                         # or: .venv/bin/python bench/search.py [options]
    make bench-search BENCH_ARGS="--docs 20000 --plone-docs 2000 --requests 50"

1. Starts a temporary instance with scripts/ctl.py (ZEO, one Zope client, Solr, the site with
   the demo holdings; everything under a temporary directory, on free ports).
2. Indexing, straight to Solr: `--docs` generated documents (realistic archival metadata and
   about a page of Vietnamese text each, as OCR page 1), in exactly the shape collective.solr
   indexes a record (UID, path_string/path_parents, allowedRolesAndUsers, effective/expires,
   review_state, portal_type, the archival fields, SearchableText, page_1), posted in batches
   of 1,000 with one commit at the end. 85 % are public (`Anonymous`), the rest staff-only.
3. Indexing through Plone: `--plone-docs` documents created with vnarchive's own
   `create_record` in a `zconsole run` beside the running client, each with a page of OCR
   text (catalog + collective.solr, one commit per 100), which is what an import does.
4. Latency, sequential, one client, anonymous: for each kind of query (a word, a phrase, a
   folded Vietnamese query, a facet filter, a year range) `--requests` different queries
   through Plone REST (`++api++/@archive-search`) and the very same Solr requests the service
   sends (same parameters, same permission filter, computed by the service itself in the
   zconsole step) straight to Solr's /select, interleaved, after a warm-up.
   zconsole step, bench/search_site.py) straight to Solr's /select, interleaved, after a
   warm-up.
5. Catalog fallback: Solr switched off in the registry, the same queries as admin through
   Plone REST, answered by the catalog over `--catalog-docs` records (10,000 by default).
6. Prints the tables (Markdown) and stops everything; the temporary directory is deleted
   unless --keep.

Targets (issue 4): Plone adds < 2x over direct Solr at p95; p95 through Plone < 150 ms.
The instance and the tables are bench/harness's, the generated documents and queries
bench/search_data.py's.
"""

from concurrent.futures import ThreadPoolExecutor
from harness.instance import BENCH
from harness.instance import SITE
from harness.instance import temporary_instance
from harness.load import timed
from harness.report import fmt
from harness.report import percentile
from harness.report import table
from harness.report import write_json
from search_data import generated
from search_data import KINDS
from search_data import queries
from search_data import SEED

import argparse
import json
import os
import random
import statistics
import time
import urllib.parse


SITE_SCRIPT = BENCH / "search_site.py"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--docs", type=int, default=100_000, help="straight to Solr [100000]"
    )
    parser.add_argument(
        "--plone-docs",
        type=int,
        default=1000,
        help="through Plone (create_record) [1000]",
    )
    parser.add_argument(
        "--catalog-docs",
        type=int,
        default=10_000,
        help="records in the catalog for the fallback (those beyond --plone-docs are "
        "added quickly, Solr off) [10000]",
    )
    parser.add_argument(
        "--requests", type=int, default=60, help="queries per kind [60]"
    )
    parser.add_argument(
        "--fallback-requests",
        type=int,
        default=30,
        help="queries per kind, catalog [30]",
    )
    parser.add_argument("--json", help="write the figures to this file too")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    return parser.parse_args()


def post_to_solr(session, solr, documents):
    response = session.post(f"{solr}/update", json=documents, timeout=600)
    response.raise_for_status()


def index_direct(session, solr, count, site_path, batch=1000, threads=2):
    """Post `count` generated documents, `threads` batches at a time; one commit at the end."""
    import requests

    rng = random.Random(SEED)
    started = time.perf_counter()
    sessions = [requests.Session() for _ in range(threads)]
    for each in sessions:
        each.auth = session.auth
    with ThreadPoolExecutor(threads) as pool:
        pending = []
        for index, first in enumerate(range(0, count, batch)):
            documents = [
                generated(number, rng, site_path)
                for number in range(first + 1, min(count, first + batch) + 1)
            ]
            pending.append(
                pool.submit(post_to_solr, sessions[index % threads], solr, documents)
            )
            if len(pending) >= threads * 2:
                pending.pop(0).result()
        for future in pending:
            future.result()
    commit = session.get(f"{solr}/update", params={"commit": "true"}, timeout=600)
    commit.raise_for_status()
    return time.perf_counter() - started


def measure(session, instance, plan, solr_params, auth=None, direct=True, warmup=5):
    """{kind: {"plone": [ms], "solr": [ms], "hits": [n]}} over the planned queries: each
    through Plone REST and (if `direct`) the same query straight to Solr, interleaved."""
    results = {}
    api = f"{instance.site}/++api++/@archive-search"
    for kind, items in plan.items():
        plone_ms, solr_ms, hits = [], [], []
        for index, params in enumerate(items):
            elapsed, response = timed(
                lambda params=params: session.get(
                    api,
                    params=params,
                    auth=auth,
                    headers={"Accept": "application/json"},
                    timeout=120,
                )
            )
            data = response.json()
            if index >= warmup:
                plone_ms.append(elapsed)
                hits.append(data["items_total"])
            if direct:
                body = urllib.parse.urlencode(solr_params[kind][index], doseq=True)
                elapsed, _answer = timed(
                    lambda body=body: session.post(
                        f"{instance.solr}/select",
                        data=body.encode(),
                        headers={"Content-Type": FORM},
                        timeout=120,
                    )
                )
                if index >= warmup:
                    solr_ms.append(elapsed)
        results[kind] = {"plone": plone_ms, "solr": solr_ms, "hits": hits}
    return results


def run(args):
    import requests

    session = requests.Session()
    report = {"settings": vars(args).copy()}
    with temporary_instance("vnarchive-bench-search-", args.keep) as instance:
        print(
            f"Starting ZEO, Zope, Solr and the site (log: {instance.log}) …", flush=True
        )
        started = time.perf_counter()
        instance.start(clients=1)
        report["start_seconds"] = time.perf_counter() - started
        session.auth = instance.solr_auth()  # Solr asks for its credentials (BasicAuth)
        report["load_before"] = os.getloadavg()

        print(f"Indexing {args.docs:,} documents straight to Solr …", flush=True)
        seconds = index_direct(session, instance.solr, args.docs, f"/{SITE}")
        report["direct"] = {"docs": args.docs, "seconds": seconds}

        print(f"Indexing {args.plone_docs:,} documents through Plone …", flush=True)
        report["plone_index"] = instance.zconsole(
            SITE_SCRIPT, "index", str(args.plone_docs)
        )
        fill = max(0, args.catalog_docs - args.plone_docs)
        if fill:
            print(
                f"Filling the catalog with {fill:,} more documents (Solr off) …",
                flush=True,
            )
            report["catalog_fill"] = instance.zconsole(SITE_SCRIPT, "fill", str(fill))

        plan = queries(random.Random(SEED + 1), args.requests + 5)
        plan_file = instance.tmp / "plan.json"
        plan_file.write_text(json.dumps(plan, ensure_ascii=False))
        solr_params = instance.zconsole(SITE_SCRIPT, "params", str(plan_file))
        everything = {"q": "*:*", "rows": 0, "wt": "json"}
        found = session.get(f"{instance.solr}/select", params=everything).json()
        report["in_solr"] = found["response"]["numFound"]

        print("Measuring: Plone REST vs Solr …", flush=True)
        report["solr"] = measure(session, instance, plan, solr_params)

        print("Measuring: catalog fallback (Solr off) …", flush=True)
        admin = ("admin", instance.password)
        instance.zconsole(SITE_SCRIPT, "solr", "off")
        fallback_plan = {
            kind: items[: args.fallback_requests + 5] for kind, items in plan.items()
        }
        report["catalog"] = measure(
            session, instance, fallback_plan, solr_params, auth=admin, direct=False
        )
        report["catalog_docs"] = instance.zconsole(SITE_SCRIPT, "count")["records"]
        report["load_after"] = os.getloadavg()
        instance.zconsole(SITE_SCRIPT, "solr", "on")
        print("Stopping …", flush=True)
    print_report(report)
    if args.json:
        write_json(args.json, report)


def print_report(report):
    def rate(figures):
        docs, seconds = figures["docs"], figures["seconds"]
        return [f"{docs:,}", fmt(seconds), fmt(docs / seconds)]

    indexing = [
        ["straight to Solr (batches of 1,000, one commit)", *rate(report["direct"])],
        [
            "through Plone (create_record, catalog + collective.solr, commit per 100)",
            *rate(report["plone_index"]),
        ],
    ]
    if "catalog_fill" in report:
        indexing.append(
            [
                "into the catalog only (plone.api content.create, Solr off; for the "
                "fallback)",
                *rate(report["catalog_fill"]),
            ]
        )
    queried, fallback = [], []
    for kind in KINDS:
        cell = report["solr"][kind]
        p50, p95 = percentile(cell["plone"], 0.5), percentile(cell["plone"], 0.95)
        s50, s95 = percentile(cell["solr"], 0.5), percentile(cell["solr"], 0.95)
        ratio = p95 / s95
        ok = "✓" if p95 < 150 and ratio < 2 else "✗"
        hits = f"{statistics.median(cell['hits']):,.0f}"
        queried.append([kind, hits, fmt(p50), fmt(p95), fmt(s50), fmt(s95)])
        queried[-1] += [f"{ratio:.2f}", ok]
        cell = report["catalog"][kind]
        hits = f"{statistics.median(cell['hits']):,.0f}"
        p50, p95 = percentile(cell["plone"], 0.5), percentile(cell["plone"], 0.95)
        fallback.append([kind, hits, fmt(p50), fmt(p95)])
    loads = [
        ", ".join(f"{value:.1f}" for value in report.get(key, ()))
        for key in ("load_before", "load_after")
    ]
    print()
    print("### Indexing")
    print()
    print(table(["path", "documents", "seconds", "documents/s"], indexing, "lrrr"))
    print()
    print(
        f"Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} "
        f"({os.cpu_count()} cores)"
    )
    print()
    print(
        f"### Queries at {report['in_solr']:,} documents in Solr (anonymous, one client)"
    )
    print()
    header = ["query", "hits (median)", "Plone p50 ms", "Plone p95 ms", "Solr p50 ms"]
    header += ["Solr p95 ms", "Plone ÷ Solr at p95", "targets"]
    print(table(header, queried, "lrrrrrrl"))
    print()
    print(
        f"### Catalog fallback at {report['catalog_docs']:,} records (Solr off, as admin)"
    )
    print()
    header = ["query", "hits (median)", "p50 ms", "p95 ms"]
    print(table(header, fallback, "lrrr"))


if __name__ == "__main__":
    run(parse_args())
