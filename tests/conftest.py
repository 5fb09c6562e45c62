from pytest_plone import fixtures_factory
from vnarchive.policy.testing import FUNCTIONAL_TESTING
from vnarchive.policy.testing import INTEGRATION_TESTING

import pytest


pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        )
    )
)


@pytest.fixture
def package_name() -> str:
    return "vnarchive.policy"
