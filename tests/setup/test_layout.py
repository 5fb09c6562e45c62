"""The layout rules of the house (scripts/check_layout.py; `make lint` runs it whole)."""

from pathlib import Path

import sys


sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import check_layout


def test_imports_go_one_way():
    """content <- policy <- add-ons: the core never imports an add-on."""
    assert check_layout.wrong_way(check_layout.import_graph()) == []


def test_no_import_cycle_between_modules():
    """Imports inside functions count: moving one there does not remove the cycle."""
    assert check_layout.cycles(check_layout.import_graph()) == []


def test_the_checks_see_a_cycle_and_a_wrong_way_import():
    graph = {
        "vnarchive.policy.a": {"vnarchive.policy.b"},
        "vnarchive.policy.b": {"vnarchive.policy.a", "vnarchive.search.c"},
        "vnarchive.search.c": set(),
    }
    assert check_layout.cycles(graph) == [["vnarchive.policy.a", "vnarchive.policy.b"]]
    assert check_layout.wrong_way(graph) == [
        "vnarchive.policy.b imports vnarchive.search.c"
    ]
