"""Information packages over HTTP: the site committed for the server of the functional layer."""

import pytest
import transaction


@pytest.fixture
def site(functional_portal):
    transaction.commit()
    return functional_portal.absolute_url()
