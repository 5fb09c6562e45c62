"""Full-text search in the catalog (Solr away): Vietnamese folding, Lao words and tone marks.

Plone's plone_lexicon folds accents only of words starting below U+0250 ("ủy" stays "ủy") and
cuts Lao words at their vowel signs; vnarchive.policy.lexicon replaces its splitter and
normaliser (import step vnarchive-catalog-lexicon of our profile).
"""

from plone import api
from vnarchive.policy import lexicon

import pytest
import unicodedata


@pytest.fixture
def record(make_document):
    def make(text):
        return make_document(subjectText=text, organName="Sở Tài chính")

    return make


def search(text):
    catalog = api.portal.get_tool("portal_catalog")
    return {
        brain.UID
        for brain in catalog.unrestrictedSearchResults(
            SearchableText=text, portal_type="ArchivalDocument"
        )
    }


def test_profile_puts_our_elements_into_plone_lexicon(portal):
    pipeline = api.portal.get_tool("portal_catalog")["plone_lexicon"]._pipeline
    assert [type(element) for element in pipeline[:2]] == [
        lexicon.Splitter,
        lexicon.Normalizer,
    ]


def test_fold():
    assert lexicon.fold("Ủy ban") == "uy ban"
    assert lexicon.fold("ĐỒNG") == "dong"
    assert lexicon.fold(unicodedata.normalize("NFD", "lưu trữ")) == "luu tru"
    assert lexicon.fold("ເຂົ້າ") == "ເຂົ້າ"  # Lao keeps its tone mark
    assert lexicon.fold("ເຂົ່າ") != lexicon.fold("ເຂົ້າ")


@pytest.mark.parametrize(
    "query",
    [
        "luu tru",
        "lưu trữ",
        "LƯU TRỮ",
        unicodedata.normalize("NFD", "lưu trữ"),
        '"luu tru"',
        "dong nai",
        "Đồng Nai",
        "uy ban",  # Plone alone does not fold "ủy"
        "ỦY BAN",
    ],
)
def test_vietnamese_folds_in_the_catalog(record, query):
    document = record("Ủy ban nhân dân tỉnh Đồng Nai: công tác lưu trữ")
    other = record("Báo cáo tài chính")
    found = search(query)
    assert document.UID() in found
    assert other.UID() not in found


def test_lao_words_and_tone_marks_in_the_catalog(record):
    rice = record("ກິນ ເຂົ້າ ໜຽວ")
    knee = record("ເຈັບ ເຂົ່າ")
    assert search("ເຂົ້າ") == {rice.UID()}
    assert search("ເຂົ່າ") == {knee.UID()}
    state = record("ສາທາລະນະລັດ ປະຊາທິປະໄຕ")
    assert search("ປະຊາທິປະໄຕ") == {state.UID()}


def test_french_accents_fold_in_the_catalog(record):
    document = record("Registres de l'État civil")
    assert document.UID() in search("etat")
    assert document.UID() in search("ÉTAT")
