"""collective.solr in vnarchive: where Solr is, page text for highlights, resync.

The site reaches Solr through collective.solr's registry records (host, port, base, active).
`configure(url)` sets them from a URL such as ``http://127.0.0.1:8983/solr/vnarchive``;
`scripts/ctl.py` (``make start``) and the test fixtures call it with the Solr they started
(``VNARCHIVE_SOLR_URL``). An empty URL switches Solr off: the site searches its catalog.

The rest of the settings (search pattern, facets, highlighting, time-outs) come with the
profile (``profiles/default/registry/solr.xml``); the schema is ``solr/home`` at the top of
the repository, described in ``solr/README.md``.
"""

from plone.registry.interfaces import IRegistry
from urllib.parse import urlsplit
from zope.component import getUtility
from zope.component import queryUtility

import logging
import os


logger = logging.getLogger("vnarchive.policy.solr")

URL_ENVIRONMENT = "VNARCHIVE_SOLR_URL"
DEFAULT_BASE = "/solr/vnarchive"


def url_from_environment():
    """The Solr core URL in VNARCHIVE_SOLR_URL, or "" (catalog only)."""
    return os.environ.get(URL_ENVIRONMENT, "").strip()


def parse_url(url):
    """(host, port, base) of a core URL; ValueError when it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a Solr core URL: {url!r}")
    base = parts.path.rstrip("/") or DEFAULT_BASE
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname, port, base, parts.scheme == "https"


def configure(url):
    """Point collective.solr at the core `url` and activate it; `url` "" deactivates it.

    Returns True when Solr is active afterwards. Call it inside a transaction on the site
    (the registry is persistent) and commit.
    """
    registry = getUtility(IRegistry)
    prefix = "collective.solr"
    if url:
        host, port, base, https = parse_url(url)
        registry[f"{prefix}.host"] = host
        registry[f"{prefix}.port"] = port
        registry[f"{prefix}.base"] = base
        registry[f"{prefix}.https_connection"] = https
    registry[f"{prefix}.active"] = bool(url)
    reset_connection()
    logger.info("collective.solr %s", f"uses {url}" if url else "is off (catalog only)")
    return bool(url)


def reset_connection():
    """Forget the thread's Solr connection and schema (after the settings changed)."""
    from collective.solr.interfaces import ISolrConnectionManager

    manager = queryUtility(ISolrConnectionManager)
    if manager is not None:
        manager.closeConnection(clearSchema=True)
