"""The append-only journal of every record."""

from AccessControl import getSecurityManager
from BTrees.LOBTree import LOBTree
from helpers import as_user
from helpers import PROCESSING_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOCUMENT
from helpers import USERS
from plone import api
from plone.app.testing import logout
from plone.uuid.interfaces import IUUID
from vnarchive.content.journal import journal_for
from vnarchive.policy.journal import entries
from zope.event import notify
from zope.lifecycleevent import Attributes
from zope.lifecycleevent import ObjectModifiedEvent

import pytest
import transaction


def actions(record):
    return [entry["action"] for entry in entries(record)]


def test_creation_and_transitions_are_journaled(holdings):
    record = holdings[PUBLISHED_DOCUMENT]
    log = entries(record)
    assert log[0]["action"] == "created"
    transitions = [entry for entry in log if entry["action"] == "transition"]
    assert [entry["transition"] for entry in transitions] == ["archive", "publish"]
    assert transitions[0]["comment"] == "Dữ liệu mẫu"
    assert all(entry["actor"] and entry["time"] for entry in log)


def test_edits_name_the_changed_fields(portal, holdings):
    from vnarchive.content.behaviors.lifecycle import ILifecycle
    from vnarchive.content.types.document import IArchivalDocument

    record = holdings[PROCESSING_DOCUMENT]
    as_user(portal, USERS["Archivist"])
    record.organName = "UBND tỉnh Quảng Trị"
    notify(
        ObjectModifiedEvent(
            record,
            Attributes(IArchivalDocument, "IArchivalDocument.organName"),
            Attributes(ILifecycle, "ILifecycle.mode"),
        )
    )
    last = entries(record)[-1]
    assert last["action"] == "edited"
    assert last["fields"] == ["mode", "organName"]
    assert last["actor"] == USERS["Archivist"]


def test_views_of_non_public_records_are_journaled(portal, holdings):
    secret = holdings[SECRET_DOCUMENT]
    public = holdings[PUBLISHED_DOCUMENT]
    as_user(portal, USERS["Archivist"])
    secret.restrictedTraverse("@@view")()
    public.restrictedTraverse("@@view")()
    assert actions(secret)[-1] == "viewed"
    assert "viewed" not in actions(public)


def test_downloads_are_journaled(portal, holdings):
    from vnarchive.content.files import IRecordFiles

    record = holdings[PUBLISHED_DOCUMENT]
    name = IRecordFiles(record).masters()[0].name
    as_user(portal, USERS["Archivist"])
    view = record.restrictedTraverse("@@record-file")
    view.publishTraverse(portal.REQUEST, name)
    view()
    last = entries(record)[-1]
    assert (last["action"], last["file"]) == ("download", name)


def test_journal_cannot_be_changed_through_what_it_returns(holdings):
    record = holdings[PUBLISHED_DOCUMENT]
    copy = entries(record)
    copy[0]["action"] = "forged"
    copy.clear()
    assert entries(record)[0]["action"] == "created"
    journal = journal_for(api.portal.get(), IUUID(record))
    assert not hasattr(journal, "remove")
    assert not hasattr(journal, "__delitem__")


def test_journal_survives_deletion_of_a_draft(portal, holdings):
    record = holdings[PROCESSING_DOCUMENT]
    uid = IUUID(record)
    as_user(portal, USERS["Archivist"])
    api.content.delete(record)
    log = journal_for(api.portal.get(), uid).entries()
    assert log[0]["action"] == "created"
    assert log[-1]["action"] == "deleted"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("Archivist", True),
        ("ArchiveHead", True),
        ("Appraiser", True),
        ("Curator", False),
        ("ArchiveReader", False),
        ("Anonymous", False),
    ],
)
def test_who_reads_the_journal(portal, holdings, role, allowed):
    record = holdings[PUBLISHED_DOCUMENT]
    if role == "Anonymous":
        logout()
    else:
        as_user(portal, USERS[role])
    assert (
        bool(getSecurityManager().checkPermission("vnarchive: View journal", record))
        is allowed
    )


def test_long_journals_are_still_written_on_get(functional_holdings):
    """Views are journaled on GET; a journal of many BTree buckets must not trip CSRF checks."""
    from helpers import DEMO_PASSWORD

    import requests
    import transaction

    record = functional_holdings[SECRET_DOCUMENT]
    for number in range(300):
        journal_for(api.portal.get(), IUUID(record)).append(
            "edited", "script", n=number
        )
    transaction.commit()
    before = len(entries(record))
    auth = (USERS["Archivist"], DEMO_PASSWORD)
    for url in (record.absolute_url(), record.absolute_url() + "/++api++"):
        response = requests.get(url, auth=auth, timeout=60, allow_redirects=False)
        assert response.status_code == 200, response.headers.get("location")
    transaction.begin()
    assert len(entries(record)) == before + 2
    assert entries(record)[-1]["action"] == "viewed"


# -- What a journal entry writes --------------------------------------------------------------


