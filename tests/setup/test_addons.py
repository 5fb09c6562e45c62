"""The two add-ons (digitization, Solr search) install and uninstall on their own; the core
works without them and every record keeps its data."""

from helpers import by_code
from helpers import PUBLISHED_DOCUMENT
from vnarchive.content.files import IRecordFiles
from zope.component import getMultiAdapter
from zope.component import queryMultiAdapter
from zope.interface import alsoProvides
from zope.interface import noLongerProvides

import pytest


ADDONS = ("vnarchive.digitization", "vnarchive.search")


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_installed(installer, addon):
    assert installer.is_product_installed(addon) is True


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_uninstalls_and_reinstalls(installer, browser_layers, addon):
    installer.uninstall_product(addon)
    assert installer.is_product_installed(addon) is False
    assert installer.is_product_installed("vnarchive.policy") is True
    installer.install_product(addon)
    assert installer.is_product_installed(addon) is True


def test_layers_go_with_their_addons(installer, portal):
    from plone.browserlayer.utils import registered_layers
    from vnarchive.digitization.interfaces import IVnarchiveDigitizationLayer
    from vnarchive.policy.interfaces import IVnarchivePolicyLayer
    from vnarchive.search.interfaces import IVnarchiveSearchLayer

    assert {IVnarchiveDigitizationLayer, IVnarchiveSearchLayer} <= set(
        registered_layers()
    )
    for addon in ADDONS:
        installer.uninstall_product(addon)
    layers = set(registered_layers())
    assert IVnarchivePolicyLayer in layers
    assert not {IVnarchiveDigitizationLayer, IVnarchiveSearchLayer} & layers


def _request_with_layers(portal):
    """The test request marked as a published one would be: with the layers of the site."""
    from plone.browserlayer.utils import registered_layers
    from vnarchive.digitization.interfaces import IVnarchiveDigitizationLayer
    from vnarchive.search.interfaces import IVnarchiveSearchLayer

    request = portal.REQUEST
    noLongerProvides(request, IVnarchiveDigitizationLayer)
    noLongerProvides(request, IVnarchiveSearchLayer)
    alsoProvides(request, *registered_layers())
    return request


def test_core_alone_keeps_records_pages_and_catalog_search(installer, holdings, portal):
    document = by_code(portal)[PUBLISHED_DOCUMENT]
    files = IRecordFiles(document)
    page = files.page(1, create=True)
    page.set_text("Ủy ban nhân dân tỉnh", source="ocr", confidence=42.0)
    before = ([item.name for item in files], files.text())
    assert before[0], "the published demo document has a master scan"
    for addon in ADDONS:
        installer.uninstall_product(addon)

    # Every record keeps its files and pages.
    files = IRecordFiles(document)
    assert ([item.name for item in files], files.text()) == before
    # The record page renders without the viewer; the digitization pages are gone.
    request = _request_with_layers(portal)
    page = getMultiAdapter((document, request), name="view")()
    assert document.Title() in page
    assert queryMultiAdapter((portal, request), name="batches") is None, (
        "the batches page outlives its add-on"
    )
    # Search answers from the catalog, folding Vietnamese.
    from vnarchive.policy.search.service import run_search

    outcome = run_search(portal, {"q": "uy ban"})
    assert outcome.results.backend == "catalog"
    assert outcome.results.total > 0
    # Health: Solr, the queue and the workers are simply not configured.
    from vnarchive.policy.health import report

    payload, status = report(portal)
    assert status == 200
    assert payload["checks"]["solr"]["status"] in ("not configured", "ok")
