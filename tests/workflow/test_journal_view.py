"""The journal page and record listings speak to people: translated actions, states, local times."""

from helpers import as_user
from helpers import PUBLISHED_DOSSIER
from helpers import USERS
from vnarchive.policy.browser.times import local_time
from vnarchive.policy.journal import entries


def test_journal_shows_action_and_state_titles(portal, make_document):
    record = make_document("archived")
    as_user(portal, USERS["ArchiveHead"])
    record.restrictedTraverse("@@view")()  # a view: journaled as "viewed"
    stored = entries(record)
    assert {"created", "transition", "viewed"} <= {entry["action"] for entry in stored}
    transition = next(entry for entry in stored if entry["action"] == "transition")
    assert transition["from_state"] == "processing"  # stored entries unchanged
    html = record.restrictedTraverse("@@journal")()
    assert "Chuyển trạng thái" in html
    assert "Từ trạng thái: Đang chỉnh lý" in html
    assert "Sang trạng thái: Lưu kho" in html
    assert ">Xem<" in html
    assert "from_state" not in html
    assert ">viewed<" not in html
    assert "(UTC)" not in html


def test_times_are_in_the_site_timezone():
    assert local_time("2026-11-21T07:00:00+00:00") == "21/11/2026 14:00"
    assert local_time("nonsense") == "nonsense"
    assert local_time(None) == ""


def test_listing_shows_the_state_of_each_record(portal, holdings):
    as_user(portal, USERS["Archivist"])
    html = holdings[PUBLISHED_DOSSIER].restrictedTraverse("@@view")()
    assert "vnarchive-state-cell" in html
    assert 'data-state="published"' in html
    assert ">Công bố</td>" in html
    assert "Trạng thái" in html


def test_add_ons_name_their_own_entries(portal, make_document):
    """The digitization add-on's entries (IJournalLabels) read as words, not ids."""
    from vnarchive.policy.journal import record as journal

    record = make_document("processing")
    journal(record, "pdfa_signed", signer="Trung tâm Lưu trữ", level="B-LTA")
    journal(record, "an_unknown_action")
    as_user(portal, USERS["ArchiveHead"])
    html = record.restrictedTraverse("@@journal")()
    assert "Ký số bản PDF/A" in html
    assert "Người ký: Trung tâm Lưu trữ" in html
    assert "Mức chữ ký: B-LTA" in html
    assert ">pdfa_signed<" not in html
    assert "an_unknown_action" in html  # shown as it is rather than hidden