class SmallTree(LOBTree):
    """A journal tree with tiny buckets and nodes: three levels after a few dozen entries."""

    max_leaf_size = 4
    max_internal_size = 4


def test_an_entry_writes_only_what_written_by_append_names():
    """Every stored object an append changes is on the path `written_by_append` gives,
    found before the append: through bucket splits and new levels of the tree."""
    from vnarchive.content.journal import RecordJournal

    import ZODB

    db = ZODB.DB(None)
    connection = db.open()
    journal = connection.root()["journal"] = RecordJournal("uid")
    journal._entries = SmallTree()
    transaction.commit()
    depths = set()
    for number in range(1, 120):
        named = {id(obj) for obj in journal.written_by_append()}
        depths.add(len(named))
        assert journal.append("viewed", "someone")["number"] == number
        changed = [obj for obj in connection._registered_objects if obj._p_oid]
        assert changed
        assert all(id(obj) in named for obj in changed), number
        transaction.commit()
    assert max(depths) >= 3  # the root, a node, a bucket
    assert [entry["number"] for entry in journal.entries()] == list(range(1, 120))
    db.close()


def test_journals_written_before_keep_their_numbers(portal, holdings):
    """Numbers go on from the last entry (no count of the tree), in journals made before."""
    record = holdings[SECRET_DOCUMENT]
    journal = journal_for(api.portal.get(), IUUID(record))
    last = entries(record)[-1]["number"]
    assert journal.append("viewed", "someone")["number"] == last + 1


def test_a_view_marks_only_the_journal_safe_to_write(portal, holdings):
    """No request-wide exemption from plone.protect: the journal's objects, by oid."""
    from plone.protect.interfaces import IDisableCSRFProtection
    from plone.protect.utils import SAFE_WRITE_KEY
    from vnarchive.content.journal import written_by_append
    from vnarchive.policy.journal import record_view

    record = holdings[SECRET_DOCUMENT]
    request = portal.REQUEST
    named = written_by_append(api.portal.get(), IUUID(record))
    as_user(portal, USERS["Archivist"])
    record_view(record)
    assert actions(record)[-1] == "viewed"
    assert not IDisableCSRFProtection.providedBy(request)
    safe = request.environ.get(SAFE_WRITE_KEY, [])
    assert {obj._p_oid for obj in named if obj._p_oid} <= set(safe)
    assert record._p_oid not in safe


def test_first_entry_of_a_record_writes_only_the_tree_of_journals(portal, holdings):
    """A record without a journal yet: the site's tree of journals, down to its bucket."""
    from vnarchive.content.journal import record_entry
    from vnarchive.content.journal import written_by_append

    site = api.portal.get()
    transaction.savepoint()  # what the fixtures changed is registered already
    before = {id(obj) for obj in site._p_jar._registered_objects}
    named = {id(obj) for obj in written_by_append(site, "a-new-uid")}
    record_entry(site, "a-new-uid", "created", "someone")
    changed = [
        obj
        for obj in site._p_jar._registered_objects
        if id(obj) not in before and obj._p_oid
    ]
    assert all(id(obj) in named for obj in changed)


# -- A view over REST on GET: journaled, and no other write goes through ---------------------


def forge_title(event):
    """A write no GET may make: the record's title, changed while the request is served."""
    request = event.request
    if request.getHeader("X-Test-Forge"):
        record = getattr(request.get("PUBLISHED"), "context", None)
        if record is not None:
            record.title = "Tiêu đề giả mạo"


@pytest.fixture
def forger():
    from zope.component import getGlobalSiteManager
    from ZPublisher.interfaces import IPubAfterTraversal

    registry = getGlobalSiteManager()
    registry.registerHandler(forge_title, (IPubAfterTraversal,))
    yield
    registry.unregisterHandler(forge_title, (IPubAfterTraversal,))


def test_rest_get_of_a_record_journals_the_view_and_refuses_other_writes(
    functional_holdings, forger
):
    from helpers import DEMO_PASSWORD

    import requests

    record = functional_holdings[SECRET_DOCUMENT]
    title = record.Title()
    url = record.absolute_url()
    auth = (USERS["Archivist"], DEMO_PASSWORD)
    headers = {"Accept": "application/json"}
    transaction.commit()
    before = len(entries(record))

    viewed = requests.get(url, auth=auth, headers=headers, timeout=60)
    assert viewed.status_code == 200
    transaction.begin()
    assert len(entries(record)) == before + 1
    assert entries(record)[-1]["action"] == "viewed"
    assert entries(record)[-1]["actor"] == USERS["Archivist"]

    forged = requests.get(
        url, auth=auth, headers={**headers, "X-Test-Forge": "1"}, timeout=60
    )
    assert forged.status_code == 200
    assert forged.json()["title"] == "Tiêu đề giả mạo"  # made in the request...
    transaction.begin()
    assert record.Title() == title  # ...and refused by plone.protect: nothing kept,
    assert len(entries(record)) == before + 1  # not even the entry of that view
