"""Trust guard benchmark: what the guard adds to a request, against the same request without it.

    make bench-guard                    # or: .venv/bin/python bench/guard.py [options]
    make bench-guard BENCH_ARGS="--rounds 20 --repeat 20 --json figures.json"

The trust guard (vnarchive.policy.trust.guard) runs on every request that passes through a
record: each record traversed announces itself and the guard checks that the person asking
may View it (404 otherwise); after traversal it refuses Zope's own methods of content. This
measures what that costs per request, in one Zope process, through real publication:

1. Starts a temporary instance with scripts/ctl.py (bench/harness: ZEO, one client, the site
   with the demo holdings, everything under a temporary directory on free ports; Solr off,
   which none of the requests below uses).
2. Runs this same file inside Zope (`zconsole run`, a ZEO client beside the idle client1)
   and publishes with ZPublisher.WSGIPublisher.publish_module, Zope's WSGI application
   itself (traversal, authentication, the view, the exception views, the theme transform,
   the transaction), requests built as a WSGI server builds them, for Anonymous, for the
   reader `docgia` logged in (plone.session's `__ac` cookie, as the login form sets it) and
   for `docgia` over HTTP basic authentication (as scripts and REST clients log in):

       page      the published document's page
       rest      its ++api++ JSON
       download  @@record-file/<its scan> (a master: refused to these users)
       deep      a view of a view under it: @@plone_context_state/object_title
       hidden    a secret record's URL (the guard's 404; without it, Zope's Unauthorized)
       missing   a record that does not exist, in the published dossier (404 both ways)
       dossier   the published dossier's listing

3. `--rounds` rounds; before each, a wait (at most `--quiet-wait` s) until other work on
   the machine uses less than `--quiet` % of a core. In each round, for each request and
   user, in alternating order: with the guard as installed, and with the guard's hooks
   (every handler of vnarchive.policy.trust.guard in the global registry) unregistered in
   this process only, then registered again. Each time `--warmup` untimed requests, then
   `--repeat` timed ones (time.perf_counter, and the process's CPU time; the garbage
   collector paused, as timeit does). A cell's figure is the best over the rounds of the
   median of its requests; the CPU ratio is the median over the rounds of with ÷ without
   measured in the same round, which other work on the machine disturbs least.
4. Times the guard in place: its handlers wrapped in a timer (the thread's CPU time), the
   same requests published again; the median time per request spent inside them.
5. Profiles (cProfile) `--profile-repeat` requests of each kind with the guard and sums the
   time spent inside the guard's functions by part: where the guard's time goes.
6. Prints the tables (Markdown), stops everything, deletes the temporary directory
   (unless --keep).

The instance and the tables are bench/harness's.
"""

from AccessControl.SecurityManagement import noSecurityManager
from harness.instance import BENCH
from harness.instance import CTL
from harness.instance import temporary_instance
from harness.load import busy_seconds
from harness.load import wait_for_quiet
from harness.report import fmt
from harness.report import machine
from harness.report import table
from harness.report import write_json
from pathlib import Path
from vnarchive.content.files import IRecordFiles
from zope.component import getGlobalSiteManager
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from ZPublisher.HTTPResponse import HTTPResponse
from ZPublisher.WSGIPublisher import publish_module

import argparse
import base64
import contextlib
import cProfile
import functools
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
import transaction


SETTINGS = "BENCH_GUARD"
GUARD_MODULE = "vnarchive.policy.trust.guard"
GUARD_FILE = GUARD_MODULE.replace(".", "/") + ".py"
PUBLISHED_DOCUMENT = "000.00.00.H56.2010.01.TH.0000001"  # has a master scan
HIDDEN_DOCUMENT = "000.00.00.H56.2018.03.BM.0000001"
READER, READER_PASSWORD = "docgia", "vnarchive-demo"
HTML, JSON = "text/html,application/xhtml+xml", "application/json"
HOST = "archive.example"
USERS = ("Anonymous", "docgia (cookie)", "docgia (basic)")
# (name, what it is); their paths are found in the site (`request_paths`).
REQUESTS = (
    ("page", "the published document's page"),
    ("rest", "its ++api++ JSON"),
    ("download", "its scan, a master: refused to these users"),
    ("deep", "a view of a view under it"),
    ("hidden", "a secret record"),
    ("missing", "a record that does not exist"),
    ("dossier", "the published dossier's listing"),
)
# The guard's functions, as the profile names them: (label, function names).
PROFILE_PARTS = (
    ("who asks (PAS)", ("requesting_user",)),
    ("View checks", ("user_may_view",)),
    ("disclosures", ("admitted_by_disclosure",)),
    ("Zope methods", ("refuse_zope_methods",)),
)
GUARD_ENTRIES = ("stop_at_hidden_record", "refuse_zope_methods")
QUIET = 30  # % of a core that other work may use during a cell before it is marked


