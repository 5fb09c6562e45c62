"""What of a catalog query may reach Solr: a whitelist, applied in the search dispatcher.

collective.solr turns a catalog query into a Solr request (`collective.solr.dispatcher.
solrSearchResults`): it merges the request's form with the query's keywords and copies some
keys straight into the Solr request (``request_handler`` into its URL, ``core``, ``fq``,
``fl``, ``facet.*``, ``hl``, ``bq``, spatial ``d``/``pt``/``sfield``), interprets others
(``<index>_usage``, ``solr_complex_search``, ``default``) and sends every remaining key
that names a Solr field as a query on it. Plone's ``@search``, ``@querystring-search``,
collections and old ``searchResults(REQUEST)`` calls pass what a visitor typed into that
query, so without a filter any visitor could reach Solr's admin and diagnostic handlers
(``@search?SearchableText=x&request_handler=admin/luke``), another core, or widen the
permission filter (``allowedRolesAndUsers_usage=range:min`` turns ``Anonymous`` into the
range ``[Anonymous TO *]``).

`solr_query(catalog, request, keywords)` is the only way from a catalog query to
collective.solr in this site (`vnarchive.search.dispatcher.FallbackDispatcher`). It
returns the merged query with only:

- catalog index names (what the catalog itself would understand), as plain values, lists
  or records whose options are the catalog's own (``query``, ``range`` among
  ``min``/``max``/``min:max``, ``operator`` ``and``/``or``, ``depth`` an integer, ``not``);
- the keys Plone's catalog tool adds itself (``effectiveRange``, ``show_inactive``);
- sorting and paging: ``sort_on`` (an index; the first of a list), ``sort_order``, ``sort_limit``,
  ``b_start``, ``b_size`` (non-negative integers; ``b_size`` and ``sort_limit`` at most
  `MAX_ROWS`), and ``use_solr`` (a yes/no switch);
- ``request_handler`` only when it is one of `REQUEST_HANDLERS` (``select``).

Everything else is dropped (and logged at debug level): the catalog ignores unknown keys
too, so a query means the same in Solr and in the catalog fallback. Our own search
(`vnarchive.policy.search.backends`) builds its Solr parameters itself from validated
form fields and does not pass through here.
"""

from DateTime import DateTime
from ZPublisher.HTTPRequest import record

import datetime
import logging


logger = logging.getLogger("vnarchive.search")

# The request handlers of solr/home/vnarchive/conf/solrconfig.xml a site query may use.
REQUEST_HANDLERS = frozenset({"select"})

# Keys Plone's CatalogTool.searchResults adds to every query (not indexes of their own).
CATALOG_KEYS = frozenset({"effectiveRange", "show_inactive"})

PAGING = frozenset({"b_start", "b_size", "sort_limit"})
SORTING = frozenset({"sort_on", "sort_order"})
MAX_ROWS = 1000

RANGES = frozenset({"min", "max", "min:max", "minmax"})
OPERATORS = frozenset({"and", "or"})
RECORD_OPTIONS = frozenset({"query", "range", "operator", "depth", "not"})

_SCALARS = (str, int, float, bool, DateTime, datetime.date, datetime.datetime)


class Rejected(ValueError):
    """A value that may not reach Solr."""


def _non_negative(value, maximum=None):
    if isinstance(value, bool):
        raise Rejected(value)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Rejected(value) from None
    if number < 0:
        raise Rejected(value)
    return min(number, maximum) if maximum is not None else number


def _plain(value):
    """A scalar or a list/tuple of scalars, unchanged; Rejected otherwise."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(item, _SCALARS) for item in value
    ):
        return value
    raise Rejected(value)


def _options(value):
    """A record or dict of catalog options as a dict, checked; Rejected otherwise."""
    options = _option_dict(value)
    if set(options) - RECORD_OPTIONS:
        raise Rejected(value)
    if "query" in options:
        options["query"] = _plain(options["query"])
    if "not" in options:
        options["not"] = _plain(options["not"])
    if "range" in options and options["range"] not in RANGES:
        raise Rejected(value)
    if "operator" in options and not _is_operator(options["operator"]):
        raise Rejected(value)
    if "depth" in options:
        try:
            options["depth"] = int(options["depth"])
        except (TypeError, ValueError):
            raise Rejected(value) from None
    return options


def _option_dict(value):
    """A copy of the options of a dict or a form's record; Rejected otherwise."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, record):  # :record in a form
        return dict(value.items())
    raise Rejected(value)


def _is_operator(value):
    return isinstance(value, str) and value.lower() in OPERATORS


def _index_value(value):
    if isinstance(value, (*_SCALARS, list, tuple)):
        return _plain(value)
    return _options(value)


def allowed(name, value, indexes):
    """The value to send for `name`, or Rejected."""
    if name == "request_handler":
        if value not in REQUEST_HANDLERS:
            raise Rejected(value)
        return value
    if name in PAGING:
        return _non_negative(value, None if name == "b_start" else MAX_ROWS)
    if name in SORTING:
        return _sorting(name, value, indexes)
    if name in ("use_solr", "show_inactive"):
        return bool(value)
    if name == "effectiveRange":  # set by the catalog tool: a date, never a form's text
        if not isinstance(value, (DateTime, datetime.date)):
            raise Rejected(value)
        return value
    if name in indexes:
        return _index_value(value)
    raise Rejected(value)


def _sorting(name, value, indexes):
    """The one index (sort_on) or the order to sort on; Rejected otherwise."""
    # The catalog sorts on several indexes (a list); collective.solr on one.
    if isinstance(value, (list, tuple)) and value:
        value = value[0]
    if not isinstance(value, str) or (name == "sort_on" and value not in indexes):
        raise Rejected(value)
    return value


def solr_query(catalog, request, keywords):
    """The catalog query for collective.solr: `request` (a form, a dict or None) merged with
    `keywords` (which win), keeping only what may reach Solr."""
    merged = {}
    form = getattr(request, "form", request)
    if isinstance(form, dict):
        merged.update(form)
    merged.update(keywords)
    indexes = set(catalog.indexes())
    query = {}
    for name, value in merged.items():
        if not isinstance(name, str):
            continue
        try:
            query[name] = allowed(name, value, indexes)
        except (Rejected, TypeError):
            logger.debug("not sent to Solr: %s=%r", name, value)
    return query
