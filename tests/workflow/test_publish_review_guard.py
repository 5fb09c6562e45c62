"""Unreviewed OCR text is not published: the publish guard asks the OCR review.

The core's guard (`may_publish`) asks every IPublicationCheck of the record; the
digitization add-on registers the OCR review one, which holds only where it is installed.
"""

from helpers import as_user
from helpers import DEMO_PASSWORD
from helpers import PUBLISHED_DOSSIER
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from review_data import set_pages
from review_data import TEXTS
from vnarchive.digitization.review import actions
from vnarchive.policy.workflow.guards import may_publish
from vnarchive.policy.workflow.guards import publication_reasons

import pytest
import requests
import transaction


def transitions(record):
    return [
        t["id"]
        for t in api.portal.get_tool("portal_workflow").getTransitionsFor(record)
    ]


@pytest.fixture
def pending(make_document, portal, queue_db):
    """An archived public document in a published dossier, one OCR page of 45 %."""
    record = make_document("archived", dossier=PUBLISHED_DOSSIER)
    set_pages(record, [(TEXTS["good"], 91.0), (TEXTS["low"], 45.0)])
    assert actions.review_state(record) == actions.PENDING
    return record


def approve(portal, record):
    as_user(portal, USERS["Archivist"])
    actions.approve(record, "Đã đối chiếu")
    login(portal, TEST_USER_NAME)


def test_pending_ocr_cannot_be_published(portal, pending):
    as_user(portal, USERS["ArchiveHead"])
    assert not may_publish(pending)
    assert "publish" not in transitions(pending)
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(obj=pending, transition="publish")
    assert api.content.get_state(pending) == "archived"


def test_approved_ocr_can_be_published(portal, pending):
    approve(portal, pending)
    as_user(portal, USERS["ArchiveHead"])
    assert may_publish(pending)
    assert "publish" in transitions(pending)
    api.content.transition(obj=pending, transition="publish")
    assert api.content.get_state(pending) == "published"


def test_corrected_but_undecided_or_rejected_text_waits_too(portal, pending):
    as_user(portal, USERS["Archivist"])
    actions.save_correction(pending, 2, "Quyết định đã sửa")
    assert actions.review_state(pending) == actions.IN_PROGRESS
    assert not may_publish(pending)
    actions.reject(pending, "Cần quét lại")
    assert not may_publish(pending)
    reasons = publication_reasons(pending)
    assert [str(reason) for reason in reasons] == ["publish_reason_ocr_rejected"]


def test_text_changed_after_approval_waits_again(portal, pending):
    approve(portal, pending)
    assert may_publish(pending)
    set_pages(pending, [(TEXTS["fine"], 60.0)])  # the workers OCR a page anew
    assert not may_publish(pending)


def test_document_without_ocr_text_is_not_held_back(portal, make_document):
    record = make_document("archived", dossier=PUBLISHED_DOSSIER)
    assert actions.review_state(record) is None
    as_user(portal, USERS["ArchiveHead"])
    assert "publish" in transitions(record)


def test_an_uninstalled_addon_does_not_block(portal, pending):
    from plone.browserlayer.utils import unregister_layer

    unregister_layer("vnarchive.digitization")
    as_user(portal, USERS["ArchiveHead"])
    assert may_publish(pending)
    assert "publish" in transitions(pending)


def test_the_record_page_says_why(portal, pending):
    as_user(portal, USERS["Archivist"])
    html = pending.restrictedTraverse("@@view")()
    assert "vnarchive-not-publishable" in html
    assert "Chưa thể công bố" in html
    assert "Văn bản nhận dạng (OCR) của tài liệu chưa được duyệt" in html
    approve(portal, pending)
    as_user(portal, USERS["Archivist"])
    html = pending.restrictedTraverse("@@view")()
    assert "vnarchive-not-publishable" not in html


def test_rest_workflow_publish_is_refused_until_approved(
    functional_portal, functional_holdings, queue_db
):
    from helpers import adder_for
    from helpers import document_data
    from helpers import move_to
    from vnarchive.policy.records import create_record

    portal = functional_portal
    dossier = functional_holdings[PUBLISHED_DOSSIER]
    as_user(portal, adder_for(dossier))
    record = create_record(dossier, "ArchivalDocument", document_data())
    move_to(portal, record, "archived")
    set_pages(record, [(TEXTS["low"], 45.0)])
    login(portal, TEST_USER_NAME)
    transaction.commit()
    url = f"{record.absolute_url()}/++api++/@workflow/publish"
    head = (USERS["ArchiveHead"], DEMO_PASSWORD)

    def publish():
        return requests.post(
            url,
            json={"comment": "Công bố"},
            auth=head,
            headers={"Accept": "application/json"},
            timeout=60,
        )

    refused = publish()
    assert refused.status_code >= 400, refused.text
    transaction.begin()
    assert api.content.get_state(record) == "archived"

    approve(portal, record)
    transaction.commit()
    done = publish()
    assert done.status_code == 200, done.text
    transaction.begin()
    assert api.content.get_state(record) == "published"
