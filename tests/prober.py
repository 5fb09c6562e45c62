"""The generic prober: every channel the site publishes, asked about records people may not see.

Channels are enumerated from the component registry and from the objects themselves, so a
view, REST service, resource or publishable attribute added later is probed without being
listed: browser views and REST services registered for the object (or an interface it
provides), browser resources, and the attributes Zope would publish on it (callables and
values with a docstring, as ZPublisher's default traversal requires).

Two kinds of target:
- a hidden record (one the visitor may not View): each channel under it must answer exactly
  what the same channel answers under a name that does not exist beside it (status, headers,
  body once the two names are swapped), and show none of the record's markers;
- a visible object (the site root, a container holding hidden records): each channel is asked
  with parameters naming a hidden record (its UID, path, code and a word of its text) and
  again naming a record that does not exist; the two answers must be the same once the names
  are swapped (so no count, facet or status tells them apart), and show no marker of any
  hidden record.

Only declared disclosures (vnarchive.policy.trust.disclosures) may show a hidden record's
declared fields. `Report.summary()` reads ``channels=N probes=M leaks=K``.
"""

from Acquisition import aq_base
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from http.cookiejar import DefaultCookiePolicy
from zope.component import getGlobalSiteManager
from zope.interface import providedBy
from zope.publisher.interfaces.browser import IBrowserRequest

import contextlib
import gzip
import html
import json
import re
import requests
import threading
import urllib.parse


TIMEOUT = 60
SERVICE_NAME = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|OPTIONS)_[^@]*(@.*)?$")
# Headers that differ between any two answers, whatever they are about.
VOLATILE_HEADERS = {
    "date",
    "content-length",
    "x-powered-by",
    "server",
    "expires",
    "last-modified",
}
# Substrings that differ between any two renderings (tokens, timings).
VOLATILE = [
    re.compile(r"\b\d{10,}(?:\.\d+)?\b"),  # timestamps
    re.compile(r"\b[0-9a-f]{40}\b"),  # plone.protect's tokens (its keys rotate)
    re.compile(
        r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"
    ),  # JSON web tokens (they carry their time)
    re.compile(r"\b[0-9a-f]{12}\b"),  # error ids of failures (errors.py)
    # The language selector marks the language negotiated for the request, which varies
    # between concurrent requests of the test server; it names no record.
    re.compile(r'<ul id="portal-languageselector">.*?</ul>', re.DOTALL),
    # The 404 page suggests published items found with the words of the URL asked, which
    # differ between a record's URL and its twin's by construction.
    re.compile(r'<ul id="page-not-found-list">.*?</ul>', re.DOTALL),
]


ACCEPT = {
    "service": "application/json",
    "view": "text/html,application/xhtml+xml,*/*;q=0.8",
}


@dataclass(frozen=True)
class Channel:
    kind: str  # view, service, resource, attribute
    name: str  # the last step of the URL
    method: str = "GET"

    def url(self, base):
        return f"{base}/{self.name}" if self.name else base

    def __str__(self):
        return f"{self.method} {self.kind} {self.name or '(object)'}"


@dataclass
class Target:
    """A record (hidden or visible) and what would give it away."""

    label: str
    url: str
    markers: tuple = ()  # strings that must never reach a visitor who may not see it
    params: dict = field(default_factory=dict)  # parameters that name it (uid, path…)


@dataclass
class Visitor:
    label: str
    auth: tuple = None  # (login, password) or None for Anonymous


@dataclass
class Leak:
    visitor: str
    target: str
    channel: str
    what: str

    def __str__(self):
        return f"{self.visitor} · {self.target} · {self.channel}: {self.what}"


@dataclass
class Report:
    channels: int = 0
    probes: int = 0
    leaks: list = field(default_factory=list)
    failures: set = field(default_factory=set)  # channels that answered 5xx (not leaks)

    def summary(self):
        return (
            f"channels={self.channels} probes={self.probes} leaks={len(self.leaks)}"
            f" failures={len(self.failures)}"
        )


# -- Enumeration -----------------------------------------------------------------------------


