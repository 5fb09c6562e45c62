"""Digitization: import, the page pipeline, the queue run in this process, OCR review and the
viewer (tests/processes runs the workers in their own processes)."""

import pytest


@pytest.fixture
def site(functional_portal, functional_holdings, queue_db):
    """The functional site with the demo holdings and a fresh queue."""
    return functional_portal
