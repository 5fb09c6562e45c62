"""Setup: installing, upgrading and uninstalling the distributions, translations, layout."""

from plone import api

import pytest


@pytest.fixture
def setup_tool(holdings):
    return api.portal.get_tool("portal_setup")
