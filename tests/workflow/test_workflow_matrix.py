"""The whole role x state x permission matrix, and who may fire each transition,
read from the plain-language specification beside the workflow definition."""

from AccessControl import getSecurityManager
from helpers import PUBLISHED_DOSSIER
from helpers import USERS
from pathlib import Path
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME

import pytest
import vnarchive.policy


SPEC = (
    Path(vnarchive.policy.__file__).parent
    / "profiles/default/workflows/vnarchive_record_workflow/SPECIFICATION.md"
)


def _table(heading):
    section = (
        SPEC.read_text(encoding="utf-8").split(f"## {heading}", 1)[1].split("\n## ")[0]
    )
    lines = section.splitlines()
    rows = [line for line in lines if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return header, [
        [cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]
    ]


def permission_cells():
    header, rows = _table("Who may do what in each state")
    roles = header[2:]
    for state, permission, *marks in rows:
        for role, mark in zip(roles, marks, strict=True):
            yield state, permission, role, mark == "✓"


def transition_cells():
    _header, rows = _table("Transitions")
    roles = [
        "Anonymous",
        "ArchiveReader",
        "Curator",
        "Archivist",
        "Appraiser",
        "ArchiveHead",
        "Manager",
    ]
    for transition, from_state, _to, who, _condition in rows:
        allowed = {name.strip() for name in who.split(",")}
        for role in roles:
            yield transition, from_state, role, role in allowed


def become(portal, role):
    if role == "Anonymous":
        logout()
    elif role == "Manager":
        setRoles(portal, TEST_USER_ID, ["Manager"])
        login(portal, TEST_USER_NAME)
    else:
        login(portal, USERS[role])


CELLS = list(permission_cells())


def test_specification_covers_every_state_and_role():
    states = {state for state, *_ in CELLS}
    assert states == {
        "processing",
        "archived",
        "published",
        "review_destruction",
        "destroyed",
        "transferred",
    }
    assert len(CELLS) == 6 * len(WRITE_PERMISSIONS + READ_PERMISSIONS) * 7


READ_PERMISSIONS = ["View", "Access contents information"]
# Every permission that lets someone change a record: the workflow manages each of them,
# so that a state that allows no change (destroyed, transferred) allows none of them.
WRITE_PERMISSIONS = [
    "Modify portal content",
    "Add portal content",
    "Delete objects",
    "vnarchive: Manage files",
    "vnarchive: Review OCR",
    "vnarchive: Add Dossier",
    "vnarchive: Add Record",
    "vnarchive: Modify retention",
    "vnarchive: Modify access mode",
]


def test_workflow_manages_every_permission_of_the_specification(portal):
    wf = api.portal.get_tool("portal_workflow")["vnarchive_record_workflow"]
    specified = {permission for _state, permission, *_ in CELLS}
    assert set(wf.permissions) == specified
    assert specified == set(READ_PERMISSIONS + WRITE_PERMISSIONS)


@pytest.mark.parametrize("state", ["destroyed", "transferred", "review_destruction"])
def test_closed_states_give_no_write_permission_to_anyone(state):
    granted = [
        (permission, role)
        for cell_state, permission, role, allowed in CELLS
        if cell_state == state and permission in WRITE_PERMISSIONS and allowed
    ]
    assert granted == []


@pytest.mark.parametrize("state", sorted({cell[0] for cell in CELLS}))
def test_permission_matrix(portal, make_document, state):
    record = make_document(state, maintenance="01" if state == "transferred" else "06")
    assert api.content.get_state(record) == state
    wrong = []
    for cell_state, permission, role, expected in CELLS:
        if cell_state != state:
            continue
        become(portal, role)
        actual = bool(getSecurityManager().checkPermission(permission, record))
        if actual != expected:
            wrong.append((role, permission, expected, actual))
    assert wrong == []


# Records on which each transition's condition holds.
CONDITIONS = {
    "archive": {},
    "publish": {"mode": "01", "dossier": PUBLISHED_DOSSIER},
    "withdraw": {"mode": "01"},
    "propose_destruction": {"maintenance": "06"},
    "reject_destruction": {"maintenance": "06"},
    "destroy": {"maintenance": "06"},
    "transfer": {"maintenance": "01"},
}


@pytest.mark.parametrize(
    ("transition", "from_state", "role", "expected"), list(transition_cells())
)
def test_who_may_fire(portal, make_document, transition, from_state, role, expected):
    record = make_document(from_state, **CONDITIONS[transition])
    become(portal, role)
    available = [
        t["id"]
        for t in api.portal.get_tool("portal_workflow").getTransitionsFor(record)
    ]
    assert (transition in available) is expected
