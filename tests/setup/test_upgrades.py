"""A site made with an earlier profile version reaches the current one by its upgrade steps."""

from helpers import by_code
from helpers import force_state
from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from plone import api
from plone.base.utils import get_installer
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.journal import entries


PROFILE = "vnarchive.policy:default"
ADDONS = ("vnarchive.digitization", "vnarchive.search")


def uninstall_addons():
    """A site of a version before 20261208001 had the add-ons' parts in vnarchive.policy."""
    installer = get_installer(api.portal.get())
    for addon in ADDONS:
        installer.uninstall_product(addon)


def destinations(upgrades):
    """The versions `listUpgrades` leads to, in order (steps registered together with
    `upgradeSteps`, such as an `upgradeDepends` and its handler, come as one list)."""
    found = []
    for item in upgrades:
        for step in item if isinstance(item, list) else [item]:
            version = ".".join(step["dest"])
            if version not in found:
                found.append(version)
    return found


def test_profile_version_is_the_newest_upgrade_destination(setup_tool):
    upgrades = setup_tool.listUpgrades(PROFILE, show_old=True)
    assert setup_tool.getVersionForProfile(PROFILE) == max(destinations(upgrades))


def test_site_of_20261121001_gets_review_indexes_and_solr_settings(setup_tool):
    catalog = api.portal.get_tool("portal_catalog")
    registry = api.portal.get_tool("portal_registry")
    ocr_done = catalog.unrestrictedSearchResults(portal_type="ArchivalDocument")[0]
    page = IRecordFiles(ocr_done._unrestrictedGetObject()).page(1, create=True)
    page.set_text("Ủy ban nhân dân tỉnh", source="ocr", confidence=42.0)
    # What a site of the previous version lacked (the add-ons take the review indexes).
    uninstall_addons()
    assert "ocr_review_state" not in catalog.indexes()
    del registry.records["collective.solr.active"]
    setup_tool.setLastVersionForProfile(PROFILE, "20261121001")

    assert destinations(setup_tool.listUpgrades(PROFILE)) == [
        "20261121002",
        "20261207001",
        "20261208001",
        "20261208002",
    ]
    setup_tool.upgradeProfile(PROFILE)

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("20261208002",)
    assert {"ocr_confidence", "ocr_review_state"} <= set(catalog.indexes())
    assert registry["collective.solr.active"] is False
    # The new indexes are filled for the records that exist: the OCR'd one is in the queue.
    queued = catalog.unrestrictedSearchResults(ocr_review_state="pending")
    assert [brain.UID for brain in queued] == [ocr_done.UID]
    assert queued[0].ocr_confidence == 42.0


def test_site_of_20261121002_gets_the_trust_rules(setup_tool, portal):
    records = by_code(portal)
    dossier = records[PUBLISHED_DOSSIER]
    inside = records[f"{PUBLISHED_DOSSIER}.0000001"]
    # What a site of the previous version may hold: a dossier no longer published with a
    # published document in it, and the undo log open to every member.
    force_state(dossier, "archived")
    portal.manage_permission("Undo changes", ["Member", "Manager"], acquire=False)
    setup_tool.setLastVersionForProfile(PROFILE, "20261121002")

    setup_tool.upgradeProfile(PROFILE, "20261207001")

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("20261207001",)
    assert api.content.get_state(inside) == "archived"
    assert PUBLISHED_DOSSIER in entries(inside)[-1]["comment"]
    undo = {
        role["name"]
        for role in portal.rolesOfPermission("Undo changes")
        if role["selected"]
    }
    assert "Member" not in undo