# ==== Inside Zope (zconsole run) ==========================================================


def request_paths(app):
    """{request name: (path, Accept)} of the demo holdings, and the reader's login cookie."""
    site = app.vnarchive
    setSite(site)
    catalog = site.portal_catalog

    def path(code):
        (brain,) = catalog.unrestrictedSearchResults(archival_code=code)
        return brain.getPath()

    document, secret = path(PUBLISHED_DOCUMENT), path(HIDDEN_DOCUMENT)
    record = site.unrestrictedTraverse(document)
    scan = IRecordFiles(record).masters()[0].name
    site_path = "/" + site.getId()
    response = HTTPResponse()
    site.acl_users.session._setupSession(READER, response)
    transaction.commit()  # plone.session may have made the reader's keyring
    cookie = response.cookies["__ac"]["value"]
    paths = {
        "page": (document, HTML),
        "rest": (document.replace(site_path, site_path + "/++api++", 1), JSON),
        "download": (f"{document}/@@record-file/{scan}", HTML),
        "deep": (f"{document}/@@plone_context_state/object_title", HTML),
        "hidden": (secret, HTML),
        "missing": (document.rsplit("/", 1)[0] + "/9999", HTML),
        "dossier": (document.rsplit("/", 1)[0], HTML),
    }
    return paths, cookie if isinstance(cookie, str) else cookie.decode()


def credentials(cookie):
    """{user: the WSGI headers that log them in}."""
    basic = base64.b64encode(f"{READER}:{READER_PASSWORD}".encode()).decode()
    return {
        "Anonymous": {},
        "docgia (cookie)": {"HTTP_COOKIE": f'__ac="{cookie}"'},
        "docgia (basic)": {"HTTP_AUTHORIZATION": f"Basic {basic}"},
    }


def publish(path, accept, headers):
    """One request through Zope's WSGI application: (status code, body bytes)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "HTTP_ACCEPT": accept,
        "HTTP_ACCEPT_LANGUAGE": "vi",
        **headers,
    }
    status = []
    body = publish_module(
        environ, lambda line, _headers, _exc=None: status.append(line)
    )
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0]), size


class GuardSwitch:
    """The guard's hooks in the global registry: as installed, unregistered (in this
    process only), or replaced by wrappers that time them in place."""

    def __init__(self):
        self.registry = getGlobalSiteManager()
        self.hooks = [
            registration
            for registration in self.registry.registeredHandlers()
            if getattr(registration.handler, "__module__", "") == GUARD_MODULE
        ]
        if not self.hooks:
            raise RuntimeError(f"no handler of {GUARD_MODULE} is registered")
        self.current = [hook.handler for hook in self.hooks]

    def names(self):
        return [
            f"{hook.handler.__name__} for "
            + ", ".join(required.__name__ for required in hook.required)
            for hook in self.hooks
        ]

    def _use(self, handlers):
        """Register `handlers` (one per hook, or None for none) instead of the current."""
        for hook, handler in zip(self.hooks, self.current, strict=True):
            if handler is not None:
                self.registry.unregisterHandler(handler, hook.required, hook.name)
        for hook, handler in zip(self.hooks, handlers, strict=True):
            if handler is not None:
                self.registry.registerHandler(
                    handler, hook.required, hook.name, hook.info
                )
        self.current = list(handlers)

    def set(self, on):
        wanted = [hook.handler if on else None for hook in self.hooks]
        if wanted != self.current:
            self._use(wanted)

    @contextlib.contextmanager
    def timed(self):
        """The hooks wrapped in a timer: yields [seconds spent in them so far], in the
        thread's CPU time (the guard waits for nothing: every object it reads is cached)."""
        spent = [0.0]

        def wrap(handler):
            @functools.wraps(handler)
            def hook(*args):
                started = time.thread_time()
                try:
                    return handler(*args)
                finally:
                    spent[0] += time.thread_time() - started

            return hook

        self._use([wrap(hook.handler) for hook in self.hooks])
        try:
            yield spent
        finally:
            self.set(True)


def timed_batch(call, repeat, warmup):
    """µs of each of `repeat` calls after `warmup` untimed ones, in wall-clock time and in
    this process's CPU time, with the garbage collector paused (as timeit does); and the
    CPU other processes used meanwhile, in % of a core."""
    for _ in range(warmup):
        call()
    gc.collect()
    gc.disable()
    wall, cpu = [], []
    busy0, own0, wall0 = busy_seconds(), time.process_time(), time.perf_counter()
    try:
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            cpu.append((time.process_time() - started_cpu) * 1e6)
            wall.append((time.perf_counter() - started) * 1e6)
    finally:
        gc.enable()
    seconds = time.perf_counter() - wall0
    others = (busy_seconds() - busy0) - (time.process_time() - own0)
    return wall, cpu, 100 * max(others, 0) / seconds


