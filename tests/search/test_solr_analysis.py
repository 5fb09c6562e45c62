"""Language analysis of the vnarchive core, against the real Solr (solr/, solr/README.md).

Most queries go straight to Solr, as the search pattern the site uses builds them (the exact
field boosted over the folded copy); a few go through the site (collective.solr active).
"""

from helpers import document_data
from helpers import PROCESSING_DOSSIER
from helpers import USERS
from plone import api
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from vnarchive.content.files import IRecordFiles

import pytest
import transaction
import unicodedata


DOCUMENTS = [
    {"UID": "vi-archive", "Title": "Công tác lưu trữ tỉnh Quảng Trị"},
    {
        "UID": "vi-lodging",
        "Title": "Lưu trú của khách nước ngoài",
    },  # folds to "luu tru" too
    {"UID": "vi-unmarked", "Title": "Bao cao luu tru khong dau"},
    {"UID": "vi-order", "Title": "Tỉnh Quảng Trị và công tác lưu trữ"},
    {"UID": "vi-dong", "Title": "Ủy ban nhân dân tỉnh Đồng Nai"},
    {"UID": "lo-state", "Title": "ສາທາລະນະລັດປະຊາທິປະໄຕປະຊາຊົນລາວ"},
    # ເຂົ້າ (rice, mai tho) and ເຂົ່າ (knee, mai ek) differ only by their tone mark.
    {"UID": "lo-rice", "Title": "ກິນເຂົ້າ ແລະ ເຂົ້າໜຽວ ເຂົ້າ"},
    {"UID": "lo-knee", "Title": "ເຈັບ ເຂົ່າ"},
    {"UID": "fr-etat", "Title": "Registres de l'État civil"},
    {"UID": "en-archives", "Title": "National Archives of Vietnam annual report"},
]


def pattern(words):
    """What the site's search pattern does with `words`: exact field boosted over folded."""
    return f"SearchableText:({words})^2 OR SearchableText_folded:({words})"


@pytest.fixture
def solr(solr_server):
    """Solr holding DOCUMENTS only (whatever another test left there is removed first)."""
    solr_server.delete_all()
    solr_server.update([dict(doc, SearchableText=doc["Title"]) for doc in DOCUMENTS])
    return solr_server


def found(solr, words):
    return solr.uids(pattern(words))


@pytest.mark.parametrize(
    "query",
    [
        "luu tru",
        "lưu trữ",
        "LƯU TRỮ",
        "Lưu Trữ",
        unicodedata.normalize("NFD", "lưu trữ"),
    ],
)
def test_every_form_of_luu_tru_finds_luu_tru(solr, query):
    assert "vi-archive" in found(solr, query)
    assert "vi-unmarked" in found(solr, query)


@pytest.mark.parametrize(
    "query", ["lưu trữ", "LƯU TRỮ", unicodedata.normalize("NFD", "LƯU TRỮ")]
)
def test_exact_diacritics_rank_above_folded_hits(solr, query):
    uids = found(solr, query)
    # "lưu trú" (lodging) and "luu tru" only match folded: they come after the exact hits.
    exact = {"vi-archive", "vi-order"}
    assert set(uids[:2]) == exact
    assert {"vi-lodging", "vi-unmarked"} <= set(uids[2:])


def test_d_with_stroke_matches_d(solr):
    for query in ("dong nai", "Đồng Nai", "ĐỒNG NAI", "DONG"):
        assert found(solr, query) == ["vi-dong"], query


def test_syllables_as_a_phrase(solr):
    phrase = '"lưu trữ tỉnh"'
    assert found(solr, phrase) == ["vi-archive"]
    # The same syllables in another order are not the phrase.
    assert set(found(solr, "lưu trữ tỉnh")) == {"vi-archive", "vi-order"}
    assert found(solr, '"luu tru tinh"') == ["vi-archive"]


def test_lao_words_are_segmented(solr):
    assert solr.analyze("text_exact", "ສາທາລະນະລັດປະຊາທິປະໄຕປະຊາຊົນລາວ") == [
        "ສາທາລະນະລັດ",
        "ປະຊາທິປະໄຕ",
        "ປະຊາຊົນ",
        "ລາວ",
    ]
    assert found(solr, "ປະຊາຊົນ") == ["lo-state"]
    assert found(solr, "ປະຊາທິປະໄຕ ລາວ") == ["lo-state"]


