"""The five record types: factory type information, containment, behaviors."""

from plone import api
from plone.dexterity.interfaces import IDexterityFTI
from zope.component import queryUtility

import pytest


TYPES = {
    "Fonds": ("vnarchive.content.types.fonds.Fonds", True, ["Dossier"]),
    "Dossier": (
        "vnarchive.content.types.dossier.Dossier",
        False,
        ["ArchivalDocument", "PhotoRecord", "AudioVisualRecord"],
    ),
    "ArchivalDocument": (
        "vnarchive.content.types.document.ArchivalDocument",
        False,
        [],
    ),
    "PhotoRecord": ("vnarchive.content.types.photo.PhotoRecord", False, []),
    "AudioVisualRecord": (
        "vnarchive.content.types.audiovisual.AudioVisualRecord",
        False,
        [],
    ),
}


@pytest.mark.parametrize("type_id", TYPES)
class TestFTI:
    def test_registered(self, portal, type_id):
        fti = queryUtility(IDexterityFTI, name=type_id)
        assert fti is not None
        assert fti.klass == TYPES[type_id][0]

    def test_containment(self, portal, type_id):
        fti = queryUtility(IDexterityFTI, name=type_id)
        assert fti.global_allow is TYPES[type_id][1]
        assert list(fti.allowed_content_types) == TYPES[type_id][2]

    def test_does_not_reuse_plone_type_ids(self, portal, type_id):
        assert type_id not in ("Document", "File", "Image", "Folder", "Collection")


@pytest.mark.parametrize(
    ("type_id", "behaviors"),
    [
        ("Fonds", ["vnarchive.lifecycle", "vnarchive.date_range"]),
        (
            "Dossier",
            [
                "vnarchive.lifecycle",
                "vnarchive.date_range",
                "vnarchive.physical",
                "vnarchive.classification",
            ],
        ),
        (
            "ArchivalDocument",
            ["vnarchive.record_codes", "vnarchive.lifecycle", "vnarchive.physical"],
        ),
        (
            "PhotoRecord",
            ["vnarchive.record_codes", "vnarchive.lifecycle", "vnarchive.physical"],
        ),
        ("AudioVisualRecord", ["vnarchive.record_codes", "vnarchive.lifecycle"]),
    ],
)
def test_shared_fields_come_from_behaviors(portal, get_behaviors, type_id, behaviors):
    assert set(behaviors) <= set(get_behaviors(type_id))


def test_fonds_only_in_site_root(manager):
    fonds = api.content.create(
        container=manager, type="Fonds", title="Phông thử", fondsCode="PT"
    )
    allowed = [fti.getId() for fti in fonds.allowedContentTypes()]
    assert allowed == ["Dossier"]
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.create(
            container=fonds, type="ArchivalDocument", id="x", subjectText="x"
        )


def test_a_document_is_one_object_with_many_pages(holdings):
    from vnarchive.content.files import IRecordFiles

    document = holdings["000.00.00.H56.2010.01.TH.0000002"]
    files = IRecordFiles(document)
    for number in range(1, 501):
        files.page(number, create=True).set_text(
            f"Trang {number}", source="ocr", confidence=90.0
        )
    assert len(files.pages()) == 500
    # pages are data of the one record, not content objects
    path = "/".join(document.getPhysicalPath())
    assert len(api.content.find(path=path, unrestricted=True)) == 1
    assert "Trang 500" in files.text()
