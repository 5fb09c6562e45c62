"""The "vnarchive" translation catalog is complete for vi, en and lo.

Plain pytest, no Plone layer: the .pot and .po files are parsed directly. The
catalog lives in vnarchive.policy/locales and covers the msgids of both packages;
scripts/i18n.sh re-extracts it and syncs the .po files.
"""

from collections import Counter
from helpers import ROOT
from io import BytesIO
from pathlib import Path

import ast
import gettext
import pytest
import re
import subprocess
import sys


LOCALES = ROOT / "src" / "vnarchive.policy" / "src" / "vnarchive" / "policy" / "locales"
POT = LOCALES / "vnarchive.pot"
LANGUAGES = ("vi", "en", "lo")
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
LAO = re.compile("[\u0e80-\u0eff]")


class Entry:
    def __init__(self):
        self.msgid = None
        self.msgstr = None
        self.default = None
        self.flags = set()

    @property
    def source_text(self):
        """The text the code shows untranslated: the default, else the msgid."""
        return self.msgid if self.default is None else self.default


def _unquote(text):
    return ast.literal_eval(text.strip())


def parse_po(path):
    """Return ({msgid: Entry}, {header: value}) of a .po/.pot file.

    Handles comments, flags, `#. Default: "..."` and multi-line strings; enough
    for what i18ndude writes (no plurals, no msgctxt in this domain).
    """
    entries = {}
    entry = Entry()
    field = None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None:
            assert entry.msgid not in entries, (
                f"duplicate msgid {entry.msgid!r} in {path}"
            )
            entries[entry.msgid] = entry
        entry = Entry()
        field = None

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            finish()
        elif line.startswith("#. Default:"):
            entry.default = _unquote(line[len("#. Default:") :])
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            if entry.msgid is not None:
                finish()
            entry.msgid = _unquote(line[len("msgid ") :])
            field = "msgid"
        elif line.startswith("msgstr "):
            entry.msgstr = _unquote(line[len("msgstr ") :])
            field = "msgstr"
        elif line.startswith('"') and field:
            setattr(entry, field, getattr(entry, field) + _unquote(line))
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {line!r}")
    finish()

    header = entries.pop("", None)
    assert header is not None, f"{path} has no header entry"
    headers = {}
    for line in header.msgstr.split("\n"):
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip()] = value.strip()
    return entries, headers


@pytest.fixture(scope="module")
def pot():
    entries, headers = parse_po(POT)
    assert headers.get("Domain") == "vnarchive"
    return entries


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request):
    lang = request.param
    path = LOCALES / lang / "LC_MESSAGES" / "vnarchive.po"
    assert path.is_file(), f"missing {path}"
    entries, headers = parse_po(path)
    return lang, path, entries, headers


def test_pot_has_msgids_of_both_packages(pot):
    assert len(pot) > 100
    assert "label_maintenance" in pot  # vnarchive.content, Python
    assert "label_archival_code" in pot  # vnarchive.policy, page template
    assert "Phông lưu trữ" in pot  # vnarchive.content, GenericSetup type
    assert "Xem xét hủy" in pot  # vnarchive.policy, workflow definition
    assert pot["label_maintenance"].default == "Thời hạn lưu trữ"


def test_headers(catalog):
    lang, path, _entries, headers = catalog
    assert headers.get("Language") == lang, path
    assert headers.get("Language-Code") == lang, path
    assert "charset=utf-8" in headers.get("Content-Type", "").lower().replace(
        " ", ""
    ), path
    assert headers.get("Plural-Forms", "").startswith("nplurals="), path
    assert headers.get("Domain") == "vnarchive", path


def test_every_msgid_translated(pot, catalog):
    _lang, path, entries, _headers = catalog
    missing = sorted(msgid for msgid in pot if msgid not in entries)
    assert not missing, (
        f"{path}: {len(missing)} msgids missing (run scripts/i18n.sh): {missing}"
    )
    empty = sorted(msgid for msgid in pot if not entries[msgid].msgstr.strip())
    assert not empty, f"{path}: {len(empty)} msgids without translation: {empty}"
    fuzzy = sorted(msgid for msgid, entry in entries.items() if "fuzzy" in entry.flags)
    assert not fuzzy, f"{path}: fuzzy entries: {fuzzy}"


