"""REST services, one folder per endpoint: the site committed, so that the HTTP server of the
functional layer serves it."""

import pytest
import transaction


@pytest.fixture
def site(functional_portal):
    """The site's URL."""
    transaction.commit()
    return functional_portal.absolute_url()
