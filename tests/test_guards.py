"""Workflow rules that hold in code, whatever the client."""

from conftest import as_user
from conftest import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.journal import entries
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import pytest


def transitions(record):
    return [
        t["id"]
        for t in api.portal.get_tool("portal_workflow").getTransitionsFor(record)
    ]


def test_incomplete_record_cannot_leave_processing(portal, make_document):
    record = make_document("processing", issuedDate=None, languageCode=[])
    as_user(portal, USERS["ArchiveHead"])
    assert "archive" not in transitions(record)
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(obj=record, transition="archive")


def test_the_record_page_says_what_is_missing(portal, make_document):
    record = make_document("processing", issuedDate=None)
    as_user(portal, USERS["Archivist"])
    html = record.restrictedTraverse("@@view")()
    assert "Cần bổ sung trước khi lưu kho" in html
    assert "Ngày tháng năm tài liệu" in html


def test_digitized_dossier_needs_paper_file_code(holdings, portal):
    from vnarchive.content.completeness import missing_fields

    dossier = holdings["000.00.00.H56.2010.01.TH"]
    dossier.paperFileCode = None
    assert [name for name, _title in missing_fields(dossier)] == ["paperFileCode"]


@pytest.mark.parametrize("mode", ["02", "03"])
def test_only_public_records_can_be_published(portal, make_document, mode):
    record = make_document("archived", mode=mode)
    as_user(portal, USERS["ArchiveHead"])
    assert "publish" not in transitions(record)
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(obj=record, transition="publish")


def test_public_record_can_be_published(portal, make_document):
    record = make_document("archived", mode="01")
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=record, transition="publish")
    assert api.content.get_state(record) == "published"


def test_published_record_cannot_become_secret(portal, make_document):
    record = make_document("published")
    as_user(portal, USERS["Archivist"])
    record.mode = "03"
    with pytest.raises(ArchivalValidationError):
        notify(ObjectModifiedEvent(record))


def test_permanent_record_is_never_destroyed(portal, make_document):
    record = make_document("archived", maintenance="01")
    as_user(portal, USERS["ArchiveHead"])
    assert "propose_destruction" not in transitions(record)
    # Even a record already on the list cannot be destroyed once it is permanent.
    record2 = make_document("review_destruction")
    record2.maintenance = "01"
    as_user(portal, USERS["ArchiveHead"])
    assert "destroy" not in transitions(record2)
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(obj=record2, transition="destroy")


def test_dossier_is_destroyed_only_after_its_records(holdings, portal):
    dossier = holdings["000.00.00.H56.2021.07.VP"]
    first = holdings["000.00.00.H56.2021.07.VP.0000001"]  # under review
    second = holdings["000.00.00.H56.2021.07.VP.0000002"]  # archived
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=dossier, transition="propose_destruction")
    assert "destroy" not in transitions(dossier)
    api.content.transition(obj=first, transition="destroy", comment="QĐ 5/QĐ-LT")
    api.content.transition(obj=second, transition="propose_destruction")
    api.content.transition(obj=second, transition="destroy", comment="QĐ 5/QĐ-LT")
    assert "destroy" in transitions(dossier)


def test_destruction_removes_files_keeps_metadata_codes_decision_journal(
    portal, make_document
):
    from vnarchive.policy.files import add_master_file

    record = make_document("review_destruction")
    as_user(portal, USERS["Archivist"])
    add_master_file(record, "scan.tif", b"II*\x00 page", "image/tiff")
    code = record.docCode
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(
        obj=record, transition="destroy", comment="Quyết định hủy số 12/QĐ-LT"
    )
    login(portal, TEST_USER_NAME)
    assert list(IRecordFiles(record)) == []
    assert IRecordFiles(record).destroyed_files()[0]["name"] == "scan.tif"
    assert record.docCode == code
    assert record.subjectText == "Thông báo lịch tiếp công dân"
    assert record.destruction["comment"] == "Quyết định hủy số 12/QĐ-LT"
    actions = [entry["action"] for entry in entries(record)]
    assert actions[-2:] == ["files_destroyed", "transition"]
    assert entries(record)[-1]["comment"] == "Quyết định hủy số 12/QĐ-LT"


def test_only_the_head_destroys(portal, make_document):
    record = make_document("review_destruction")
    for role in ("Archivist", "Appraiser"):
        as_user(portal, USERS[role])
        assert "destroy" not in transitions(record)
    as_user(portal, USERS["Appraiser"])
    assert "reject_destruction" in transitions(record)


def test_only_permanent_records_are_transferred(portal, make_document):
    ten_years = make_document("archived", maintenance="06")
    permanent = make_document("archived", maintenance="01")
    as_user(portal, USERS["ArchiveHead"])
    assert "transfer" not in transitions(ten_years)
    assert "transfer" in transitions(permanent)


def test_publishing_sets_the_publication_date(portal, make_document):
    record = make_document("published")
    assert record.effective_date is not None
    assert record.effective().year() >= 2026
