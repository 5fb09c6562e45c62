"""Full-text catalog queries: Solr when it answers, the catalog when it does not.

collective.solr's dispatcher falls back to the catalog only when a query is not for Solr; when
Solr is down, every query with SearchableText (Plone's search, REST @search, live search)
would fail. This one catches the connection error, logs it, answers from the catalog (which
folds Vietnamese too, see lexicon.py) and marks the request with FALLBACK (``True``), so that
a page can tell staff that results come from the catalog.
"""

from Acquisition import aq_base
from collective.solr.dispatcher import solrSearchResults
from collective.solr.exceptions import FallBackException
from collective.solr.exceptions import SolrException
from collective.solr.interfaces import ISearchDispatcher
from collective.solr.utils import isActive
from Products.ZCatalog.ZCatalog import ZCatalog
from zope.globalrequest import getRequest
from zope.interface import implementer

import http.client
import logging


logger = logging.getLogger("vnarchive.policy.solr")

FALLBACK = "vnarchive.search_fallback"


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
                return solrSearchResults(request, **keywords)
            except FallBackException:
                pass
            except (SolrException, OSError, http.client.HTTPException) as error:
                logger.warning(
                    "Solr did not answer (%s): the catalog answers",
                    type(error).__name__,
                )
                from vnarchive.policy.solr import reset_connection

                reset_connection()
                current = getRequest()
                if current is not None:
                    current.set(FALLBACK, True)
        catalog = self.context
        if getattr(aq_base(catalog), "_cs_old_searchResults", None):
            return catalog._cs_old_searchResults(request, **keywords)
        return ZCatalog.searchResults(catalog, request, **keywords)
