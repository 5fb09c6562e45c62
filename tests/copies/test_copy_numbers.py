"""Copy numbers: BS-<year>-<six digits>, one site-wide sequence per year, never the same
number twice, also when issues happen at the same time (the sequence refuses to resolve
a write conflict, so the transaction that lost takes the next number when retried); and
the pages people choose."""

from vnarchive.digitization.copies import pages
from vnarchive.digitization.copies import register
from vnarchive.digitization.signing.appearance import vietnam_time
from ZODB.POSException import ConflictError

import pytest
import threading
import transaction


REQUESTER = {"name": "Lê Văn Tám", "identity": "CCCD 045200000001", "purpose": ""}


def take(site, uid="uid-1"):
    return register.register_copy(site, uid, "full", (1, 2), 2, REQUESTER).number


class Connection:
    """A second client of the site's database: its own connection and transactions."""

    def __init__(self, site):
        self.manager = transaction.TransactionManager()
        self.connection = site._p_jar.db().open(transaction_manager=self.manager)
        self.path = site.getPhysicalPath()

    def site(self):
        root = self.connection.root()["Application"]
        return root.unrestrictedTraverse("/".join(self.path[1:]))

    def close(self):
        self.manager.abort()
        self.connection.close()


def test_numbers_are_counted_per_year(functional_portal):
    year = vietnam_time().year
    first, second = take(functional_portal), take(functional_portal, "uid-2")
    assert (first, second) == (f"BS-{year}-000001", f"BS-{year}-000002")
    assert [
        entry.number for entry in register.entries_for(functional_portal, "uid-1")
    ] == [first]
    assert register.get_entry(functional_portal, first.lower()).number == first
    assert register.get_entry(functional_portal, "BS-2026-12") is None
    assert register.normalize(" bs-2026-000007 ") == "BS-2026-000007"
    assert register.normalize("../etc/passwd") is None


def test_two_issues_at_once_conflict_and_the_retried_one_takes_the_next(
    functional_portal,
):
    transaction.commit()  # the layer's site, as both clients see it
    one, two = Connection(functional_portal), Connection(functional_portal)
    try:
        one.manager.begin()
        two.manager.begin()
        first = take(one.site())
        also_first = take(two.site())
        assert first == also_first  # each read the same last number
        one.manager.commit()
        with pytest.raises(ConflictError):
            two.manager.commit()  # not resolved: the number would be taken twice
        two.manager.abort()
        two.manager.begin()
        second = take(two.site())
        two.manager.commit()
        assert second != first
        assert int(second[-6:]) == int(first[-6:]) + 1
    finally:
        one.close()
        two.close()


def test_parallel_issues_get_distinct_numbers(functional_portal):
    """Eight clients issue three copies each at the same moment, each retrying on a
    conflict as Zope and the workers do: 24 numbers, all different, none skipped. All
    of them take their first number before any commits (a barrier), so they meet."""
    transaction.commit()
    clients, rounds = 8, 3
    start = threading.Barrier(clients)
    together = threading.Barrier(clients)
    numbers, conflicts, errors = [], [], []
    lock = threading.Lock()

    def client(index):
        connection = Connection(functional_portal)
        try:
            start.wait()
            for round_ in range(rounds):
                for attempt in range(50):
                    connection.manager.begin()
                    number = take(connection.site(), f"uid-{index}")
                    if round_ == attempt == 0:
                        together.wait()
                    try:
                        connection.manager.commit()
                    except ConflictError:
                        connection.manager.abort()
                        with lock:
                            conflicts.append(number)
                        continue
                    with lock:
                        numbers.append(number)
                    break
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(numbers) == clients * rounds
    assert len(set(numbers)) == len(numbers)
    assert sorted(int(number[-6:]) for number in numbers) == list(
        range(1, clients * rounds + 1)
    )
    assert conflicts  # they did meet: the test could have failed
    transaction.begin()
    stored = register.get_register(functional_portal)
    assert len(stored.entries) == clients * rounds


@pytest.mark.parametrize(
    ("asked", "chosen", "kind"),
    [
        ("", (1, 2, 3, 4, 5), "full"),
        ("1-5", (1, 2, 3, 4, 5), "full"),
        ("3, 1", (1, 3), "extract"),
        ("2–4; 4", (2, 3, 4), "extract"),
        ([5, "1"], (1, 5), "extract"),
    ],
)
def test_pages_people_choose(asked, chosen, kind):
    assert pages.parse_pages(asked, 5) == chosen
    assert pages.kind_of(chosen, 5) == kind


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        ("6", "không có trang 6"),
        ("0-2", "không có trang 0"),
        ("2-999999", "không có trang 999999"),
        ("4-2", "Không hiểu “4-2”"),
        ("một", "Không hiểu “một”"),
    ],
)
def test_pages_that_cannot_be_copied(asked, words):
    from vnarchive.content.errors import message_text

    with pytest.raises(pages.PageSelectionError) as refused:
        pages.parse_pages(asked, 5)
    assert words in message_text(refused.value.doc())
