"""Vietnamese and Lao in the catalog's full-text indexes (the search when Solr is away).

Plone's ``plone_lexicon`` splits words on ``\\w``, which cuts Lao words at every vowel sign
and tone mark (combining marks are not ``\\w``), and it folds accents only of words whose
first letter is below U+0250, so "ủy ban" is not found by "uy ban" while "lưu trữ" is found
by "luu tru". Two pipeline elements, registered the Zope way with ZCTextIndex's element
factory, replace Plone's:

- ``vnarchive Unicode splitter`` (Word Splitter): NFKC, then words are runs of letters,
  digits and combining marks (Lao keeps its vowel signs and tone marks);
- ``vnarchive folding normalizer`` (Case Normalizer): case folding, then Latin letters
  lose their marks and đ becomes d ("Ủy" → "uy", "Đồng" → "dong", "État" → "etat");
  other scripts keep theirs (Lao tone marks stay distinct).

The profile's import step ``vnarchive-catalog-lexicon`` puts them into ``plone_lexicon`` and
reindexes the indexes that use it. Lao words are not segmented here (no dictionary): a Lao
query finds the runs of text between spaces that it matches, or their prefix with ``*``.
"""

from Products.ZCTextIndex.interfaces import ISplitter
from Products.ZCTextIndex.PipelineFactory import element_factory
from zope.interface import implementer

import contextlib
import logging
import re
import sys
import unicodedata


logger = logging.getLogger("vnarchive.policy.lexicon")

SPLITTER = "vnarchive Unicode splitter"
NORMALIZER = "vnarchive folding normalizer"
LEXICON = "plone_lexicon"
MARKER = "vnarchive-catalog-lexicon.txt"

_MARKS = "".join(
    re.escape(chr(code))
    for code in range(0x300, sys.maxunicode + 1)
    if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me")
)
_WORD = re.compile(rf"(?:\w|[{_MARKS}])+")
_GLOB = re.compile(rf"(?:\w|[{_MARKS}])+[\w{_MARKS}*?]*")


def _is_latin(char):
    code = ord(char)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0x2C60 <= code <= 0x2C7F


def fold(word):
    """Case-fold; strip the marks of Latin letters only; đ → d. Keeps other scripts intact."""
    text = unicodedata.normalize("NFKC", word).casefold()
    out = []
    latin = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if latin:
                continue  # a mark on a Latin letter
        else:
            latin = _is_latin(char)
            if char == "đ":
                char = "d"
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _text(value):
    return value.decode("utf-8", "ignore") if isinstance(value, bytes) else value


@implementer(ISplitter)
class Splitter:
    def process(self, lst):
        return [
            word
            for text in lst
            for word in _WORD.findall(unicodedata.normalize("NFKC", _text(text)))
        ]

    def processGlob(self, lst):
        return [
            word
            for text in lst
            for word in _GLOB.findall(unicodedata.normalize("NFKC", _text(text)))
        ]


class Normalizer:
    def process(self, lst):
        return [fold(_text(word)) for word in lst]


def _register(group, name, factory):
    with contextlib.suppress(ValueError):  # already registered (module reloaded)
        element_factory.registerFactory(group, name, factory)


_register("Word Splitter", SPLITTER, Splitter)
_register("Case Normalizer", NORMALIZER, Normalizer)


def install(site):
    """Use the elements in plone_lexicon and reindex its indexes; True when it changed."""
    catalog = site.portal_catalog
    lexicon = catalog[LEXICON]
    current = list(lexicon._pipeline)
    if [type(element) for element in current[:2]] == [Splitter, Normalizer]:
        return False
    # Plone's splitter and normalizer go; any further element (stop words…) stays after ours.
    rest = [
        element
        for element in current
        if not ISplitter.providedBy(element)
        and "Normalizer" not in type(element).__name__
    ]
    lexicon._pipeline = (Splitter(), Normalizer(), *rest)
    lexicon.clear()
    indexes = [
        name
        for name, index in catalog._catalog.indexes.items()
        if getattr(index, "meta_type", "") == "ZCTextIndex"
        and getattr(index, "lexicon_id", None) == LEXICON
    ]
    for name in indexes:
        catalog._catalog.getIndex(name).clear()
    catalog.manage_reindexIndex(ids=indexes)
    logger.info("plone_lexicon folds Vietnamese; reindexed %s", ", ".join(indexes))
    return True


def import_step(context):
    """GenericSetup import step: only for a profile that carries the marker file."""
    if context.readDataFile(MARKER) is None:
        return
    install(context.getSite())
