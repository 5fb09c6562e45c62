"""The extension point of the search page and service."""

from zope.interface import Attribute
from zope.interface import Interface


class ISearchBackend(Interface):
    """A full-text search engine in front of the catalog (a utility; vnarchive.search's Solr).

    Without one, or while it raises `backends.SearchUnavailable`, the catalog answers."""

    name = Attribute("Short name shown in results and health (e.g. 'solr').")

    def search(context, query):
        """`backends.Results` for the `query.SearchQuery`, over what the user may see only."""


class ISearchFacets(Interface):
    """More facets for the search page and service (a named utility of an add-on).

    Each `query.Facet` names a catalog index (and Solr field) the add-on installs; the
    facets count only where `available()` is true (e.g. the add-on is installed)."""

    facets = Attribute("A tuple of vnarchive.policy.search.query.Facet.")

    def available():
        """True where the facets' indexes exist (the add-on is installed in this site)."""
