"""Full-text catalog queries: Solr when it answers, the catalog when it does not.

collective.solr's dispatcher falls back to the catalog only when a query is not for Solr; when
Solr is down, every query with SearchableText (Plone's search, REST @search, live search)
would fail. This one catches the connection error, logs it, answers from the catalog (which
folds Vietnamese too, see lexicon.py) and marks the request with FALLBACK (``True``), so that
a page can tell staff that results come from the catalog.

Only what `vnarchive.search.parameters.solr_query` allows of the request and the query
reaches collective.solr (no request handlers, cores or raw Solr parameters from a visitor).

It also gives Solr the words of a query that Plone munged for its catalog
(`plone.base.utils.munge_search_term`: ``bí mật`` becomes ``bí* AND mật*``), as collections
and saved searches (plone.app.querystring, REST ``@querystring-search``, "contains" and "is"
alike) send them. collective.solr takes ``AND`` for a query written
for Solr and sends it as it is, with the wildcards folded by unidecode (``bi* AND mat*``), to
the exact-diacritics ``SearchableText`` only, bypassing the search pattern: Vietnamese words
were never found. ``bí* AND mật*`` goes to Solr as ``bí mật`` (`solr_words`), which
collective.solr searches as a prefix and as the word itself through the search pattern, on
the exact and the folded fields, exactly as ``@search?SearchableText=bí mật``. The catalog
still gets the munged query. Words given as a list (``?SearchableText=bí&SearchableText=mật``
on a listing that passes its form to the catalog) reach Solr as one text, as the catalog
reads them (`one_text`).
"""

from Acquisition import aq_base
from collective.solr.dispatcher import solrSearchResults
from collective.solr.exceptions import FallBackException
from collective.solr.exceptions import SolrException
from collective.solr.interfaces import ISearchDispatcher
from collective.solr.utils import isActive
from Products.ZCatalog.ZCatalog import ZCatalog
from vnarchive.search.connection import current_connection
from vnarchive.search.parameters import solr_query
from zope.globalrequest import getRequest
from zope.interface import implementer

import http.client
import logging
import re


logger = logging.getLogger("vnarchive.search")

FALLBACK = "vnarchive.search_fallback"

_PHRASE = re.compile(r'^"[^"]+"$')
# A word as munge_search_term leaves it (its own wildcard at the end), or as typed; nothing
# that Solr's query syntax would read as an operator.
_WORD = re.compile(r"^[^\s\"*?()\[\]{}:^~\\+!&|]+\*?$")


def solr_words(text):
    """The words of a catalog query munged by Plone, for collective.solr's simple search.

    ``bí* AND mật*`` → ``bí mật``; ``lưu*`` → ``lưu``; phrases stay (``"lưu trữ" AND bí*`` →
    ``"lưu trữ" bí``). collective.solr searches every word as itself and as a prefix, so
    nothing is lost (``q.op`` is AND). Anything else (OR, NOT, wildcards inside a word,
    Solr syntax) is returned unchanged.
    """
    if not isinstance(text, str) or ("*" not in text and " AND " not in text):
        return text
    words = []
    for part in text.strip().split(" AND "):
        part = part.strip()
        if _PHRASE.match(part):
            words.append(part)
            continue
        for word in part.split():
            if not _WORD.match(word) or word.rstrip("*") in ("AND", "OR", "NOT"):
                return text
            words.append(word.rstrip("*"))
    return " ".join(words) if words else text


def one_text(value):
    """A SearchableText as one text, as the catalog reads it: the words of a list (a
    parameter given twice, ``?SearchableText=bí&SearchableText=mật``) joined by spaces, as
    ZCTextIndex does; collective.solr expects a text and failed on a list."""
    if isinstance(value, (list, tuple)):
        return " ".join(str(item) for item in value)
    return value


def _for_solr(query):
    """`query` with its SearchableText as one text, as `solr_words`."""
    value = query.get("SearchableText")
    if isinstance(value, dict):
        words = solr_words(one_text(value.get("query")))
        changed = words != value.get("query")
        words = dict(value, query=words)
    else:
        words = solr_words(one_text(value))
        changed = words != value
    return dict(query, SearchableText=words) if changed else query


def fell_back(request=None):
    """True when a search of this request was answered by the catalog because Solr failed."""
    request = request if request is not None else getRequest()
    return bool(request is not None and request.get(FALLBACK, False))


@implementer(ISearchDispatcher)
class FallbackDispatcher:
    def __init__(self, context):
        self.context = context

    def __call__(self, request, **keywords):
        if isActive():
            try:
                # Only whitelisted keys (parameters.py) reach collective.solr: it gets the
                # merged query as a dict, never the request whose form it would read.
                query = solr_query(self.context, request, keywords)
                current_connection()  # reopened if Solr's settings changed
                return solrSearchResults(_for_solr(query))
            except FallBackException:
                pass
            except (SolrException, OSError, http.client.HTTPException) as error:
                logger.warning(
                    "Solr did not answer (%s): the catalog answers",
                    type(error).__name__,
                )
                from vnarchive.search.connection import reset_connection

                reset_connection()
                current = getRequest()
                if current is not None:
                    current.set(FALLBACK, True)
        catalog = self.context
        if getattr(aq_base(catalog), "_cs_old_searchResults", None):
            return catalog._cs_old_searchResults(request, **keywords)
        return ZCatalog.searchResults(catalog, request, **keywords)