def test_no_obsolete_msgids(pot, catalog):
    _lang, path, entries, _headers = catalog
    obsolete = sorted(msgid for msgid in entries if msgid not in pot)
    assert not obsolete, (
        f"{path}: msgids no longer in the .pot (run scripts/i18n.sh): {obsolete}"
    )


def test_placeholders_kept(pot, catalog):
    _lang, path, entries, _headers = catalog
    wrong = []
    for msgid, source in pot.items():
        entry = entries.get(msgid)
        if entry is None:
            continue
        expected = Counter(PLACEHOLDER.findall(source.source_text))
        found = Counter(PLACEHOLDER.findall(entry.msgstr))
        if expected != found:
            wrong.append((msgid, sorted(expected.elements()), sorted(found.elements())))
    assert not wrong, f"{path}: placeholders differ (msgid, expected, found): {wrong}"


def test_vietnamese_is_the_default(pot):
    entries, _headers = parse_po(LOCALES / "vi" / "LC_MESSAGES" / "vnarchive.po")
    stale = sorted(
        (msgid, entries[msgid].msgstr, source.default)
        for msgid, source in pot.items()
        if source.default is not None
        and msgid in entries
        and entries[msgid].msgstr != source.default
    )
    assert not stale, (
        f"vi msgstr differs from the code's default (msgid, msgstr, default): {stale}"
    )


def test_lao_is_in_lao_script(pot):
    entries, _headers = parse_po(LOCALES / "lo" / "LC_MESSAGES" / "vnarchive.po")
    # A pattern of placeholders and punctuation only ("${label}: ${message}") has no words.
    not_lao = sorted(
        msgid
        for msgid, source in pot.items()
        if msgid in entries
        and not LAO.search(entries[msgid].msgstr)
        and re.search(r"\w", re.sub(r"\$\{\w+\}", "", source.default or msgid))
    )
    assert not not_lao, f"lo msgstrs without Lao script: {not_lao}"


def test_compiles_like_zope(catalog):
    """Compile with python-gettext, as zope.i18n does at start-up, and look up."""
    msgfmt = pytest.importorskip("pythongettext.msgfmt")
    _lang, path, entries, _headers = catalog
    with path.open("rb") as po:
        mo = msgfmt.Msgfmt(po, "vnarchive").get()
    translations = gettext.GNUTranslations(BytesIO(mo))
    wrong = [
        msgid
        for msgid, entry in entries.items()
        if entry.msgstr and translations.gettext(msgid) != entry.msgstr
    ]
    assert not wrong, f"{path}: compiled catalog does not return the msgstr of {wrong}"


def test_pot_is_up_to_date(pot, tmp_path):
    """The .pot has every msgid the code uses now (else run scripts/i18n.sh)."""
    # requirements-dev.txt installs it: a missing tool fails the check, it does not skip it.
    i18ndude = Path(sys.executable).parent / "i18ndude"
    assert i18ndude.exists(), "i18ndude is missing: make install"
    fresh = tmp_path / "vnarchive.pot"
    subprocess.run(
        [
            str(i18ndude),
            "rebuild-pot",
            "--pot",
            str(fresh),
            "--create",
            "vnarchive",
            str(ROOT / "src"),
        ],
        check=True,
        capture_output=True,
    )
    entries, _headers = parse_po(fresh)
    assert sorted(set(entries) - set(pot)) == [], (
        "new msgids: run scripts/i18n.sh and translate"
    )
    assert sorted(set(pot) - set(entries)) == [], (
        "msgids gone from the code: run scripts/i18n.sh"
    )
    changed = sorted(m for m in entries if entries[m].default != pot[m].default)
    assert not changed, (
        f"defaults changed in the code: run scripts/i18n.sh and update vi: {changed}"
    )