def measure(settings, paths, logins, switch):
    """{(request, user, guard on?): cell} over the rounds, with and without in
    alternating order; before each round, a wait for a quiet machine."""
    cells = {}
    for round_ in range(settings["rounds"]):
        wait_for_quiet(settings["quiet"], settings["quiet_wait"])
        order = (True, False) if round_ % 2 == 0 else (False, True)
        for name, _about in REQUESTS:
            path, accept = paths[name]
            for user in USERS:
                call = functools.partial(publish, path, accept, logins[user])
                for on in order:
                    switch.set(on)
                    wall, cpu, others = timed_batch(
                        call, settings["repeat"], settings["warmup"]
                    )
                    cell = cells.setdefault(
                        (name, user, on), {"rounds": [], "cpu_rounds": [], "others": []}
                    )
                    cell["rounds"].append(statistics.median(wall))
                    cell["cpu_rounds"].append(statistics.median(cpu))
                    cell["others"].append(others)
                    cell["status"], cell["bytes"] = call()
        print(f"  round {round_ + 1} done", file=sys.stderr, flush=True)
    switch.set(True)
    return cells


def in_place(settings, paths, logins, switch):
    """{(request, user): median µs per request spent inside the guard's hooks}, timed
    around each hook while the requests are published (no profiler)."""
    found = {}
    with switch.timed() as spent:
        for name, _about in REQUESTS:
            path, accept = paths[name]
            for user in USERS:
                for _ in range(settings["warmup"]):
                    publish(path, accept, logins[user])
                per_request = []
                for _ in range(settings["repeat"] * 3):
                    spent[0] = 0.0
                    publish(path, accept, logins[user])
                    per_request.append(spent[0] * 1e6)
                found[name, user] = statistics.median(per_request)
    return found


def profile(settings, paths, logins, switch):
    """{(request, user): {part: µs per request under cProfile}} with the guard on."""
    switch.set(True)
    found = {}
    for name, _about in REQUESTS:
        path, accept = paths[name]
        for user in USERS:
            profiler = cProfile.Profile()
            count = settings["profile_repeat"]
            publish(path, accept, logins[user])
            profiler.enable()
            for _ in range(count):
                publish(path, accept, logins[user])
            profiler.disable()
            found[name, user] = guard_parts(pstats.Stats(profiler), count)
    return found


def guard_parts(stats, count):
    """µs per request, under the profiler, in the whole request and in the guard's parts."""
    inclusive = {}
    for (filename, _line, function), row in stats.stats.items():
        if Path(filename).as_posix().endswith(GUARD_FILE):
            inclusive[function] = inclusive.get(function, 0) + row[3]  # cumulative
    parts = {
        label: sum(inclusive.get(function, 0) for function in functions) * 1e6 / count
        for label, functions in PROFILE_PARTS
    }
    parts["guard"] = sum(inclusive.get(f, 0) for f in GUARD_ENTRIES) * 1e6 / count
    parts["request"] = stats.total_tt * 1e6 / count
    return parts


def inside(app):
    """The measurement, in Zope: prints one `BENCH {json}` line for the driver."""
    settings = json.loads(os.environ[SETTINGS])
    paths, cookie = request_paths(app)
    transaction.abort()
    noSecurityManager()
    clearRequest()
    setSite(None)  # as a request begins: the publisher sets all of this itself
    switch = GuardSwitch()
    logins = credentials(cookie)
    cells = measure(settings, paths, logins, switch)
    hooks_us = in_place(settings, paths, logins, switch)
    profiles = (
        profile(settings, paths, logins, switch) if settings["profile_repeat"] else {}
    )
    results = [
        {
            "request": name,
            "user": user,
            "path": paths[name][0],
            "accept": paths[name][1],
            "with": cells[name, user, True],
            "without": cells[name, user, False],
            "in_hooks_us": hooks_us[name, user],
            "profile": profiles.get((name, user)),
        }
        for name, _about in REQUESTS
        for user in USERS
    ]
    print("BENCH " + json.dumps({"hooks": switch.names(), "results": results}))


# ==== The driver ==========================================================================


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds [10]")
    parser.add_argument(
        "--repeat", type=int, default=15, help="timed requests per cell and round [15]"
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="untimed requests before each [3]"
    )
    parser.add_argument(
        "--profile-repeat",
        type=int,
        default=20,
        help="requests of each kind under cProfile (0: no profile) [20]",
    )
    parser.add_argument(
        "--quiet",
        type=int,
        default=QUIET,
        help="before each round, wait until other work uses less than this %% of a core "
        f"[{QUIET}]",
    )
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=60,
        help="... but for at most this many seconds [60]",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary dir")
    return parser.parse_args()


