"""The extension point of the search page and service."""

from zope.interface import Attribute
from zope.interface import Interface


class ISearchBackend(Interface):
    """A full-text search engine in front of the catalog (a utility; vnarchive.search's Solr).

    Without one, or while it raises `backends.SearchUnavailable`, the catalog answers."""

    name = Attribute("Short name shown in results and health (e.g. 'solr').")

    def search(context, query):
        """`backends.Results` for the `query.SearchQuery`, over what the user may see only."""
