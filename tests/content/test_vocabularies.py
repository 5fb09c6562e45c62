"""The national code lists as named vocabularies."""

import pytest


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("retention", ["01", "02", "03", "04", "05", "06", "07"]),
        ("access_mode", ["01", "02", "03"]),
        ("reliability", ["01", "02", "03"]),
        ("physical_condition", ["01", "02", "03"]),
        ("backup_status", ["01", "02"]),
        ("fonds_status", ["open", "closed"]),
        ("photo_kind", ["01", "02"]),
        ("photo_colour", ["01", "02"]),
        ("av_kind", ["01", "02"]),
    ],
)
def test_vocabulary_values(portal, get_vocabulary, name, values):
    vocabulary = get_vocabulary(f"vnarchive.vocabularies.{name}", portal)
    assert [term.value for term in vocabulary] == values


def test_document_types(portal, get_vocabulary):
    vocabulary = get_vocabulary("vnarchive.vocabularies.document_type", portal)
    assert len(vocabulary) == 32
    assert vocabulary.getTerm("02").title.default == "Quyết định"


def test_language_has_lao_as_a_real_language(portal, get_vocabulary):
    vocabulary = get_vocabulary("vnarchive.vocabularies.language", portal)
    assert "lo" in vocabulary
    assert vocabulary.getTerm("lo").title.default == "Tiếng Lào"


def test_labels_are_vietnamese_by_default(portal, get_vocabulary):
    from zope.i18n import translate

    vocabulary = get_vocabulary("vnarchive.vocabularies.retention", portal)
    assert (
        translate(vocabulary.getTerm("01").title, target_language="vi") == "Vĩnh viễn"
    )