def test_lao_tone_marks_stay_distinct(solr):
    for field_type in ("text_exact", "text_folded"):
        assert solr.analyze(field_type, "ເຂົ້າ ເຂົ່າ") == ["ເຂົ້າ", "ເຂົ່າ"]
    assert found(solr, "ເຂົ້າ") == ["lo-rice"]
    assert found(solr, "ເຂົ່າ") == ["lo-knee"]


def test_french_accents_fold(solr):
    for query in ("etat", "État", "ÉTAT civil", '"etat civil"'):
        assert found(solr, query) == ["fr-etat"], query


def test_english_words(solr):
    assert found(solr, "archives vietnam") == ["en-archives"]
    assert found(solr, "ARCHIVES") == ["en-archives"]


def test_highlights_name_their_page(solr_server):
    solr_server.update(
        [
            {
                "UID": "pages",
                "SearchableText": "Trang một. Công tác lưu trữ năm 1977.",
                "page_1": "Trang một.",
                "page_2": "Công tác lưu trữ năm 1977.",
                "page_count": 2,
            }
        ]
    )
    answer = solr_server.select(
        q=pattern("luu tru"),
        hl="true",
        **{"hl.fl": "page_*", "hl.requireFieldMatch": "false"},
    )
    assert answer["highlighting"]["pages"] == {
        "page_2": ["Công tác <em>lưu</em> <em>trữ</em> năm 1977."]
    }
    solr_server.update({"delete": {"id": "pages"}})


# ---- Through the site: collective.solr active, our indexers and page text in Solr ----


def add_document(portal, holdings, **changes):
    from vnarchive.policy.records import create_record

    login(portal, USERS["Archivist"])
    document = create_record(
        holdings[PROCESSING_DOSSIER], "ArchivalDocument", document_data(**changes)
    )
    login(portal, TEST_USER_NAME)
    return document


def test_site_indexes_our_fields_into_solr(solr_portal, solr_holdings, solr_server):
    document = add_document(
        solr_portal, solr_holdings, subjectText="Công tác lưu trữ năm 1977"
    )
    files = IRecordFiles(document)
    files.page(1, create=True).set_text("Trang bìa", source="ocr", confidence=90)
    files.page(2, create=True).set_text("Kho lưu trữ tỉnh Đồng Nai", source="ocr")
    document.reindexObject()
    transaction.commit()
    [stored] = solr_server.select(q=f"UID:{document.UID()}", fl="*")["response"]["docs"]
    assert stored["archival_code"] == document.docCode
    assert stored["fonds_code"] == "UBQT"
    assert stored["document_type"] == "07"
    assert stored["issuer"] == "Ủy ban nhân dân tỉnh Quảng Trị"
    assert stored["access_mode"] == "01"
    assert stored["retention"] == "06"
    assert stored["record_language"] == ["01"]
    assert stored["date_start"] == stored["date_end"] == 20200102
    assert stored["review_state"] == "processing"
    assert stored["page_1"] == "Trang bìa"
    assert stored["page_2"] == "Kho lưu trữ tỉnh Đồng Nai"
    assert stored["page_count"] == 2
    assert "Anonymous" not in stored["allowedRolesAndUsers"]
    # Page text that goes away leaves Solr too.
    files.page(2).set_text("", source="review")
    document.reindexObject()
    transaction.commit()
    [stored] = solr_server.select(q=f"UID:{document.UID()}", fl="*")["response"]["docs"]
    assert "page_2" not in stored
    assert stored["page_count"] == 1


def test_site_search_goes_to_solr_with_folding(solr_portal, solr_holdings):
    document = add_document(
        solr_portal, solr_holdings, subjectText="Báo cáo công tác lưu trữ Đồng Nai"
    )
    transaction.commit()
    catalog = api.portal.get_tool("portal_catalog")
    login(solr_portal, USERS["Archivist"])
    for query in ("luu tru dong nai", "LƯU TRỮ Đồng Nai", '"lưu trữ đồng nai"'):
        results = catalog(SearchableText=query)
        # collective.solr answered (flares), not the catalog
        assert {type(brain).__name__ for brain in results} == {"PloneFlare"}, query
        assert [brain.UID for brain in results] == [document.UID()], query
    # Anonymous does not see a record in processing, through Solr either.
    from plone.app.testing import logout

    logout()
    assert len(catalog(SearchableText="luu tru dong nai")) == 0
