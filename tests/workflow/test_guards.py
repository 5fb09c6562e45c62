"""Workflow rules that hold in code, whatever the client."""

from helpers import as_user
from helpers import FONDS
from helpers import force_state
from helpers import PUBLISHED_DOSSIER
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
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
    record = make_document("archived", mode="01", dossier=PUBLISHED_DOSSIER)
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


# -- A record is public only inside public containers ------------------------------------

ARCHIVED_DOSSIER = "000.00.00.H56.2021.07.VP"  # archived, access 01
LAO_DOSSIER = "000.00.00.H56.1977.05.HT"  # published, in the published fonds


def test_publishing_needs_a_published_dossier(portal, make_document):
    inside_processing = make_document("archived", mode="01")  # the processing dossier
    inside_published = make_document("archived", mode="01", dossier=PUBLISHED_DOSSIER)
    as_user(portal, USERS["ArchiveHead"])
    assert "publish" not in transitions(inside_processing)
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(obj=inside_processing, transition="publish")
    assert api.content.get_state(inside_processing) == "archived"
    assert "publish" in transitions(inside_published)


def test_a_dossier_is_published_only_in_a_published_fonds(holdings, portal):
    from vnarchive.policy.workflow.guards import may_publish

    fonds = holdings[FONDS]
    dossier = holdings[ARCHIVED_DOSSIER]
    assert may_publish(dossier)  # public, in the published fonds
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=fonds, transition="withdraw")
    assert not may_publish(dossier)
    assert "publish" not in transitions(dossier)
    # A fonds sits in the site: only its access mode counts.
    assert may_publish(fonds)
    api.content.transition(obj=fonds, transition="publish")
    api.content.transition(obj=dossier, transition="publish")
    assert api.content.get_state(dossier) == "published"


def test_publishing_inside_waits_for_the_dossier(holdings, portal):
    dossier = holdings[ARCHIVED_DOSSIER]
    document = holdings[f"{ARCHIVED_DOSSIER}.0000002"]  # archived, access 01
    as_user(portal, USERS["ArchiveHead"])
    assert "publish" not in transitions(document)
    api.content.transition(obj=dossier, transition="publish")
    assert "publish" in transitions(document)


def published_inside(container):
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(container.getPhysicalPath())
    return sorted(
        brain.archival_code
        for brain in catalog.unrestrictedSearchResults(
            path=path, review_state="published"
        )
    )


def test_withdrawing_a_dossier_withdraws_what_it_holds(holdings, portal):
    dossier = holdings[PUBLISHED_DOSSIER]
    public = [holdings[f"{PUBLISHED_DOSSIER}.000000{n}"] for n in (1, 2)]
    conditional = holdings[f"{PUBLISHED_DOSSIER}.0000003"]
    before = len(entries(conditional))
    assert [api.content.get_state(obj) for obj in public] == ["published"] * 2
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=dossier, transition="withdraw", comment="Rà soát lại")
    assert [api.content.get_state(obj) for obj in public] == ["archived"] * 2
    assert published_inside(dossier) == []  # the catalog knows it too
    for record in public:
        last = entries(record)[-1]
        assert last["action"] == "transition"
        assert (last["transition"], last["from_state"], last["to_state"]) == (
            "withdraw",
            "published",
            "archived",
        )
        assert last["actor"] == USERS["ArchiveHead"]
        assert PUBLISHED_DOSSIER in last["comment"]
        assert "thu hồi công bố" in last["comment"]
    # What was not published is left as it was, and its journal untouched.
    assert api.content.get_state(conditional) == "archived"
    assert len(entries(conditional)) == before
    # The dossier keeps its own comment.
    assert entries(dossier)[-1]["comment"] == "Rà soát lại"
    # Anonymous no longer sees the documents.
    from plone.app.testing import logout

    logout()
    assert not api.user.has_permission("View", obj=public[0])


def test_withdrawing_a_fonds_withdraws_everything_public_in_it(holdings, portal):
    fonds = holdings[FONDS]
    assert len(published_inside(fonds)) > 3
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=fonds, transition="withdraw")
    assert published_inside(fonds) == []
    photo = holdings[f"{LAO_DOSSIER}.0000004"]
    comment = entries(photo)[-1]["comment"]
    assert LAO_DOSSIER in comment  # its own dossier, withdrawn because of the fonds
    assert FONDS in entries(holdings[LAO_DOSSIER])[-1]["comment"]


def test_a_container_made_non_public_keeps_nothing_public(holdings, portal):
    """Sites from before the rule may hold a published record in a container that is
    not published; restricting that container withdraws it."""
    dossier = holdings[PUBLISHED_DOSSIER]
    document = holdings[f"{PUBLISHED_DOSSIER}.0000001"]
    force_state(dossier, "archived")
    as_user(portal, USERS["Archivist"])
    dossier.mode = "01"
    notify(ObjectModifiedEvent(dossier))  # still public: nothing happens
    assert api.content.get_state(document) == "published"
    dossier.mode = "02"
    notify(ObjectModifiedEvent(dossier))
    assert api.content.get_state(document) == "archived"
    assert "không còn ở chế độ sử dụng công khai" in entries(document)[-1]["comment"]


def test_upgrade_withdraws_what_sits_in_unpublished_containers(holdings, portal):
    """What an existing site needs once: records published in a container that is not."""
    from vnarchive.policy.publication import withdraw_from_unpublished_containers

    dossier = holdings[PUBLISHED_DOSSIER]
    inside = [holdings[f"{PUBLISHED_DOSSIER}.000000{n}"] for n in (1, 2)]
    force_state(dossier, "archived")
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    assert withdraw_from_unpublished_containers(portal) == 2
    assert [api.content.get_state(obj) for obj in inside] == ["archived"] * 2
    assert PUBLISHED_DOSSIER in entries(inside[0])[-1]["comment"]
    assert published_inside(holdings[FONDS])  # the other published dossier stays
    assert withdraw_from_unpublished_containers(portal) == 0  # nothing left to do
