from channels import VISITORS
from helpers import adder_for
from helpers import as_user
from helpers import document_data
from helpers import load_holdings
from helpers import move_to
from helpers import PATHS
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOSSIER
from helpers import ROOT
from layers import FUNCTIONAL_TESTING
from layers import INTEGRATION_TESTING
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from pytest_plone import fixtures_factory

import os
import pytest


# Compile the .po catalogs as a started instance does, so tests see vi, en and lo.
os.environ.setdefault("zope_i18n_compile_mo_files", "true")


# Fixtures every area may ask for: the real Solr (started when first asked for) and the
# real browser.
pytest_plugins = ["pytest_plone", "solr_fixtures", "browsers"]

# Areas whose tests start processes of their own: slow, left out by `make test-quick`.
SLOW_AREAS = {"processes"}
TESTS = ROOT / "tests"


def pytest_collection_modifyitems(items):
    """Mark every test with its area (the folder under tests/: `pytest -m search`), and the
    areas that start processes as slow."""
    for item in items:
        area = item.path.relative_to(TESTS).parts[0]
        item.add_marker(area)
        if area in SLOW_AREAS:
            item.add_marker(pytest.mark.slow)


globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        )
    )
)


@pytest.fixture(autouse=True)
def fresh_ram_cache():
    """Every test starts from the same layer database, so the catalog counter in Plone's
    cache keys (navigation, portlets) repeats from test to test: forget what earlier tests
    cached in this process."""
    from plone.memoize.ram import global_cache

    global_cache.invalidateAll()


@pytest.fixture
def package_name() -> str:
    return "vnarchive.policy"


@pytest.fixture
def holdings(portal):
    """The demo holdings in the integration site, by archival code."""
    return load_holdings(portal)


@pytest.fixture
def queue_db(tmp_path, monkeypatch):
    """A fresh SQLite digitization queue, VAR and import root for this test."""
    from vnarchive.digitization import queue

    monkeypatch.setenv("VNARCHIVE_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("VNARCHIVE_QUEUE_DB", str(tmp_path / "var" / "queue.db"))
    monkeypatch.setenv("VNARCHIVE_IMPORT_ROOT", str(tmp_path / "import"))
    monkeypatch.delenv("VNARCHIVE_REDIS_URL", raising=False)
    (tmp_path / "import").mkdir()
    queue.reset()
    yield tmp_path
    queue.reset()


@pytest.fixture
def manager(portal):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    return portal


@pytest.fixture
def functional_holdings(functional_portal):
    """The demo holdings in the functional site (committed in the layer: the HTTP server
    sees them)."""
    return load_holdings(functional_portal)


@pytest.fixture
def make_document(holdings, portal):
    """A new complete document, moved to the state asked for: in the processing dossier,
    or in the published one when it is to be published (`dossier=` a demo code to choose)."""
    from vnarchive.policy.records import create_record

    def make(state="processing", dossier=None, **changes):
        if dossier is None:
            published = "publish" in PATHS[state]
            dossier = PUBLISHED_DOSSIER if published else PROCESSING_DOSSIER
        as_user(portal, adder_for(holdings[dossier]))
        document = create_record(
            holdings[dossier], "ArchivalDocument", document_data(**changes)
        )
        login(portal, TEST_USER_NAME)
        return move_to(portal, document, state)

    return make


@pytest.fixture(params=list(VISITORS))
def visitor(request):
    """Who is looking: None (anonymous) or the reader's credentials."""
    return VISITORS[request.param]
