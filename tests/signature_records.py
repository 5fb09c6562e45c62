"""Records, signing settings and the queue for the tests of signatures in the archive
(tests/signatures/test_signing_jobs.py, test_signature_ingest.py, test_signature_pages.py).

    configure_signing(monkeypatch, pki.settings(tsa_url=url))   # VNARCHIVE_SIGNING_* set
    record = document_with_pages(portal, dossier, "Quyết định số 12")  # OCR pages, no PDF/A
    approve(record)                                    # the review is complete
    build(portal, record)                              # the real "build" job: a PDF/A
    run_jobs(portal)                                   # what the workers would run, in order

Everything committed, so the test HTTP server sees it. The fixtures are imported into the
test modules that use them.
"""

from batches import drain
from dataclasses import fields
from helpers import as_user
from helpers import document_data
from helpers import PROCESSING_DOSSIER
from helpers import USERS
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from review_data import set_pages
from vnarchive.digitization.signing.settings import ENVIRONMENT
from vnarchive.digitization.signing.settings import PREFIX

import os
import pytest
import transaction


ARCHIVIST = USERS["Archivist"]


def configure_signing(monkeypatch, settings):
    """The VNARCHIVE_SIGNING_* variables of `settings`, as an operator would set them for
    the web clients and the workers (here one process: the test and its HTTP server)."""
    for field in fields(settings):
        value = getattr(settings, field.name)
        if isinstance(value, tuple):
            value = os.pathsep.join(str(item) for item in value)
        variable = PREFIX + ENVIRONMENT[field.name]
        if value:
            monkeypatch.setenv(variable, str(value))
        else:
            monkeypatch.delenv(variable, raising=False)


def document_with_pages(portal, dossier, subject, pages=1):
    """A new document of the processing dossier with OCR pages (text, words, clean page
    images) as the page job leaves them, committed; no PDF/A yet."""
    from vnarchive.policy.records import create_record

    as_user(portal, ARCHIVIST)
    record = create_record(
        dossier, "ArchivalDocument", document_data(subjectText=subject)
    )
    set_pages(
        record,
        [
            (f"{subject}\nTrang {number} về công tác lưu trữ", 91.0)
            for number in range(1, pages + 1)
        ],
    )
    login(portal, TEST_USER_NAME)
    transaction.commit()
    return record


def approve(portal, record, comment="Đã đối chiếu với bản gốc"):
    """The archivist approves the record's OCR text (its review is complete)."""
    from vnarchive.digitization.review import actions

    as_user(portal, ARCHIVIST)
    actions.approve(record, comment)
    login(portal, TEST_USER_NAME)
    transaction.commit()


def build(portal, record):
    """The PDF/A of `record` by the real "build" job (as after a review correction); the
    outcomes of the jobs run."""
    from vnarchive.digitization.tasks.intake import enqueue_document_rebuild

    enqueue_document_rebuild(record)
    transaction.commit()
    return run_jobs(portal)


def run_jobs(portal):
    """[(job, outcome)] of every queued message, run as a worker runs them."""
    outcomes = drain(portal, identifier="signature-test")
    transaction.begin()
    return outcomes


@pytest.fixture
def site(functional_portal, functional_holdings, queue_db):
    """The functional site with the demo holdings and a fresh queue."""
    return functional_portal


@pytest.fixture
def dossier(site, functional_holdings):
    return functional_holdings[PROCESSING_DOSSIER]


@pytest.fixture
def signing(monkeypatch, pki, tsa):
    """Signing set up with the test PKI's archive certificate and its timestamp authority
    (PAdES B-LTA); the settings."""
    url, _authority = tsa
    settings = pki.settings(tsa_url=url)
    configure_signing(monkeypatch, settings)
    return settings
