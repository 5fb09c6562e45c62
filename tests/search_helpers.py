"""Helpers for the search tests (the real Solr comes from solr_fixtures)."""

from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from vnarchive.content.files import IRecordFiles

import transaction


def use_solr(portal, url):
    """Point the site at `url` (or "" for the catalog only) and commit."""
    from vnarchive.policy.search.service import reset_backend_state
    from vnarchive.search.connection import configure

    setRoles(portal, TEST_USER_ID, ["Manager"])
    configure(url)
    setRoles(portal, TEST_USER_ID, ["Member"])
    transaction.commit()
    reset_backend_state()


def set_pages(record, texts):
    """Give `record` OCR text on pages {number: text} and reindex it."""
    files = IRecordFiles(record)
    for number, text in texts.items():
        files.page(number, create=True).set_text(text, "ocr")
    record.reindexObject()


SOLR_PUBLIC_WORD = "xylophonquanghoa"
SOLR_SECRET_WORD = "zenithbaomat"
SOLR_SECRET_TITLE = "Tài liệu tối mật chỉ có trong Solr zenithbaomat"
SOLR_PUBLIC_TITLE = "Tài liệu công khai xylophonquanghoa"


def solr_only_documents(portal_path):
    """Two documents as collective.solr indexes a record, posted straight to Solr."""
    common = {
        "portal_type": "ArchivalDocument",
        "Type": "Tài liệu",
        "meta_type": "Dexterity Container",
        "review_state": "published",
        "created": "2020-01-01T00:00:00Z",
        "modified": "2020-01-01T00:00:00Z",
        "effective": "2000-01-01T00:00:00Z",
        "expires": "2499-12-31T00:00:00Z",
        "Creator": "admin",
        "Description": "",
        "is_folderish": False,
        "getIcon": False,
        "fonds_code": "SOLRONLY",
        "access_mode": "01",
        "path_depth": 2,
    }
    documents = []
    for name, word, roles, title in (
        ("solr-only-public", SOLR_PUBLIC_WORD, ["Anonymous"], SOLR_PUBLIC_TITLE),
        ("solr-only-secret", SOLR_SECRET_WORD, ["Manager"], SOLR_SECRET_TITLE),
    ):
        path = f"{portal_path}/{name}"
        documents.append(
            dict(
                common,
                UID=name,
                id=name,
                getId=name,
                Title=title,
                sortable_title=title.lower(),
                SearchableText=f"{title} {word} lưu trữ tổng kết bí mật",
                path_string=path,
                path_parents=[portal_path, path],
                allowedRolesAndUsers=roles,
                archival_code=name.upper().replace("-", "."),
                issuer=f"Cơ quan {word}",
            )
        )
    return documents
