"""The "Chữ ký số" facet an add-on gives the core's search (ISearchFacets)."""

from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from plone import api
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.review import publication
from vnarchive.digitization.signatures import store
from vnarchive.policy.search.service import run_search


def facet(outcome, name):
    counts = outcome.results.facets.get(name)
    return None if counts is None else dict(counts)


def test_records_are_counted_and_filtered_by_their_signatures(manager, holdings):
    document = holdings[PUBLISHED_DOCUMENT]
    master = next(iter(IRecordFiles(document).masters()))
    store.remember(document, master, [], "received")  # checked: no signature
    document.reindexObject(idxs=["signature_status"])

    site = api.portal.get()
    counts = facet(run_search(site, {}), "signature")
    assert counts["unsigned"] >= 1
    filtered = run_search(site, {"signature": "unsigned"})
    assert PUBLISHED_DOCUMENT in {hit.archival_code for hit in filtered.results.hits}
    assert facet(run_search(site, {"signature": "valid"}), "signature") in (None, {})
    assert holdings[PUBLISHED_DOSSIER]  # the dossier has no files: no status of its own


def test_no_facet_where_the_add_on_is_not_installed(manager, holdings, monkeypatch):
    from vnarchive.digitization.signatures import facets

    monkeypatch.setattr(facets, "installed", lambda: False)
    assert facet(run_search(api.portal.get(), {}), "signature") is None
    assert publication.installed()  # only the facet's own check was changed
