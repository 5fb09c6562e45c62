"""collective.solr in vnarchive: where Solr is, page text for highlights, resync.

The site reaches Solr through collective.solr's registry records (host, port, base, active).
`configure(url)` sets them from a URL such as ``http://127.0.0.1:8983/solr/vnarchive``;
`scripts/ctl.py` (``make start``) and the test fixtures call it with the Solr they started
(``VNARCHIVE_SOLR_URL``). An empty URL switches Solr off: the site searches its catalog.

Solr requires BasicAuth credentials (``scripts/solrctl.py`` makes them when it first starts
Solr and keeps them in ``VAR/solr/credentials.json``, mode 0600). `configure(url, login,
password)` stores them in collective.solr's ``solr_login``/``solr_password`` records, which
collective.solr sends with every request, and so does our own code that talks to Solr
(search backends, sync, health: all through collective.solr's connection).
`credentials_from_environment()` reads them from VNARCHIVE_SOLR_LOGIN and
VNARCHIVE_SOLR_PASSWORD, or from the JSON file named by VNARCHIVE_SOLR_CREDENTIALS.

The rest of the settings (search pattern, facets, highlighting, time-outs) come with the
profile (``profiles/default/registry/solr.xml``); the schema is ``solr/home`` at the top of
the repository, described in ``solr/README.md``.
"""

from plone.registry.interfaces import IRegistry
from urllib.parse import urlsplit
from zope.component import getUtility
from zope.component import queryUtility

import base64
import json
import logging
import os


logger = logging.getLogger("vnarchive.search")

URL_ENVIRONMENT = "VNARCHIVE_SOLR_URL"
LOGIN_ENVIRONMENT = "VNARCHIVE_SOLR_LOGIN"
PASSWORD_ENVIRONMENT = "VNARCHIVE_SOLR_PASSWORD"  # noqa: S105 - a name
CREDENTIALS_ENVIRONMENT = "VNARCHIVE_SOLR_CREDENTIALS"
DEFAULT_BASE = "/solr/vnarchive"


def url_from_environment():
    """The Solr core URL in VNARCHIVE_SOLR_URL, or "" (catalog only)."""
    return os.environ.get(URL_ENVIRONMENT, "").strip()


def credentials_from_environment():
    """(login, password) for Solr from the environment, or ("", "") when none are set."""
    login = os.environ.get(LOGIN_ENVIRONMENT, "").strip()
    password = os.environ.get(PASSWORD_ENVIRONMENT, "")
    if login and password:
        return login, password
    path = os.environ.get(CREDENTIALS_ENVIRONMENT, "").strip()
    if not path:
        return "", ""
    try:
        with open(path, encoding="utf-8") as stream:
            secret = json.load(stream)
    except (OSError, ValueError) as error:
        raise ValueError(
            f"{CREDENTIALS_ENVIRONMENT}: cannot read Solr credentials "
            f"({type(error).__name__})"
        ) from None
    return secret.get("login", ""), secret.get("password", "")


def parse_url(url):
    """(host, port, base) of a core URL; ValueError when it is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a Solr core URL: {url!r}")
    base = parts.path.rstrip("/") or DEFAULT_BASE
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname, port, base, parts.scheme == "https"


def configure(url, login=None, password=None):
    """Point collective.solr at the core `url` and activate it; `url` "" deactivates it.

    `login` and `password` are Solr's BasicAuth credentials (None: from the environment,
    `credentials_from_environment`; "" none). Returns True when Solr is active afterwards.
    Call it inside a transaction on the site (the registry is persistent) and commit.
    """
    registry = getUtility(IRegistry)
    prefix = "collective.solr"
    if url:
        host, port, base, https = parse_url(url)
        registry[f"{prefix}.host"] = host
        registry[f"{prefix}.port"] = port
        registry[f"{prefix}.base"] = base
        registry[f"{prefix}.https_connection"] = https
        if login is None and password is None:
            login, password = credentials_from_environment()
        registry[f"{prefix}.solr_login"] = login or None
        registry[f"{prefix}.solr_password"] = password or None
    registry[f"{prefix}.active"] = bool(url)
    reset_connection()
    logger.info("collective.solr %s", f"uses {url}" if url else "is off (catalog only)")
    return bool(url)


def _authorization(login, password):
    if not (login and password):
        return None
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def current_connection():
    """(manager, connection) of collective.solr for this thread, reopened when the settings
    changed since it was opened (collective.solr keeps one connection per thread and never
    looks at host, base or credentials again: `configure` in another thread or process)."""
    from collective.solr.interfaces import ISolrConnectionManager

    manager = queryUtility(ISolrConnectionManager)
    if manager is None:
        return None, None
    connection = manager.getConnection()
    if connection is None:
        return manager, None
    setting = manager.getConfigParameter
    host = f"{setting('collective.solr.host')}:{setting('collective.solr.port')}"
    authorization = _authorization(
        setting("collective.solr.solr_login", env_key="COLLECTIVE_SOLR_LOGIN"),
        setting("collective.solr.solr_password", env_key="COLLECTIVE_SOLR_PASSWORD"),
    )
    if (
        connection.host != host
        or connection.solrBase != setting("collective.solr.base")
        or connection.auth_headers.get("Authorization") != authorization
    ):
        manager.closeConnection(clearSchema=True)
        connection = manager.getConnection()
    return manager, connection


def reset_connection():
    """Forget the thread's Solr connection and schema (after the settings changed)."""
    from collective.solr.interfaces import ISolrConnectionManager

    manager = queryUtility(ISolrConnectionManager)
    if manager is not None:
        manager.closeConnection(clearSchema=True)
