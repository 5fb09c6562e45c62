"""Catalog indexes for codes, date spans and the facets people filter by."""

from plone import api

import pytest


def find(**query):
    return {
        brain.archival_code for brain in api.content.find(unrestricted=True, **query)
    }


def test_records_from_1962_to_1977(holdings):
    found = find(
        date_start={"query": 19771231, "range": "max"},
        date_end={"query": 19620101, "range": "min"},
    )
    assert "000.00.00.H56.1977.05.HT" in found
    assert "000.00.00.H56.1977.05.HT.0000002" in found  # dated 08/1977: the whole month
    assert "UBQT" in found  # the fonds spans 1977-2024
    assert not any(code and ".2010." in code for code in found)


def test_year_only_date_covers_the_whole_year(holdings):
    secret = holdings["000.00.00.H56.2018.03.BM"]
    assert (secret.startDate, secret.endDate) == ("2018", "2018")
    found = find(
        date_start={"query": 20181231, "range": "max"},
        date_end={"query": 20181231, "range": "min"},
    )
    assert "000.00.00.H56.2018.03.BM" in found


@pytest.mark.parametrize(
    ("index", "value", "expected"),
    [
        (
            "archival_codes",
            "000.00.00.H56.2010.01.TH.1",
            "000.00.00.H56.2010.01.TH.0000001",
        ),
        ("archival_codes", "H56.K1/03/12.01", "000.00.00.H56.2010.01.TH"),
        ("fonds_code", "UBQT", "000.00.00.H56.2015.12.TCCB"),
        ("document_type", "02", "000.00.00.H56.2015.12.TCCB.0000001"),
        (
            "issuer",
            "Ban Ngoại vụ tỉnh Bình Trị Thiên",
            "000.00.00.H56.1977.05.HT.0000003",
        ),
        ("access_mode", "03", "000.00.00.H56.2018.03.BM.0000001"),
        ("retention", "06", "000.00.00.H56.2021.07.VP"),
        ("record_language", "lo", "000.00.00.H56.1977.05.HT.0000002"),
        ("reliability", "02", "000.00.00.H56.1977.05.HT"),
    ],
)
def test_indexes(holdings, index, value, expected):
    assert expected in find(**{index: value})


def test_searchable_text_has_codes_and_abstracts(holdings):
    assert "000.00.00.H56.2010.01.TH.0000002" in find(SearchableText="khen thưởng")
    # Lao is written without spaces: the catalog finds whole runs; word segmentation is Solr's.
    assert "000.00.00.H56.1977.05.HT.0000002" in find(SearchableText="ແຂວງສະຫວັນນະເຂດ")


def test_metadata_columns(holdings):
    brain = api.content.find(
        archival_code="000.00.00.H56.2018.03.BM.0000001", unrestricted=True
    )[0]
    assert (brain.access_mode, brain.retention, brain.document_type) == (
        "03",
        "01",
        "03",
    )
    assert (brain.date_start, brain.date_end) == (20180402, 20180402)