def test_site_of_20261207001_gets_the_addons_and_keeps_its_solr_settings(
    setup_tool, portal
):
    from vnarchive.policy import lexicon

    registry = api.portal.get_tool("portal_registry")
    report = by_code(portal)[PUBLISHED_DOCUMENT]
    vietnamese_title = report.title
    # Earlier versions composed titles in the interface language (demo, imports: English).
    english_title = vietnamese_title.replace("Báo cáo", "Report", 1)
    report.title = report._composed_title = english_title
    uninstall_addons()
    # Where this site's Solr is: an upgrade must not put the profile's defaults back.
    registry["collective.solr.host"] = "solr.archive.example"
    registry["collective.solr.port"] = 8984
    setup_tool.setLastVersionForProfile(PROFILE, "20261207001")

    setup_tool.upgradeProfile(PROFILE)

    installer = get_installer(portal)
    assert setup_tool.getLastVersionForProfile(PROFILE) == ("20261208002",)
    assert all(installer.is_product_installed(addon) for addon in ADDONS)
    assert registry["collective.solr.host"] == "solr.archive.example"
    assert registry["collective.solr.port"] == 8984
    pipeline = portal.portal_catalog["plone_lexicon"]._pipeline
    assert [type(element) for element in pipeline[:2]] == [
        lexicon.Splitter,
        lexicon.Normalizer,
    ]
    assert type(pipeline[0]).__module__ == "vnarchive.policy.lexicon"
    assert english_title != vietnamese_title
    assert report.title == vietnamese_title
    last = entries(report)[-1]
    assert (last["action"], last["reason"]) == ("system_change", "upgrade 20261208001")


GOVERNANCE = ("vnarchive: Modify retention", "vnarchive: Modify access mode")


def test_site_of_20261208001_gets_the_governance_permissions(setup_tool, portal):
    from helpers import CONDITIONAL_DOCUMENT
    from helpers import PROCESSING_DOCUMENT

    workflow = api.portal.get_tool("portal_workflow")
    records = by_code(portal)
    archived = records[CONDITIONAL_DOCUMENT]
    processing = records[PROCESSING_DOCUMENT]
    # What a site of the previous version had: neither permission known to the workflow.
    definition = workflow["vnarchive_record_workflow"]
    definition.permissions = tuple(
        permission
        for permission in definition.permissions
        if permission not in GOVERNANCE
    )
    for state in definition.states.values():
        for permission in GOVERNANCE:
            state.permission_roles.pop(permission, None)
    for obj in (portal, *records.values()):
        for permission in GOVERNANCE:
            obj.__dict__.pop(pname(permission), None)
    assert not any("Archivist" in roles_of(processing, name) for name in GOVERNANCE)
    setup_tool.setLastVersionForProfile(PROFILE, "20261208001")

    setup_tool.upgradeProfile(PROFILE)

    assert setup_tool.getLastVersionForProfile(PROFILE) == ("20261208002",)
    for permission in GOVERNANCE:
        assert "Archivist" in roles_of(processing, permission)
        assert "Archivist" not in roles_of(archived, permission)
        assert "ArchiveHead" in roles_of(archived, permission)


def pname(permission):
    from AccessControl.Permission import pname

    return pname(permission)


def roles_of(obj, permission):
    from AccessControl.PermissionRole import rolesForPermissionOn

    return set(rolesForPermissionOn(permission, obj))


CONTENT_PROFILE = "vnarchive.content:default"
SHARED_BEHAVIORS = (
    "vnarchive.language",
    "vnarchive.notes",
    "vnarchive.container_notes",
)


def test_site_of_content_20261121001_gets_language_and_notes_behaviors(
    setup_tool, portal
):
    from helpers import LAO_DOCUMENT
    from vnarchive.content.behaviors.language import ILanguage
    from vnarchive.content.upgrades.v20261209001 import BEHAVIORS

    types = api.portal.get_tool("portal_types")
    document = by_code(portal)[LAO_DOCUMENT]
    languages = list(document.languageCode)
    assert languages
    # What a site of the previous version had: neither behavior in its types.
    for type_name in BEHAVIORS:
        fti = types[type_name]
        fti.manage_changeProperties(
            behaviors=tuple(b for b in fti.behaviors if b not in SHARED_BEHAVIORS)
        )
    setup_tool.setLastVersionForProfile(CONTENT_PROFILE, "20261121001")

    steps = setup_tool.listUpgrades(CONTENT_PROFILE)
    assert [".".join(step["dest"]) for step in steps] == ["20261209001"]
    setup_tool.upgradeProfile(CONTENT_PROFILE)

    assert setup_tool.getLastVersionForProfile(CONTENT_PROFILE) == ("20261209001",)
    for type_name, names in BEHAVIORS.items():
        behaviors = types[type_name].behaviors
        assert set(names) <= set(behaviors)
        assert behaviors.index(names[0]) > behaviors.index("vnarchive.lifecycle")
    assert ILanguage(document).languageCode == languages
    assert document.languageCode == languages
    assert setup_tool.getVersionForProfile(CONTENT_PROFILE) == "20261209001"


