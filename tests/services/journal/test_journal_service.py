"""GET <record>/@journal: the record's journal, oldest first, in plone.restapi's batches.

`items`, `items_total` and, only when there is more than one batch, the `batching` links
(`@id`, `first`, `last`, `prev`, `next` with `b_start`); a `b_size` or `b_start` that is
not a number is a 400 in the services' error shape; a batch is read without the rest of
the journal; a record the visitor may not View has no journal (the trust guard's 404),
which the generic prober confirms for this one endpoint.
"""

from helpers import DEMO_PASSWORD
from helpers import PROCESSING_DOCUMENT
from helpers import USERS
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from prober import Channel
from prober import channels_for
from prober import Prober
from prober import swap_names
from prober import Target
from prober import Visitor
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from vnarchive.content.indexers import main_code
from vnarchive.content.journal import RecordJournal
from vnarchive.policy.journal import entries
from vnarchive.policy.journal import record

import pytest
import requests
import transaction


ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
ADMIN = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
ADDED = 30  # entries written by the test: more than a default batch (25) in all
MARKER = "zqjournalmarker"
MISSING_ID = "9999"


def get(url, auth=ARCHIVIST, **params):
    return requests.get(
        url,
        params=params,
        auth=auth,
        headers={"Accept": "application/json"},
        timeout=60,
        allow_redirects=False,
    )


def b_start(link):
    return int(parse_qs(urlsplit(link).query)["b_start"][0])


@pytest.fixture
def journal(site, functional_holdings):
    """The processing document (not public) with ADDED more journal entries, committed:
    (its URL, its entries oldest first as stored)."""
    document = functional_holdings[PROCESSING_DOCUMENT]
    for number in range(ADDED):
        record(document, "viewed", comment=f"{MARKER} {number}")
    stored = entries(document)
    transaction.commit()
    return document.absolute_url(), stored


def test_one_batch_has_no_batching(journal):
    url, stored = journal
    whole = get(f"{url}/@journal", b_size=len(stored))
    assert whole.status_code == 200, whole.text
    data = whole.json()
    assert data["@id"] == f"{url}/@journal"
    assert data["items"] == stored  # every entry, oldest first, as stored
    assert data["items"][0]["action"] == "created"
    assert data["items_total"] == len(stored)
    assert "batching" not in data  # one batch: no links, as in plone.restapi


def test_several_batches_link_to_each_other(journal):
    url, stored = journal
    total = len(stored)
    assert total > 9  # four batches of 3 at least
    first = get(f"{url}/@journal", b_size=3).json()
    assert first["items_total"] == total
    assert first["items"] == stored[:3]
    links = first["batching"]
    assert set(links) == {"@id", "first", "last", "next"}
    assert b_start(links["next"]) == 3
    assert b_start(links["first"]) == 0
    last_start = 3 * ((total - 1) // 3)
    assert b_start(links["last"]) == last_start

    second = get(links["next"]).json()
    assert second["items"] == stored[3:6]
    assert set(second["batching"]) == {"@id", "first", "last", "prev", "next"}
    assert b_start(second["batching"]["prev"]) == 0
    assert b_start(second["batching"]["next"]) == 6

    last = get(links["last"]).json()
    assert last["items"] == stored[last_start:]
    assert last["items"][-1]["comment"] == f"{MARKER} {ADDED - 1}"  # the newest
    assert set(last["batching"]) == {"@id", "first", "last", "prev"}

    middle = get(f"{url}/@journal", b_size=2, b_start=1).json()
    assert middle["items"] == stored[1:3]
    past = get(f"{url}/@journal", b_size=3, b_start=total + 10).json()
    assert (past["items"], past["items_total"]) == ([], total)


def test_default_and_largest_batch(journal):
    url, stored = journal
    data = get(f"{url}/@journal").json()
    assert len(stored) > 25
    assert data["items"] == stored[:25]  # plone.restapi's default batch size
    assert b_start(data["batching"]["next"]) == 25
    assert len(get(f"{url}/@journal", b_size=100_000).json()["items"]) == len(stored)


def test_a_batch_is_read_without_the_rest_of_the_journal(journal, monkeypatch):
    """Neither every entry (`entries`) nor a count of the tree (`len`) for one batch."""
    url, stored = journal

    def refused(*args):
        raise AssertionError("the whole journal was read for one batch")

    monkeypatch.setattr(RecordJournal, "entries", refused)
    monkeypatch.setattr(RecordJournal, "__len__", refused)
    answer = get(f"{url}/@journal", b_size=2, b_start=4)
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == stored[4:6]
    assert answer.json()["items_total"] == len(stored)


@pytest.mark.parametrize("auth", [ARCHIVIST, ADMIN], ids=["archivist", "manager"])
@pytest.mark.parametrize(
    "params", [{"b_size": "abc"}, {"b_start": "x"}, {"b_size": "1.5"}]
)
def test_bad_batch_parameters_are_a_400_in_the_services_shape(journal, auth, params):
    url, _stored = journal
    answer = get(f"{url}/@journal", auth, **params)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": {
            "type": "BadRequest",
            "message": "Yêu cầu có tham số không hợp lệ. Hãy kiểm tra lại địa chỉ "
            "hoặc các giá trị đã nhập (số phải là chữ số) rồi thử lại.",
        }
    }
    assert "Traceback" not in answer.text  # not even for a Manager


@pytest.mark.parametrize("auth", [None, READER], ids=["anonymous", "reader"])
def test_the_journal_of_a_hidden_record_does_not_exist(journal, auth):
    url, _stored = journal
    missing = f"{url.rsplit('/', 1)[0]}/{MISSING_ID}"
    for params in ({}, {"b_size": 3, "b_start": 3}, {"b_size": "abc"}):
        hidden = get(f"{url}/@journal", auth, **params)
        twin = get(f"{missing}/@journal", auth, **params)
        assert (hidden.status_code, twin.status_code) == (404, 404), params
        assert MARKER not in hidden.text
        assert swap_names(hidden.text, [(url, missing)]) == twin.text


def test_the_generic_prober_finds_no_leak_in_the_journal(journal, functional_holdings):
    url, _stored = journal
    document = functional_holdings[PROCESSING_DOCUMENT]
    channel = Channel("service", "@journal")
    # The prober's own enumeration offers the endpoint: nothing lists it for the guard.
    assert channel in channels_for(document)
    markers = (MARKER, document.Title(), main_code(document), document.UID())
    assert MARKER in get(f"{url}/@journal").text  # the staff see what is hidden
    prober = Prober([Visitor("anonymous"), Visitor("reader", READER)], workers=2)
    target = Target("unpublished", url, markers=markers)
    twin = Target("missing", f"{url.rsplit('/', 1)[0]}/{MISSING_ID}")
    report = prober.probe([(target, twin, [channel], markers)])
    assert report.probes == 4  # two visitors, the record and its missing twin
    assert report.failures == set()
    assert report.leaks == [], [str(leak) for leak in report.leaks]
