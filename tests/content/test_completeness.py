"""What a record still needs before archiving: its own fields, by their labels.

The checklist names fields as the form does (the field's title, translated by the page),
and asks a record only for fields of its own type: a digitized document is not asked
for its dossier's paper dossier code (it has no such field, and acquisition used to
answer for it).
"""

from helpers import as_user
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOSSIER
from helpers import RECORD_TYPES
from helpers import USERS
from language import interface_language
from plone.app.testing import login
from plone.app.testing import TEST_USER_NAME
from plone.dexterity.utils import iterSchemataForType
from vnarchive.content import codelists
from vnarchive.content.completeness import missing_fields
from vnarchive.content.completeness import REQUIRED_TO_ARCHIVE
from zope.i18n import translate
from zope.i18nmessageid import Message

import pytest
import re


def names(record):
    return [name for name, _title in missing_fields(record)]


@pytest.mark.parametrize("portal_type", RECORD_TYPES)
def test_every_required_field_is_a_field_of_the_type(portal, portal_type):
    fields = {name for schema in iterSchemataForType(portal_type) for name in schema}
    required = set(REQUIRED_TO_ARCHIVE[portal_type])
    assert required <= fields, required - fields


def test_a_digitized_document_is_not_asked_for_its_dossiers_fields(
    holdings, make_document
):
    dossier = holdings[PROCESSING_DOSSIER]
    dossier.confidenceLevel = codelists.DIGITIZED
    dossier.paperFileCode = None
    document = make_document("processing", confidenceLevel=codelists.DIGITIZED)
    assert "paperFileCode" in names(dossier)  # the dossier's own field
    assert names(document) == []


def test_titles_are_the_field_labels_as_messages(holdings, make_document):
    dossier = holdings[PUBLISHED_DOSSIER]
    dossier.paperFileCode = None
    dossier.riskRecovery = True
    dossier.riskRecoveryStatus = None
    document = make_document("processing", issuedDate=None, numberOfPage=None)
    found = missing_fields(dossier) + missing_fields(document)
    assert [name for name, _title in found] == [
        "paperFileCode",
        "riskRecoveryStatus",
        "issuedDate",
        "numberOfPage",
    ]
    for _name, title in found:
        assert isinstance(title, Message)
        assert title.domain == "vnarchive"
    english = [translate(title, target_language="en") for _name, title in found]
    assert english == [
        "Paper dossier code",
        "Backup status",
        "Document date",
        "Number of pages",
    ]
    vietnamese = [translate(title, target_language="vi") for _name, title in found]
    assert vietnamese[0] == "Mã hồ sơ gốc giấy"


@pytest.mark.parametrize(
    ("language", "label"),
    [("vi", "Ngày tháng năm tài liệu"), ("en", "Document date")],
)
def test_the_record_page_names_fields_by_their_labels(
    holdings, make_document, portal, language, label
):
    dossier = holdings[PROCESSING_DOSSIER]
    dossier.confidenceLevel = codelists.DIGITIZED
    dossier.paperFileCode = None
    record = make_document(
        "processing", issuedDate=None, confidenceLevel=codelists.DIGITIZED
    )
    interface_language(portal, language)
    as_user(portal, USERS["Archivist"])
    html = record.restrictedTraverse("@@view")()
    login(portal, TEST_USER_NAME)
    checklist = html.split("vnarchive-missing", 1)[1].split("</ul>", 1)[0]
    items = [
        item.strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", checklist, re.S)
    ]
    assert items == [label]  # no raw field name, nothing of the dossier's
