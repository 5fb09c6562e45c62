"""Codes stay unique and frozen however a record is moved, renamed, copied or deleted."""

from helpers import as_user
from helpers import PROCESSING_DOCUMENT
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import USERS
from plone import api
from plone.uuid.interfaces import IUUID
from vnarchive.content.coding import code_holder
from vnarchive.content.coding import CodeInUse
from vnarchive.content.coding import CodesFrozen
from vnarchive.content.coding import update_dossier_codes
from zExceptions import Unauthorized

import pytest
import transaction


def test_every_code_is_registered_to_its_record(holdings):
    for code, record in holdings.items():
        holder_code = record.docId if getattr(record, "docId", None) else code
        assert code_holder(holder_code) == IUUID(record)


def test_frozen_code_cannot_change_even_in_code(holdings):
    dossier = holdings["000.00.00.H56.2010.01.TH"]
    dossier.fileNumber = "99.TH"
    with pytest.raises(CodesFrozen):
        update_dossier_codes(dossier)


def test_frozen_record_cannot_be_moved(portal, holdings):
    from zope.event import notify
    from zope.lifecycleevent import ObjectMovedEvent

    record = holdings[PUBLISHED_DOCUMENT]
    target = holdings[PROCESSING_DOSSIER]
    transaction.savepoint(optimistic=True)
    as_user(portal, USERS["ArchiveHead"])
    with pytest.raises(
        Unauthorized, match="Delete not allowed"
    ):  # the permissions refuse first
        api.content.move(source=record, target=target)
    # and by the code rule, whatever path a move takes
    with pytest.raises(CodesFrozen):
        notify(ObjectMovedEvent(record, record.__parent__, record.getId(), target, "x"))


def test_processing_record_moves_and_gets_new_codes(portal, holdings):
    record = holdings[PROCESSING_DOCUMENT]
    old_code = record.docId
    target = holdings["000.00.00.H56.2015.12.TCCB"]
    transaction.savepoint(optimistic=True)
    as_user(portal, USERS["ArchiveHead"])
    uid = IUUID(record)
    api.content.move(source=record, target=target)
    moved = api.content.get(UID=uid)
    assert moved.aq_parent == target
    assert moved.docId == "000.00.00.H56.2015.12.TCCB.2"
    assert code_holder(old_code) is None


def test_copy_gets_its_own_ordinal(portal, holdings):
    record = holdings[PROCESSING_DOCUMENT]
    transaction.savepoint(optimistic=True)
    as_user(portal, USERS["Archivist"])
    copy = api.content.copy(
        source=record, target=holdings[PROCESSING_DOSSIER], safe_id=True
    )
    assert copy.docOrdinal == 2
    assert copy.docId == "000.00.00.H56.2024.02.KH.2"
    assert record.docId == "000.00.00.H56.2024.02.KH.1"


def test_deleting_a_draft_frees_its_code(portal, holdings):
    from vnarchive.policy.records import create_record

    dossier = holdings[PROCESSING_DOSSIER]
    fonds = dossier.__parent__
    data = {"title": "Hồ sơ mới", "fileYear": 2024, "fileNumber": "02.KH"}
    as_user(portal, USERS["Archivist"])
    with pytest.raises(Exception, match="đã được dùng"):
        create_record(fonds, "Dossier", data)
    api.content.delete(dossier, check_linkintegrity=False)
    again = create_record(fonds, "Dossier", data)
    assert again.fileCode == "000.00.00.H56.2024.02.KH"


def test_codes_are_unique_across_the_site_not_only_the_folder(portal, holdings):
    """A dossier number that would produce a document id already in use is refused."""
    from vnarchive.policy.records import create_record

    fonds = holdings["UBQT"]
    as_user(portal, USERS["Archivist"])
    # 2010 . "01.TH.1" gives 000.00.00.H56.2010.01.TH.1: the id of a document.
    with pytest.raises(Exception, match="đã được dùng"):
        create_record(
            fonds,
            "Dossier",
            {"title": "Trùng", "fileYear": 2010, "fileNumber": "01.TH.1"},
        )


@pytest.mark.parametrize("number", ["abc", "TH"])
def test_a_dossier_number_without_its_number_is_refused(portal, holdings, number):
    """Letters alone are not a dossier number: refused, not stored upper-cased."""
    from vnarchive.policy.records import create_record
    from zExceptions import BadRequest

    fonds = holdings["UBQT"]
    before = set(fonds.objectIds())
    as_user(portal, USERS["Archivist"])
    with pytest.raises(BadRequest, match=r"error_dossier_number_start|phải bắt đầu"):
        create_record(
            fonds,
            "Dossier",
            {"title": "Hồ sơ chữ", "fileYear": 2020, "fileNumber": number},
        )
    assert set(fonds.objectIds()) == before


def test_uniqueness_is_enforced_by_the_database(tmp_path):
    """Two transactions claiming one code conflict: the registry is a BTree, not a hope."""
    from BTrees.OOBTree import OOBTree
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    from ZODB.POSException import ConflictError

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        first_tm, second_tm = (
            transaction.TransactionManager(),
            transaction.TransactionManager(),
        )
        first, second = db.open(first_tm), db.open(second_tm)
        first.root()["codes"] = OOBTree()
        first_tm.commit()
        second.sync()
        first.root()["codes"]["H56.2010.01.TH"] = "uid-a"
        second.root()["codes"]["H56.2010.01.TH"] = "uid-b"
        first_tm.commit()
        with pytest.raises(ConflictError):
            second_tm.commit()
        second_tm.abort()
        assert second.root()["codes"]["H56.2010.01.TH"] == "uid-a"
    finally:
        db.close()


def test_code_in_use_message_names_the_holder(holdings):
    from vnarchive.content.coding import ensure_code_free
    from zope.i18n import translate

    with pytest.raises(CodeInUse) as error:
        ensure_code_free("000.00.00.H56.2010.01.TH", own_uid="someone-else")
    text = translate(error.value.doc(), target_language="vi")
    assert "Hồ sơ hội nghị tổng kết" in text
