from test_access_channels import *  # noqa
from test_access_channels import site, visitor  # noqa
import pytest


@pytest.fixture(autouse=True)
def break_product(monkeypatch):
    from plone import api as papi
    from vnarchive.policy.browser import record as rec, files as fil
    from vnarchive.policy.services import record_files as rf
    from vnarchive.policy import permissions
    orig_find = papi.content.find

    def leaky_children(self):
        cat = papi.portal.get_tool("portal_catalog")
        brains = cat.unrestrictedSearchResults(path={"query": "/".join(self.context.getPhysicalPath()), "depth": 1})
        return {"items": brains, "total": len(brains), "start": 0, "next": None, "previous": None}

    monkeypatch.setattr(rec.RecordView, "children", leaky_children)
    monkeypatch.setattr(fil, "DOWNLOAD_MASTERS", "View")
    monkeypatch.setattr(rf, "DOWNLOAD_MASTERS", "View")
