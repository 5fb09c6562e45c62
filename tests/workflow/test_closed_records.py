"""Closed records: destroyed and transferred records are read-only for every role and path.

The workflow gives no write permission in those states (tests/test_workflow_matrix.py);
here every shared write function, event path and HTTP path is tried on a destroyed and a
transferred record as every role (Manager and the system included): refused with the
message, nothing kept, the attempt journaled. An archived record stays writable, and the
system's own writers (the destroy transition, upgrade steps) pass, journaled.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import UnrestrictedUser
from helpers import as_user
from helpers import CONDITIONAL_DOSSIER
from helpers import DEMO_PASSWORD
from helpers import document_data
from helpers import move_to
from helpers import PATHS
from helpers import PROCESSING_DOSSIER
from helpers import SECRET_DOSSIER
from helpers import USERS
from OFS.CopySupport import CopyError
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.journal import entries
from vnarchive.policy.workflow import closed as closed_module
from vnarchive.policy.workflow.closed import RecordClosed
from vnarchive.policy.workflow.closed import system_change
from zExceptions import Unauthorized
from zope.event import notify
from zope.i18n import translate
from zope.lifecycleevent import ObjectModifiedEvent

import base64
import pytest
import requests
import transaction


CLOSED = ["destroyed", "transferred"]
ROLES = [*USERS, "Manager", "system"]
MESSAGE = {
    "destroyed": "đã bị hủy: chỉ còn để tra cứu, không ai được thay đổi",
    "transferred": "đã được nộp lưu vào lưu trữ lịch sử",
}
MESSAGE_EN = {
    "destroyed": "has been destroyed: it is kept for reference only",
    "transferred": "has been transferred to the historical archive",
}


def retention(state):
    # Only permanent records are transferred; permanent records are never destroyed.
    return "01" if state == "transferred" else "06"


def become(portal, role):
    if role == "Manager":
        setRoles(portal, TEST_USER_ID, ["Manager"])
        login(portal, TEST_USER_NAME)
    elif role == "system":  # the workers, the importer, zconsole scripts
        user = UnrestrictedUser("vnarchive-digitization", "", ("Manager",), ())
        newSecurityManager(None, user.__of__(portal.acl_users))
    else:
        as_user(portal, USERS[role])


def refusals(record):
    return [entry for entry in entries(record) if entry["action"] == "write_refused"]


def text(error):
    return translate(error.value.doc(), target_language="vi")


@pytest.fixture
def closed(make_document, portal):
    """A document with a master file and OCR text, taken to a closed state."""

    def make(state):
        from review_data import set_pages

        record = make_document("archived", maintenance=retention(state))
        IRecordFiles(record).add_master("scan.png", b"\x89PNG scan", "image/png")
        set_pages(record, [("Văn bản trang một", 80.0)])
        as_user(portal, USERS["ArchiveHead"])
        for transition in PATHS[state][1:]:  # from archived on
            api.content.transition(obj=record, transition=transition, comment="test")
        login(portal, TEST_USER_NAME)
        return record

    return make


# -- Every shared write function, every role -------------------------------------------


WRITES = {
    "add_master_file": lambda record: __import__(
        "vnarchive.policy.files", fromlist=["add_master_file"]
    ).add_master_file(record, "new.png", b"\x89PNG new", "image/png"),
    "set_derivative": lambda record: IRecordFiles(record).set_derivative(
        "page-0009.png", b"\x89PNG clean", "image/png", kind="clean-page"
    ),
    "page_text": lambda record: (
        IRecordFiles(record).page(1, create=True).set_text("khác", source="ocr")
    ),
    "edit": lambda record: (
        setattr(record, "subjectText", "Sửa trái phép"),
        notify(ObjectModifiedEvent(record)),
    ),
    "rename": lambda record: api.content.rename(obj=record, new_id="doi-ten"),
    "move": lambda record: api.content.move(source=record, target=_other_dossier()),
    "delete": lambda record: api.content.delete(obj=record, check_linkintegrity=False),
}


def _other_dossier():
    catalog = api.portal.get_tool("portal_catalog")
    brain = catalog.unrestrictedSearchResults(archival_code=CONDITIONAL_DOSSIER)[0]
    return brain._unrestrictedGetObject()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", CLOSED)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_is_refused_for_every_role(closed, portal, state, role, write):
    record = closed(state)
    files_before = [item.info() for item in IRecordFiles(record)]
    pages_before = [(page.number, page.text) for page in IRecordFiles(record).pages()]
    become(portal, role)
    # Plone's own delete and move ask the workflow's permissions first (Unauthorized:
    # over HTTP the attempt is journaled and explained, see below); the system, which
    # no permission stops, and every other path meet the check in code.
    with pytest.raises((RecordClosed, Unauthorized, CopyError)) as error:
        WRITES[write](record)
    login(portal, TEST_USER_NAME)
    if role == "system" or error.type is RecordClosed:
        assert error.type is RecordClosed
        assert MESSAGE[state] in text(error)
        assert record.Title() in text(error)
    else:
        assert write in ("move", "rename", "delete")
    assert [item.info() for item in IRecordFiles(record)] == files_before
    assert [
        (page.number, page.text) for page in IRecordFiles(record).pages()
    ] == pages_before
    assert record.getId() in record.aq_parent.objectIds()
    if error.type is RecordClosed:
        refused = refusals(record)
        assert len(refused) == 1
        assert refused[0]["state"] == state
        # Whatever the caller does with the error, this transaction cannot commit.
        # (The test layer refuses commits itself: look at the hook instead.)
        hooks = [hook for hook, *_ in transaction.get().getBeforeCommitHooks()]
        assert closed_module._refuse_commit in hooks


def test_the_error_reads_in_the_users_language(closed, portal):
    record = closed("transferred")
    as_user(portal, USERS["Archivist"])
    with pytest.raises(RecordClosed) as error:
        IRecordFiles(record).add_master("x.png", b"x", "image/png")
    english = translate(error.value.doc(), target_language="en")
    lao = translate(error.value.doc(), target_language="lo")
    assert MESSAGE_EN["transferred"] in english
    assert record.Title() in english
    assert record.Title() in lao
    assert english != lao != text(error)


@pytest.mark.parametrize("state", CLOSED)
@pytest.mark.parametrize("action", ["save_correction", "approve", "reject"])
def test_ocr_review_is_refused(closed, portal, state, action):
    from vnarchive.digitization.review import actions

    record = closed(state)
    calls = {
        "save_correction": lambda: actions.save_correction(record, 1, "sửa"),
        "approve": lambda: actions.approve(record),
        "reject": lambda: actions.reject(record, "quét lại"),
    }
    for role in ("Archivist", "ArchiveHead", "Manager"):
        become(portal, role)
        with pytest.raises(actions.ReviewError) as error:
            calls[action]()
        assert error.value.code == "read_only"
        assert MESSAGE[state] in translate(error.value.doc(), target_language="vi")
    login(portal, TEST_USER_NAME)
    assert actions.decision(record) is None
    assert refusals(record)


# -- Inside a closed dossier ---------------------------------------------------------


@pytest.fixture
def transferred_dossier(holdings, portal):
    """The (archived, permanent) secret dossier with a new document in it, transferred."""
    from vnarchive.policy.records import create_record

    dossier = holdings[SECRET_DOSSIER]
    # Into an archived dossier: the head of the archive gives retention and access mode.
    as_user(portal, USERS["ArchiveHead"])
    child = create_record(dossier, "ArchivalDocument", document_data(maintenance="01"))
    as_user(portal, USERS["ArchiveHead"])
    api.content.transition(obj=dossier, transition="transfer", comment="test")
    login(portal, TEST_USER_NAME)
    assert api.content.get_state(child) == "processing"  # its own state allows edits
    return dossier, child


def test_nothing_is_added_into_a_closed_dossier(transferred_dossier, portal):
    from vnarchive.policy.records import create_record

    dossier, _child = transferred_dossier
    count = len(dossier.objectIds())
    for role in ("Archivist", "Manager", "system"):
        become(portal, role)
        with pytest.raises(RecordClosed):
            create_record(dossier, "ArchivalDocument", document_data())
        # Plone's own add asks the workflow first (no add permission in the state).
        expected = RecordClosed if role == "system" else (RecordClosed, Unauthorized)
        with pytest.raises(expected):
            api.content.create(container=dossier, type="ArchivalDocument", title="x")
    login(portal, TEST_USER_NAME)
    assert len(dossier.objectIds()) == count
    assert refusals(dossier)


def test_a_record_inside_a_closed_dossier_is_read_only(transferred_dossier, portal):
    _dossier, child = transferred_dossier
    as_user(portal, USERS["Archivist"])
    assert api.user.has_permission("Modify portal content", obj=child)
    for write in ("add_master_file", "edit", "delete"):
        with pytest.raises(RecordClosed) as error:
            WRITES[write](child)
        assert MESSAGE["transferred"] in text(error)
    with pytest.raises(RecordClosed):
        api.content.transition(obj=child, transition="archive")
    assert api.content.get_state(child) == "processing"


# -- What stays possible ---------------------------------------------------------------


def test_archived_records_stay_writable(make_document, portal):
    from review_data import set_pages
    from vnarchive.digitization.review import actions
    from vnarchive.policy.files import add_master_file

    record = make_document("archived")
    as_user(portal, USERS["Archivist"])
    add_master_file(record, "scan.png", b"\x89PNG scan", "image/png")
    set_pages(record, [("Văn bản", 80.0)])
    record.subjectText = "Sửa hợp lệ"
    notify(ObjectModifiedEvent(record))
    assert actions.save_correction(record, 1, "Văn bản đã sửa")
    login(portal, TEST_USER_NAME)
    assert IRecordFiles(record).get("scan.png") is not None
    assert refusals(record) == []
    transaction.savepoint()  # nothing poisons the transaction


def test_the_destroy_transition_removes_files_as_a_system_change(closed, portal):
    record = closed("destroyed")
    assert list(IRecordFiles(record)) == []
    assert [item["name"] for item in IRecordFiles(record).destroyed_files()] == [
        "page-0001.png",
        "scan.png",
    ]
    system = [e for e in entries(record) if e["action"] == "system_change"]
    assert [e["change"] for e in system] == ["destroy_files"]
    assert system[0]["actor"] == USERS["ArchiveHead"]
    assert refusals(record) == []


def test_upgrade_steps_write_as_system_changes(closed, portal):
    record = closed("transferred")
    become(portal, "system")
    with system_change("upgrade 20261207001: page text normalised"):
        IRecordFiles(record).page(1, create=True).set_text("chuẩn hóa", source="ocr")
        IRecordFiles(record).page(1, create=True).set_text("chuẩn hóa 2", source="ocr")
    login(portal, TEST_USER_NAME)
    assert IRecordFiles(record).page(1).text == "chuẩn hóa 2"
    system = [e for e in entries(record) if e["action"] == "system_change"]
    assert [(e["change"], e["reason"]) for e in system] == [
        ("page_text", "upgrade 20261207001: page text normalised")
    ]
    # Outside the block the record is closed again.
    with pytest.raises(RecordClosed):
        IRecordFiles(record).page(1, create=True)


def test_the_upload_link_follows_the_state(closed, make_document, portal):
    as_user(portal, USERS["Archivist"])
    archived = make_document("archived")
    as_user(portal, USERS["Archivist"])
    assert archived.restrictedTraverse("@@view").can_manage_files()
    for state in CLOSED:
        record = closed(state)
        as_user(portal, USERS["Archivist"])
        view = record.restrictedTraverse("@@view")
        assert not view.can_manage_files()
        assert not api.user.has_permission("vnarchive: Manage files", obj=record)
    login(portal, TEST_USER_NAME)


# -- Over HTTP: forms and REST -----------------------------------------------------------


@pytest.fixture
def http_closed(functional_portal, functional_holdings):
    """A transferred and a destroyed document, an archived one, committed; their URLs."""
    from vnarchive.policy.records import create_record

    portal = functional_portal
    dossier = functional_holdings[PROCESSING_DOSSIER]
    made = {}
    for state in ("transferred", "destroyed", "archived"):
        as_user(portal, USERS["Archivist"])
        record = create_record(
            dossier, "ArchivalDocument", document_data(maintenance=retention(state))
        )
        login(portal, TEST_USER_NAME)
        made[state] = move_to(portal, record, state)
    transaction.commit()
    return made


def _uid(record):
    return record.UID()


def _journal(portal, record):
    transaction.begin()  # see what the server committed
    return refusals(record)


def _count_files(record):
    transaction.begin()
    return len(list(IRecordFiles(record)))


AUTH = {
    "Archivist": (USERS["Archivist"], DEMO_PASSWORD),
    "ArchiveHead": (USERS["ArchiveHead"], DEMO_PASSWORD),
    "Manager": (SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
}


@pytest.mark.parametrize("role", sorted(AUTH))
def test_rest_upload_is_refused_with_a_translated_403(
    http_closed, functional_portal, role
):
    payload = {
        "filename": "scan.png",
        "content-type": "image/png",
        "data": base64.b64encode(b"\x89PNG scan").decode(),
    }
    for state in CLOSED:
        record = http_closed[state]
        for language, expected in (("vi", MESSAGE), ("en", MESSAGE_EN)):
            response = requests.post(
                f"{record.absolute_url()}/@record-files",
                json=payload,
                auth=AUTH[role],
                headers={"Accept": "application/json", "Accept-Language": language},
                timeout=60,
            )
            assert response.status_code == 403, response.text
            body = response.json()
            assert expected[state] in body["message"], body
            assert "Traceback" not in response.text
        assert _count_files(record) == 0
        assert _journal(functional_portal, record)
    # The archived one takes the file: the refusal is the state, not the request.
    response = requests.post(
        f"{http_closed['archived'].absolute_url()}/@record-files",
        json=payload,
        auth=AUTH[role],
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 201, response.text


def test_rest_edit_of_a_closed_record_is_refused(http_closed, functional_portal):
    record = http_closed["transferred"]
    response = requests.patch(
        record.absolute_url(),
        json={"subjectText": "Sửa qua REST"},
        auth=AUTH["Manager"],
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 403, response.text
    assert MESSAGE["transferred"] in response.json()["message"]
    transaction.begin()
    assert record.subjectText == "Thông báo lịch tiếp công dân"
    assert _journal(functional_portal, record)


def test_upload_form_is_refused_and_offers_no_button(http_closed, functional_portal):
    session = requests.Session()
    session.auth = AUTH["Archivist"]
    for state in CLOSED:
        record = http_closed[state]
        page = session.get(record.absolute_url(), timeout=60)
        assert page.status_code == 200
        assert "@@upload-files" not in page.text
        response = session.post(
            f"{record.absolute_url()}/@@upload-files",
            files={"files:list": ("scan.png", b"\x89PNG scan", "image/png")},
            timeout=60,
        )
        assert "Traceback" not in response.text
        assert response.status_code in (200, 401, 403)
        assert _count_files(record) == 0
        assert _journal(functional_portal, record)
    page = session.get(http_closed["archived"].absolute_url(), timeout=60)
    assert "@@upload-files" in page.text
