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
5. Catalog fallback: Solr switched off in the registry, the same queries as admin through
   Plone REST, answered by the catalog over the `--plone-docs` records (10,000 by default).
6. Prints the tables (Markdown) and stops everything; the temporary directory is deleted
   unless --keep.

Targets (issue 4): Plone adds < 2x over direct Solr at p95; p95 through Plone < 150 ms.
"""

from pathlib import Path

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid


# zconsole runs this file without __file__ (its path is then the script argument).
THIS = Path(globals().get("__file__") or sys.argv[3]).resolve()
ROOT = THIS.parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SITE = "vnarchive"
KINDS = ("word", "phrase", "folded", "facet", "years")
SEED = 20261121

# -- Generated documents ---------------------------------------------------------------------

WORDS = [
    "lưu trữ",
    "tài liệu",
    "hồ sơ",
    "báo cáo",
    "tổng kết",
    "kế hoạch",
    "ngân sách",
    "đất đai",
    "xây dựng",
    "giao thông",
    "nông nghiệp",
    "thủy lợi",
    "giáo dục",
    "y tế",
    "văn hóa",
    "du lịch",
    "biên giới",
    "quốc phòng",
    "an ninh",
    "tổ chức",
    "cán bộ",
    "bổ nhiệm",
    "khen thưởng",
    "kỷ luật",
    "thanh tra",
    "khiếu nại",
    "tố cáo",
    "dân số",
    "lao động",
    "việc làm",
    "thương mại",
    "công nghiệp",
    "điện lực",
    "bưu điện",
    "ngân hàng",
    "thuế",
    "hải quan",
    "môi trường",
    "tài nguyên",
    "khoáng sản",
    "rừng",
    "biển",
    "đảo",
    "thiên tai",
    "bão lụt",
    "hạn hán",
    "cứu trợ",
    "chính sách",
    "dân tộc",
    "tôn giáo",
    "hợp tác",
    "quốc tế",
    "hữu nghị",
    "đối ngoại",
    "hội nghị",
    "nghị quyết",
    "chỉ thị",
    "quy hoạch",
    "đô thị",
    "nông thôn",
    "xóa đói",
    "giảm nghèo",
    "chuyển đổi số",
    "số hóa",
    "phát triển",
    "kinh tế",
    "xã hội",
    "công tác",
    "triển khai",
    "thực hiện",
    "tăng cường",
    "quản lý",
    "nhà nước",
    "ủy ban",
    "nhân dân",
    "tỉnh",
    "huyện",
    "xã",
    "phường",
    "thị trấn",
    "đường bộ",
    "cầu cống",
    "trường học",
    "bệnh viện",
    "chợ",
    "điện nước",
    "nhà ở",
    "đền bù",
    "giải phóng mặt bằng",
    "đầu tư",
    "dự án",
    "vốn",
    "kiểm tra",
    "giám sát",
    "đánh giá",
    "thống kê",
    "điều tra",
    "báo chí",
    "xuất bản",
    "thư viện",
    "bảo tàng",
    "di tích",
    "lễ hội",
    "thể thao",
    "thanh niên",
    "phụ nữ",
    "trẻ em",
    "người cao tuổi",
    "cựu chiến binh",
    "liệt sĩ",
    "thương binh",
    "chính sách xã hội",
    "bảo hiểm",
    "tiền lương",
    "biên chế",
    "đào tạo",
    "bồi dưỡng",
]  # noqa: SIM905
PLACES = [
    "Quảng Trị",
    "Đông Hà",
    "Vĩnh Linh",
    "Gio Linh",
    "Cam Lộ",
    "Triệu Phong",
    "Hải Lăng",
    "Hướng Hóa",
    "Đakrông",
    "Cồn Cỏ",
    "Lao Bảo",
    "Khe Sanh",
    "Cửa Việt",
    "Bình Trị Thiên",
    "Huế",
    "Đà Nẵng",
    "Hà Nội",
]  # noqa: SIM905
ISSUERS = [
    "Ủy ban nhân dân tỉnh Quảng Trị",
    "Hội đồng nhân dân tỉnh Quảng Trị",
    "Sở Nội vụ tỉnh Quảng Trị",
    "Sở Tài chính tỉnh Quảng Trị",
    "Sở Giao thông vận tải",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Ủy ban nhân dân huyện Vĩnh Linh",
    "Ủy ban nhân dân thị xã Đông Hà",
    "Ủy ban nhân dân tỉnh Bình Trị Thiên",
    "Ban Chỉ huy quân sự tỉnh",
]  # noqa: SIM905
TYPES = ("01", "02", "03", "07", "08", "10", "14", "15", "20", "22")
TYPE_NAMES = {
    "01": "Nghị quyết",
    "02": "Quyết định",
    "03": "Chỉ thị",
    "07": "Thông báo",
    "08": "Hướng dẫn",
    "10": "Kế hoạch",
    "14": "Báo cáo",
    "15": "Tờ trình",
    "20": "Biên bản",
    "22": "Công văn",
}
FONDS = ("UBQT", "HDQT", "SNV", "STC", "SGT", "BTT")
FILLER = [
    "về việc",
    "theo",
    "của",
    "cho",
    "trong",
    "năm",
    "các",
    "những",
    "đã",
    "được",
    "để",
    "và",
    "với",
    "tại",
    "trên",
    "địa bàn",
    "đề nghị",
    "căn cứ",
    "thực hiện",
    "ý kiến",
    "kết quả",
    "nội dung",
    "đồng chí",
    "cơ quan",
    "đơn vị",
]  # noqa: SIM905


def fold(text):
    import unicodedata

    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("đ", "d").replace("Đ", "D").lower()


def page_text(rng, words=260):
    """About a page of administrative Vietnamese."""
    out = []
    while len(out) < words:
        sentence = [rng.choice(FILLER), rng.choice(WORDS), rng.choice(FILLER)]
        sentence += [rng.choice(WORDS), rng.choice(FILLER), rng.choice(WORDS)]
        if rng.random() < 0.3:
            sentence += ["tỉnh", rng.choice(PLACES)]
        if rng.random() < 0.2:
            sentence += ["năm", str(rng.randint(1945, 2024))]
        out += " ".join(sentence).split()
        out[-1] += "."
    return " ".join(out)


def generated(number, rng, site_path):
    year = rng.randint(1950, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.choice(TYPES)
    subject = f"{rng.choice(WORDS)} {rng.choice(WORDS)} tại {rng.choice(PLACES)}"
    title = f"{number}/{kind}-UBND: {TYPE_NAMES[kind]} về {subject} năm {year}"
    fonds = rng.choice(FONDS)
    code = f"000.00.00.H56.{year}.{number % 97:02d}.BM.{number:07d}"
    text = page_text(rng)
    issuer = rng.choice(ISSUERS)
    public = rng.random() < 0.85
    path = f"{site_path}/bench/{fonds.lower()}/doc-{number}"
    stamp = f"{year}-{month:02d}-{day:02d}T00:00:00Z"
    return {
        "UID": uuid.UUID(int=rng.getrandbits(128)).hex,
        "id": f"doc-{number}",
        "getId": f"doc-{number}",
        "portal_type": "ArchivalDocument",
        "Type": "Tài liệu",
        "review_state": "published" if public else "archived",
        "allowedRolesAndUsers": ["Anonymous"]
        if public
        else ["Manager", "Site Administrator", "Archivist", "ArchiveHead", "Appraiser"],
        "path_string": path,
        "path_parents": [
            site_path,
            f"{site_path}/bench",
            f"{site_path}/bench/{fonds.lower()}",
            path,
        ],
        "path_depth": 4,
        "created": stamp,
        "modified": stamp,
        "effective": "2020-01-01T00:00:00Z",
        "expires": "2499-12-31T00:00:00Z",
        "Title": title,
        "sortable_title": title.lower()[:40],
        "Description": subject,
        "SearchableText": f"{title} {code} {subject} {issuer} {text}",
        "page_1": text,
        "page_count": 1,
        "archival_code": code,
        "archival_codes": [code],
        "fonds_code": fonds,
        "document_type": kind,
        "issuer": issuer,
        "access_mode": "01" if public else rng.choice(("02", "03")),
        "retention": rng.choice(("01", "02", "04", "06")),
        "reliability": "02",
        "record_language": ["01"],
        "date_start": year * 10000 + month * 100 + day,
        "date_end": year * 10000 + month * 100 + day,
    }


def queries(rng, count):
    """`count` different queries of each kind, as @archive-search parameters."""
    found = {kind: [] for kind in KINDS}
    for _ in range(count):
        word = rng.choice(WORDS)
        found["word"].append({"q": word})
        phrase = f"{TYPE_NAMES[rng.choice(TYPES)].lower()} về {rng.choice(WORDS)}"
        found["phrase"].append({"q": f'"{phrase}"'})
        found["folded"].append({"q": fold(f"{rng.choice(WORDS)} {rng.choice(WORDS)}")})
        found["facet"].append(
            {"q": rng.choice(WORDS), "document_type": rng.choice(TYPES)}
        )
        first = rng.randint(1950, 2015)
        found["years"].append(
            {"q": rng.choice(WORDS), "year_from": str(first), "year_to": str(first + 9)}
        )
    return found


# -- Running things --------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Instance:
    def __init__(self, tmp):
        self.tmp = tmp
        env = {k: v for k, v in os.environ.items() if not k.startswith("VNARCHIVE_")}
        self.port = free_port()
        self.solr_port = free_port()
        self.password = os.urandom(12).hex()
        env.update(
            VNARCHIVE_VAR=str(tmp / "var"),
            VNARCHIVE_ETC=str(tmp / "etc"),
            VNARCHIVE_STORAGE="zeo",
            VNARCHIVE_ZEO=f"{HOST}:{free_port()}",
            VNARCHIVE_HOST=HOST,
            VNARCHIVE_PORT=str(self.port),
            VNARCHIVE_CLIENTS="1",
            VNARCHIVE_LB="0",
            VNARCHIVE_SOLR="1",
            VNARCHIVE_SOLR_PORT=str(self.solr_port),
            VNARCHIVE_ADMIN_PASSWORD=self.password,
        )
        self.env = env
        self.log = tmp / "bench.log"
        self.site = f"http://{HOST}:{self.port}/{SITE}"
        self.solr = f"http://{HOST}:{self.solr_port}/solr/vnarchive"

    def solr_auth(self):
        """(login, password) of the Solr ctl.py started (made at its first start)."""
        sys.path.insert(0, str(ROOT / "scripts"))
        import solrctl

        return solrctl.read_credentials(
            Path(self.env["VNARCHIVE_VAR"]) / "solr" / solrctl.CREDENTIALS
        )

    def ctl(self, action, timeout=900):
        with open(self.log, "a") as log:
            log.write(f"\n$ ctl.py {action}\n")
            log.flush()
            done = subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "ctl.py"), action],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if done.returncode:
            print(self.log.read_text()[-3000:], file=sys.stderr)
            raise RuntimeError(f"ctl.py {action} failed ({done.returncode})")

    def zconsole(self, *args, timeout=3600):
        """Run this file inside Zope (a ZEO client beside the running one)."""
        conf = Path(self.env["VNARCHIVE_ETC"]) / "zope-client1.conf"
        with open(self.log, "a") as log:
            done = subprocess.run(
                [str(BIN / "zconsole"), "run", str(conf), str(THIS), "--zope", *args],
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=timeout,
                check=False,
            )
        if done.returncode:
            print(self.log.read_text()[-3000:], file=sys.stderr)
            raise RuntimeError(f"zconsole {args[0]} failed ({done.returncode})")
        return json.loads(done.stdout.strip().splitlines()[-1])


def post_to_solr(session, solr, documents):
    response = session.post(f"{solr}/update", json=documents, timeout=600)
    response.raise_for_status()


def index_direct(session, solr, count, site_path, batch=1000, threads=2):
    """Post `count` generated documents, `threads` batches at a time; one commit at the end."""
    from concurrent.futures import ThreadPoolExecutor

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
    session.get(
        f"{solr}/update", params={"commit": "true"}, timeout=600
    ).raise_for_status()
    return time.perf_counter() - started


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(call):
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, response


def measure(session, instance, plan, solr_params, auth=None, direct=True, warmup=5):
    """{kind: {"plone": [ms], "solr": [ms], "hits": [n]}} over the planned queries."""
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
                        headers={
                            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"
                        },
                        timeout=120,
                    )
                )
                if index >= warmup:
                    solr_ms.append(elapsed)
        results[kind] = {"plone": plone_ms, "solr": solr_ms, "hits": hits}
    return results


def fmt(value):
    return f"{value:,.1f}" if value is not None else "–"


def run(args):
    import requests

    tmp = Path(tempfile.mkdtemp(prefix="vnarchive-bench-search-"))
    instance = Instance(tmp)
    session = requests.Session()
    report = {"settings": vars(args).copy()}
    try:
        print(
            f"Starting ZEO, Zope, Solr and the site (log: {instance.log}) …", flush=True
        )
        started = time.perf_counter()
        instance.ctl("start")
        report["start_seconds"] = time.perf_counter() - started
        session.auth = instance.solr_auth()  # Solr asks for its credentials (BasicAuth)
        report["load_before"] = os.getloadavg()
        site_path = f"/{SITE}"

        print(f"Indexing {args.docs:,} documents straight to Solr …", flush=True)
        seconds = index_direct(session, instance.solr, args.docs, site_path)
        report["direct"] = {"docs": args.docs, "seconds": seconds}

        print(f"Indexing {args.plone_docs:,} documents through Plone …", flush=True)
        report["plone_index"] = instance.zconsole("index", str(args.plone_docs))

        fill = max(0, args.catalog_docs - args.plone_docs)
        if fill:
            print(
                f"Filling the catalog with {fill:,} more documents (Solr off) …",
                flush=True,
            )
            report["catalog_fill"] = instance.zconsole("fill", str(fill))

        rng = random.Random(SEED + 1)
        plan = queries(rng, args.requests + 5)
        plan_file = tmp / "plan.json"
        plan_file.write_text(json.dumps(plan, ensure_ascii=False))
        solr_params = instance.zconsole("params", str(plan_file))
        in_solr = session.get(
            f"{instance.solr}/select", params={"q": "*:*", "rows": 0, "wt": "json"}
        ).json()["response"]["numFound"]
        report["in_solr"] = in_solr

        print("Measuring: Plone REST vs Solr …", flush=True)
        report["solr"] = measure(session, instance, plan, solr_params)

        print("Measuring: catalog fallback (Solr off) …", flush=True)
        admin = ("admin", instance.password)
        instance.zconsole("solr", "off")
        fallback_plan = {
            kind: items[: args.fallback_requests + 5] for kind, items in plan.items()
        }
        report["catalog"] = measure(
            session, instance, fallback_plan, solr_params, auth=admin, direct=False
        )
        report["catalog_docs"] = instance.zconsole("count")["records"]
        report["load_after"] = os.getloadavg()
        instance.zconsole("solr", "on")
    finally:
        print("Stopping …", flush=True)
        try:
            instance.ctl("stop", timeout=300)
        finally:
            if not args.keep:
                import shutil

                shutil.rmtree(tmp, ignore_errors=True)
            else:
                print(f"kept {tmp}")
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))


def print_report(report):
    direct = report["direct"]
    plone = report["plone_index"]
    print()
    print("### Indexing")
    print()
    print("| path | documents | seconds | documents/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| straight to Solr (batches of 1,000, one commit) | {direct['docs']:,} | "
        f"{fmt(direct['seconds'])} | {fmt(direct['docs'] / direct['seconds'])} |"
    )
    print(
        f"| through Plone (create_record, catalog + collective.solr, commit per 100) | "
        f"{plone['docs']:,} | {fmt(plone['seconds'])} | {fmt(plone['docs'] / plone['seconds'])} |"
    )
    if "catalog_fill" in report:
        fill = report["catalog_fill"]
        print(
            "| into the catalog only (plone.api content.create, Solr off; for the fallback) "
            f"| {fill['docs']:,} | {fmt(fill['seconds'])} | {fmt(fill['docs'] / fill['seconds'])} |"
        )
    print()
    loads = [
        ", ".join(f"{value:.1f}" for value in report.get(key, ()))
        for key in ("load_before", "load_after")
    ]
    print(
        f"Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]} "
        f"({os.cpu_count()} cores)"
    )
    print()
    print(
        f"### Queries at {report['in_solr']:,} documents in Solr (anonymous, one client)"
    )
    print()
    print(
        "| query | hits (median) | Plone p50 ms | Plone p95 ms | Solr p50 ms | Solr p95 ms | Plone ÷ Solr at p95 | targets |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for kind in KINDS:
        cell = report["solr"][kind]
        p50, p95 = percentile(cell["plone"], 0.5), percentile(cell["plone"], 0.95)
        s50, s95 = percentile(cell["solr"], 0.5), percentile(cell["solr"], 0.95)
        ratio = p95 / s95
        ok = "✓" if p95 < 150 and ratio < 2 else "✗"
        print(
            f"| {kind} | {statistics.median(cell['hits']):,.0f} | {fmt(p50)} | {fmt(p95)} | "
            f"{fmt(s50)} | {fmt(s95)} | {ratio:.2f} | {ok} |"
        )
    print()
    print(
        f"### Catalog fallback at {report['catalog_docs']:,} records (Solr off, as admin)"
    )
    print()
    print("| query | hits (median) | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for kind in KINDS:
        cell = report["catalog"][kind]
        print(
            f"| {kind} | {statistics.median(cell['hits']):,.0f} | "
            f"{fmt(percentile(cell['plone'], 0.5))} | {fmt(percentile(cell['plone'], 0.95))} |"
        )


# -- Inside Zope (zconsole run bench/search.py --zope ...) -----------------------------------


def zope_main(app, args):
    from AccessControl.SecurityManagement import newSecurityManager
    from AccessControl.SecurityManagement import noSecurityManager
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite
    from zope.globalrequest import setRequest

    import transaction

    app = makerequest(app)
    site = app[SITE]
    setSite(site)
    setRequest(app.REQUEST)
    app.REQUEST["PARENTS"] = [site]
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    command = args[0]
    if command == "index":
        result = zope_index(site, int(args[1]), transaction)
    elif command == "fill":
        result = zope_fill(site, int(args[1]), transaction)
    elif command == "params":
        noSecurityManager()
        result = zope_params(site, Path(args[1]))
    elif command == "solr":
        from plone import api

        api.portal.set_registry_record("collective.solr.active", args[1] == "on")
        transaction.commit()
        result = {"active": args[1] == "on"}
    elif command == "count":
        from plone import api

        catalog = api.portal.get_tool("portal_catalog")
        result = {
            "records": len(
                catalog.unrestrictedSearchResults(portal_type="ArchivalDocument")
            )
        }
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, ensure_ascii=False))


def zope_index(site, count, transaction):
    from plone import api
    from vnarchive.content.files import IRecordFiles
    from vnarchive.policy.records import create_record

    catalog = api.portal.get_tool("portal_catalog")
    dossier = catalog.unrestrictedSearchResults(
        portal_type="Dossier", review_state="processing"
    )[0]
    dossier = dossier._unrestrictedGetObject()
    rng = random.Random(SEED + 2)
    started = time.perf_counter()
    for number in range(1, count + 1):
        year = rng.randint(1950, 2024)
        kind = rng.choice(TYPES)
        document = create_record(
            dossier,
            "ArchivalDocument",
            {
                "typeName": kind,
                "codeNumber": str(number),
                "codeNotation": f"{kind}-UBND",
                "issuedDate": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                "organName": rng.choice(ISSUERS),
                "subjectText": f"{TYPE_NAMES[kind]} về {rng.choice(WORDS)} {rng.choice(WORDS)} "
                f"tại {rng.choice(PLACES)} năm {year}",
                "languageCode": ["01"],
                "numberOfPage": 1,
                "maintenance": rng.choice(("01", "02", "04", "06")),
                "mode": "01",
                "confidenceLevel": "02",
            },
        )
        # Its OCR text, as the digitization worker sets it (one index operation per
        # document and transaction: CMFCore's queue merges them).
        IRecordFiles(document).page(1, create=True).set_text(page_text(rng), "ocr")
        document.reindexObject()
        if number % 100 == 0:
            transaction.commit()
    transaction.commit()
    return {"docs": count, "seconds": time.perf_counter() - started}


def zope_fill(site, count, transaction):
    """`count` more documents in the catalog, quickly: plone.api's content.create (the
    events, the journal and the catalog, but not the REST validation of create_record),
    with Solr off (they are for the catalog fallback)."""
    from plone import api
    from vnarchive.content.files import IRecordFiles

    api.portal.set_registry_record("collective.solr.active", False)
    transaction.commit()
    catalog = api.portal.get_tool("portal_catalog")
    brain = catalog.unrestrictedSearchResults(
        portal_type="Dossier", review_state="processing"
    )[0]
    dossier = brain._unrestrictedGetObject()
    rng = random.Random(SEED + 3)
    started = time.perf_counter()
    for number in range(1, count + 1):
        year = rng.randint(1950, 2024)
        kind = rng.choice(TYPES)
        name = f"fill-{number}"
        document = api.content.create(
            container=dossier,
            type="ArchivalDocument",
            id=name,
            typeName=kind,
            codeNumber=str(number),
            codeNotation=f"{kind}-UBND",
            issuedDate=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
            organName=rng.choice(ISSUERS),
            subjectText=f"{TYPE_NAMES[kind]} về {rng.choice(WORDS)} {rng.choice(WORDS)} "
            f"tại {rng.choice(PLACES)} năm {year}",
            languageCode=["01"],
            maintenance=rng.choice(("01", "02", "04", "06")),
            mode="01",
            confidenceLevel="02",
        )
        IRecordFiles(document).page(1, create=True).set_text(page_text(rng), "ocr")
        document.reindexObject()
        if number % 200 == 0:
            transaction.commit()
    transaction.commit()
    api.portal.set_registry_record("collective.solr.active", True)
    transaction.commit()
    return {"docs": count, "seconds": time.perf_counter() - started}


def zope_params(site, plan_file):
    """The Solr parameters the search service sends for each planned query, as Anonymous."""
    from plone import api
    from vnarchive.policy.search import backends
    from vnarchive.policy.search.query import parse

    catalog = api.portal.get_tool("portal_catalog")
    _manager, _connection, search_utility = backends.solr_connection()
    security = backends.solr_permission_filters(catalog, search_utility)
    plan = json.loads(plan_file.read_text())
    result = {}
    for kind, items in plan.items():
        result[kind] = []
        for params in items:
            query = parse(params, staff=False)
            result[kind].append(backends.solr_params(query, security))
    return result


def main():
    if "--zope" in sys.argv:
        index = sys.argv.index("--zope")
        zope_main(globals()["app"], sys.argv[index + 1 :])
        return
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
    run(parser.parse_args())


if __name__ == "__main__":
    main()
