"""vnarchive.search: full-text and faceted search through collective.solr and Apache Solr 9.

- `connection`: where Solr is (`configure(url)`), one connection per thread;
- `backend`: the `ISearchBackend` the core's search page and service ask first;
- `dispatcher`: Plone's own catalog queries with full text go to Solr, or to the catalog
  when it does not answer; `parameters`: what a request may pass to Solr;
- `pages`: each OCR page as a field (highlights name their page); `sync`: resync with the
  catalog; `health`: the "solr" check of @health.

Without this add-on the site searches its catalog, which folds Vietnamese as well
(vnarchive.policy.lexicon).
"""

from zope.i18nmessageid import MessageFactory


__version__ = "1.0.0.dev0"

PACKAGE_NAME = "vnarchive.search"

_ = MessageFactory("vnarchive")