def channels_for(obj, layers=None):
    """Every channel the registry and the object offer on `obj`.

    `layers`: the request interfaces a request to the site provides (default: any browser
    request); views and services registered for other layers cannot answer and are left out.
    """
    provided = providedBy(aq_base(obj))
    found = set()
    for registration in registered_adapters(getGlobalSiteManager()):
        required = registration.required
        name = registration.name
        if not name or not _browser_layer(required[-1], layers):
            continue
        if len(required) == 1:
            found.add(Channel("resource", f"++resource++{name}"))
            continue
        if len(required) != 2 or not provided.isOrExtends(required[0]):
            continue
        service = SERVICE_NAME.match(name)
        if service:
            method, endpoint = service.groups()
            if method != "OPTIONS":
                found.add(Channel("service", endpoint or "", method))
        elif not name.startswith(("GET_", "POST_", "PUT_", "PATCH_", "DELETE_")):
            found.add(Channel("view", f"@@{name}"))
    found.update(Channel("attribute", name) for name in publishable_attributes(obj))
    return sorted(
        found, key=lambda channel: (channel.kind, channel.name, channel.method)
    )


def registered_adapters(registry):
    """The adapters of `registry` and of every registry it builds on.

    Test layers stack registries (plone.testing pushes one per layer that loads ZCML, and
    the demo holdings' layer sits on the one with our ZCML): the registry a test sees holds
    only its own registrations, its bases the rest."""
    seen = set()
    pending = [registry]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield from current.registeredAdapters()
        pending.extend(current.__bases__)


def _browser_layer(interface, layers):
    if not interface.isOrExtends(IBrowserRequest):
        return False
    return layers is None or any(layer.isOrExtends(interface) for layer in layers)


def publishable_attributes(obj):
    """Names ZPublisher's default traversal would publish on `obj`: not private, with a
    docstring (its own or `<name>__doc__`)."""
    names = set()
    base = aq_base(obj)
    for name in dir(base):
        if name.startswith("_") or name.endswith("__doc__"):
            continue
        try:
            value = getattr(base, name)
        except Exception:  # an attribute that fails is not published
            continue
        if getattr(value, "__doc__", None) or getattr(base, f"{name}__doc__", None):
            names.add(name)
    return names


# -- Probing ---------------------------------------------------------------------------------


def text_of(response):
    """The answer as a person would read it: gunzipped, JSON and HTML unescaped."""
    data = response.content
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