def run(args):
    settings = {
        "rounds": args.rounds,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "profile_repeat": args.profile_repeat,
        "quiet": args.quiet,
        "quiet_wait": args.quiet_wait,
    }
    about = machine()
    with temporary_instance("vnarchive-bench-guard-", args.keep, CTL) as instance:
        instance.env["VNARCHIVE_SOLR"] = "0"  # no request here searches
        print(f"temporary instance in {instance.tmp}; starting ZEO and the site…")
        instance.start(1, False)
        print("measuring in one Zope process (zconsole run), some minutes…", flush=True)
        figures = instance.zconsole(
            BENCH / "guard.py", timeout=7200, **{SETTINGS: json.dumps(settings)}
        )
    print()
    print(report(figures, settings, about))
    if args.json:
        write_json(args.json, {"machine": about, "settings": settings, **figures})


# ---- the report ----------------------------------------------------------------------------


def best(cell, key="rounds"):
    """The best round of a cell: (its median µs, the % of a core others used meanwhile)."""
    index = min(range(len(cell[key])), key=cell[key].__getitem__)
    return cell[key][index], cell["others"][index]


def paired_ratio(result, key="cpu_rounds"):
    """The median over the rounds of with ÷ without measured in the same round."""
    pairs = zip(result["with"][key], result["without"][key], strict=True)
    return statistics.median(on / off for on, off in pairs)


def comparison_row(result, quiet):
    (on, others_on), (off, others_off) = best(result["with"]), best(result["without"])
    mark = " \\*" if max(others_on, others_off) > quiet else ""
    statuses = f"{result['with']['status']} / {result['without']['status']}"
    return [
        result["request"],
        result["user"],
        statuses,
        fmt(on, 0) + mark,
        fmt(off, 0),
        fmt(on - off, 0),
        f"{on / off:.3f}×",
        f"{100 * (on - off) / on:.1f} %",
        f"{paired_ratio(result):.3f}×",
        fmt(result["in_hooks_us"], 0),
    ]


def profile_row(result):
    parts = result["profile"]
    return [
        result["request"],
        result["user"],
        fmt(parts["request"], 0),
        *(fmt(parts[label], 0) for label, _ in PROFILE_PARTS),
        fmt(parts["guard"], 0),
        f"{100 * parts['guard'] / parts['request']:.1f} %",
    ]


def report(figures, settings, about):
    results = figures["results"]
    rows = [comparison_row(result, settings["quiet"]) for result in results]
    paths = {result["request"]: result["path"] for result in results}
    legend = "; ".join(f"{name}: {about} (`{paths[name]}`)" for name, about in REQUESTS)
    lines = [
        f"Machine: {about['cpus']} × {about['cpu']}, {about['memory_gb']} GB, "
        f"{about['os']}, kernel {about['kernel']}, Python {about['python']}; "
        f"load average before the run {' '.join(about['loadavg_before'])}.",
        f"One Zope process, publish_module; per cell the best of {settings['rounds']} "
        f"rounds of the median of {settings['repeat']} requests (after "
        f"{settings['warmup']} untimed, garbage collector paused), wall-clock "
        "(perf_counter). Without the guard: "
        + "; ".join(figures["hooks"])
        + " unregistered in that process. Ratio (CPU, paired): the median over the rounds "
        "of with ÷ without in the process's CPU time, both measured in the same round. "
        "Inside its hooks: the median CPU time per request spent in the guard's "
        "handlers, timed around them in place.",
        "",
        f"Requests (GET): {legend}.",
        "",
        table(
            [
                "request",
                "user",
                "status with / without",
                "µs with the guard",
                "µs without",
                "difference µs",
                "ratio",
                "guard's share",
                "ratio (CPU, paired)",
                "µs inside its hooks",
            ],
            rows,
            "lllrrrrrrr",
        ),
    ]
    if any(row[3].endswith("*") for row in rows):
        lines += [
            "",
            f"\\* other work on the machine used more than {settings['quiet']} % of a core during "
            "the best round of this cell, with or without the guard.",
        ]
    profiled = [profile_row(result) for result in results if result["profile"]]
    if profiled:
        lines += [
            "",
            f"Under cProfile ({settings['profile_repeat']} requests each, with the guard; "
            "µs per request, inflated by the profiler):",
            "",
            table(
                ["request", "user", "whole request"]
                + [label for label, _ in PROFILE_PARTS]
                + ["the guard in all", "its share"],
                profiled,
                "llrrrrrrr",
            ),
        ]
    return "\n".join(lines)


def main():
    run(parse_args())


if __name__ == "__main__":
    if "app" in globals():  # zconsole run: `app` is the Zope root
        inside(globals()["app"])
    else:
        main()
