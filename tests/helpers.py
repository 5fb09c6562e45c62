"""What the tests share besides fixtures: the demo's codes and accounts, and helpers that
act as a person would. Import from here, never from a conftest (every area has its own)."""

from layers import DEMO_FILE  # noqa: F401 - tests import it from here
from pathlib import Path
from plone import api
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from zope.globalrequest import setRequest


# The repository (tests live in tests/<area>/).
ROOT = Path(__file__).resolve().parent.parent

DEMO_PASSWORD = "vnarchive-demo"

# Demo records the tests refer to, by archival code.
FONDS = "UBQT"
PUBLISHED_DOSSIER = "000.00.00.H56.2010.01.TH"
PUBLISHED_DOCUMENT = "000.00.00.H56.2010.01.TH.0000001"  # has a master scan
CONDITIONAL_DOCUMENT = "000.00.00.H56.2010.01.TH.0000003"  # archived, access 02
LAO_DOCUMENT = "000.00.00.H56.1977.05.HT.0000002"
PHOTO = "000.00.00.H56.1977.05.HT.0000004"
CONDITIONAL_DOSSIER = "000.00.00.H56.2015.12.TCCB"
SECRET_DOSSIER = "000.00.00.H56.2018.03.BM"
SECRET_DOCUMENT = "000.00.00.H56.2018.03.BM.0000001"
UNDER_REVIEW_DOCUMENT = "000.00.00.H56.2021.07.VP.0000001"
PROCESSING_DOSSIER = "000.00.00.H56.2024.02.KH"
PROCESSING_DOCUMENT = "000.00.00.H56.2024.02.KH.0000001"

RECORD_TYPES = [
    "Fonds",
    "Dossier",
    "ArchivalDocument",
    "PhotoRecord",
    "AudioVisualRecord",
]

# Demo accounts and the roles their groups give.
USERS = {
    "Archivist": "luutruvien",
    "Appraiser": "thamdinh",
    "ArchiveHead": "lanhdao",
    "Curator": "bientap",
    "ArchiveReader": "docgia",
}


def load_holdings(portal):
    """The demo holdings, by archival code: the test layer loaded them once (layers.py)."""
    setRequest(portal.REQUEST)
    return by_code(portal)


def by_code(portal):
    catalog = api.portal.get_tool("portal_catalog")
    return {
        brain.archival_code: brain._unrestrictedGetObject()
        for brain in catalog.unrestrictedSearchResults(portal_type=RECORD_TYPES)
    }


def force_state(obj, state):
    """Put `obj` in `state` without a transition (no guard, no subscriber), as a site made
    before a rule may hold it."""
    workflow = api.portal.get_tool("portal_workflow")
    status = dict(workflow.getStatusOf("vnarchive_record_workflow", obj))
    status["review_state"] = state
    workflow.setStatusOf("vnarchive_record_workflow", obj, status)
    obj.reindexObject()


PATHS = {
    "processing": (),
    "archived": ("archive",),
    "published": ("archive", "publish"),
    "review_destruction": ("archive", "propose_destruction"),
    "destroyed": ("archive", "propose_destruction", "destroy"),
    "transferred": ("archive", "transfer"),
}


def document_data(**changes):
    data = {
        "typeName": "07",
        "codeNumber": "9",
        "codeNotation": "TB-UBND",
        "issuedDate": "02/01/2020",
        "organName": "Ủy ban nhân dân tỉnh Quảng Trị",
        "subjectText": "Thông báo lịch tiếp công dân",
        "languageCode": ["01"],
        "numberOfPage": 2,
        "maintenance": "06",
        "mode": "01",
        "confidenceLevel": "01",
    }
    data.update(changes)
    return data


def as_user(portal, username):
    """Log in as a demo user (real roles in context, as workflow guards read them)."""
    login(portal, username)


def move_to(portal, obj, state):
    """Take `obj` along the workflow to `state`, each step done by someone allowed to."""
    for transition in PATHS[state]:
        as_user(portal, USERS["ArchiveHead"])
        api.content.transition(
            obj=obj, transition=transition, comment=f"test {transition}"
        )
    login(portal, TEST_USER_NAME)
    return obj


def adder_for(container):
    """Who adds a complete record to `container`: an archivist while it is processed; past
    processing, retention and access mode are the head of the archive's to set (their write
    permissions follow the container's state)."""
    processing = api.content.get_state(container) == "processing"
    return USERS["Archivist" if processing else "ArchiveHead"]