DIGITIZATION_PROFILE = "vnarchive.digitization:default"


def test_digitization_profile_version_is_the_newest_upgrade_destination(setup_tool):
    upgrades = setup_tool.listUpgrades(DIGITIZATION_PROFILE, show_old=True)
    assert setup_tool.getVersionForProfile(DIGITIZATION_PROFILE) == max(
        destinations(upgrades)
    )


def test_site_of_digitization_20261208001_gets_the_signature_index(setup_tool, portal):
    from helpers import RECORD_TYPES

    catalog = api.portal.get_tool("portal_catalog")
    # What a site of the previous version had: no signature index.
    catalog.delIndex("signature_status")
    setup_tool.setLastVersionForProfile(DIGITIZATION_PROFILE, "20261208001")

    # Its own step only (later versions have their own tests).
    assert (
        destinations(setup_tool.listUpgrades(DIGITIZATION_PROFILE))[0] == "20261208002"
    )
    setup_tool.upgradeProfile(DIGITIZATION_PROFILE, "20261208002")

    assert setup_tool.getLastVersionForProfile(DIGITIZATION_PROFILE) == ("20261208002",)
    assert catalog._catalog.getIndex("signature_status").meta_type == "KeywordIndex"
    # Every record with files is there, unsigned: nothing was checked before.
    documents = catalog.unrestrictedSearchResults(
        portal_type=[name for name in RECORD_TYPES if name not in ("Fonds", "Dossier")]
    )
    unsigned = catalog.unrestrictedSearchResults(signature_status="unsigned")
    assert len(documents) > 0
    assert {brain.UID for brain in unsigned} == {brain.UID for brain in documents}


PACKAGE_LIMIT = "vnarchive.digitization.package_max_bytes"


def test_site_of_digitization_20261208002_gets_the_package_size_limit(setup_tool):
    registry = api.portal.get_tool("portal_registry")
    # What a site of the previous version had: no limit, and a viewer setting the
    # archive changed, which the step must leave as it is.
    del registry.records[PACKAGE_LIMIT]
    registry["vnarchive.viewer.large_size"] = 1234
    setup_tool.setLastVersionForProfile(DIGITIZATION_PROFILE, "20261208002")

    # Its own step only (later versions have their own tests).
    assert (
        destinations(setup_tool.listUpgrades(DIGITIZATION_PROFILE))[0] == "20261208003"
    )
    setup_tool.upgradeProfile(DIGITIZATION_PROFILE, "20261208003")

    assert setup_tool.getLastVersionForProfile(DIGITIZATION_PROFILE) == ("20261208003",)
    assert registry[PACKAGE_LIMIT] == 500 * 1024 * 1024
    assert registry["vnarchive.viewer.large_size"] == 1234


ISSUE_COPIES = "vnarchive: Issue certified copies"


def test_site_of_digitization_20261208003_lets_staff_issue_certified_copies(
    setup_tool, portal
):
    # What a site of the previous version had: nobody given the permission (Zope's
    # default for a new permission: Manager), and a setting of the site's own for
    # another permission, which the step must leave as it is.
    portal.manage_permission(ISSUE_COPIES, ["Manager"], acquire=False)
    portal.manage_permission("vnarchive: Manage files", ["Manager"], acquire=True)
    setup_tool.setLastVersionForProfile(DIGITIZATION_PROFILE, "20261208003")

    assert destinations(setup_tool.listUpgrades(DIGITIZATION_PROFILE)) == [
        "20261208004"
    ]
    setup_tool.upgradeProfile(DIGITIZATION_PROFILE)

    assert setup_tool.getLastVersionForProfile(DIGITIZATION_PROFILE) == ("20261208004",)
    roles = {
        role["name"]
        for role in portal.rolesOfPermission(ISSUE_COPIES)
        if role["selected"]
    }
    assert roles == {"Manager", "Site Administrator", "Archivist", "ArchiveHead"}
    assert {
        role["name"]
        for role in portal.rolesOfPermission("vnarchive: Manage files")
        if role["selected"]
    } == {"Manager"}