class Prober:
    def __init__(self, visitors, workers=4, disclosed=None):
        self.visitors = visitors
        self.workers = workers
        self.disclosed = disclosed or {}  # channel name -> markers it may show
        self.report = Report()
        self._lock = threading.Lock()
        self._sessions = threading.local()

    def _session(self, visitor):
        sessions = getattr(self._sessions, "by_visitor", None)
        if sessions is None:
            sessions = self._sessions.by_visitor = {}
        if visitor.label not in sessions:
            session = requests.Session()
            session.auth = visitor.auth
            # Every probe as a first visit: a cookie one answer sets (a language chosen)
            # would change the next one.
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            sessions[visitor.label] = session
        return sessions[visitor.label]

    def ask(self, visitor, channel, base, params=None):
        # Services as REST clients ask for them, pages as a browser does, the rest (methods,
        # files) as any client.
        headers = {"Accept": ACCEPT.get(channel.kind, "*/*")}
        body = None
        if channel.method in ("POST", "PUT", "PATCH"):
            headers["Content-Type"] = "application/json"
            body = "{}"
        response = self._session(visitor).request(
            channel.method,
            channel.url(base),
            params=params,
            data=body,
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        with self._lock:
            self.report.probes += 1
        return response

    def _leak(self, *args):
        with self._lock:
            self.report.leaks.append(Leak(*args))

    def probe(self, pairs):
        """`pairs`: (target, twin, channels, markers) — ask every channel of each target and
        of its twin (the nonexistent sibling, or the same object asked about a missing
        record) as every visitor, in parallel."""
        jobs = [
            (visitor, target, twin, channel, markers)
            for target, twin, channels, markers in pairs
            for channel in channels
            for visitor in self.visitors
        ]
        with self._lock:
            self.report.channels += len(
                {channel for _t, _w, channels, _m in pairs for channel in channels}
            )
        # Every page once, one at a time, before the concurrent probes: Python 3.11.7
        # sometimes fails to compile a template that two threads compile at once
        # (CPython gh-106905), which would read as two different answers or a 500. As
        # every visitor, as the probes ask: a page may render a template for people who
        # have logged in only (@@author sends Anonymous to the login form).
        for target, _twin, channels, _markers in pairs:
            for channel in channels:
                if channel.kind == "view":
                    for visitor in self.visitors:
                        self.ask(visitor, channel, target.url, target.params or None)
        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(lambda job: self._compare(*job), jobs))
        return self.report

    def _compare(self, visitor, target, twin, channel, markers):
        try:
            seen = self.ask(visitor, channel, target.url, target.params or None)
            other = self.ask(visitor, channel, twin.url, twin.params or None)
        except requests.RequestException as error:
            self._leak(visitor.label, target.label, str(channel), f"no answer: {error}")
            return
        named = _values(target.params)
        swaps = [(target.url, twin.url), *zip(named, _values(twin.params), strict=True)]
        echoed = set(named)
        if seen.status_code >= 500:
            with self._lock:
                self.report.failures.add(str(channel))
        markers = [marker for marker in markers if marker not in echoed]
        text = text_of(seen)
        allowed = set(self.disclosed.get(channel.name.lstrip("@"), ()))
        for marker in markers:
            if marker in text and marker not in allowed:
                self._leak(
                    visitor.label, target.label, str(channel), f"shows {marker!r}"
                )
        for name, value in seen.headers.items():
            for marker in markers:
                if marker in value:
                    self._leak(
                        visitor.label, target.label, str(channel), f"header {name}"
                    )
        if seen.status_code != other.status_code:
            self._leak(
                visitor.label,
                target.label,
                str(channel),
                f"status {seen.status_code}, missing twin {other.status_code}",
            )
            return
        mine, theirs = _headers(seen, swaps), _headers(other, [])
        if mine != theirs:
            differing = sorted(
                name
                for name in set(mine) | set(theirs)
                if mine.get(name) != theirs.get(name)
            )
            self._leak(
                visitor.label,
                target.label,
                str(channel),
                f"headers differ: {[(n, mine.get(n), theirs.get(n)) for n in differing]}",
            )
        if allowed:
            return  # a declared disclosure answers about the record, by design
        mine, theirs = _normal(text, swaps), _normal(text_of(other), [])
        if mine != theirs:
            self._leak(
                visitor.label,
                target.label,
                str(channel),
                f"body differs: {_difference(mine, theirs)}",
            )


def _values(params):
    """The parameters' values in order, one by one (a parameter may name several)."""
    return [
        str(value)
        for key in sorted(params)
        for value in (params[key] if isinstance(params[key], list) else [params[key]])
    ]


def swap_names(text, swaps):
    """Put the twin's names where the target's are, also as URLs quote them (a login
    redirect quotes the query string that quoted them once already). One pass, longest
    name first: a dossier's path or code is the start of its documents' ones."""
    mapping = {}
    for mine, theirs in swaps:
        if mine:
            for quote in (_plain, _quoted, _quoted_plus, _quoted_twice):
                mapping.setdefault(quote(mine), quote(theirs))
    if not mapping:
        return text
    names = sorted(mapping, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(name) for name in names))
    return pattern.sub(lambda match: mapping[match.group(0)], text)


def _plain(value):
    return value


def _quoted(value):
    return urllib.parse.quote(value, safe="")


def _quoted_plus(value):
    return urllib.parse.quote_plus(value)


def _quoted_twice(value):
    return urllib.parse.quote(urllib.parse.quote(value, safe=""), safe="")


def _difference(one, other):
    """Where two answers part, for the report."""
    index = next(
        (i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )
    return f"{one[max(0, index - 60) : index + 60]!r} / {other[max(0, index - 60) : index + 60]!r}"


def comparable(response, swaps=()):
    """An answer as the prober compares it with another: status, headers and text, with
    the names of `swaps` exchanged and what differs between any two answers left out."""
    return (
        response.status_code,
        _headers(response, swaps),
        _normal(text_of(response), swaps),
    )


def _normal(text, swaps):
    text = swap_names(text, swaps)
    for pattern in VOLATILE:
        text = pattern.sub("…", text)
    return text


def _headers(response, swaps):
    return {
        name.lower(): _normal(value, swaps)
        for name, value in response.headers.items()
        if name.lower() not in VOLATILE_HEADERS
    }
