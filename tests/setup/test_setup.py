from plone import api

import pytest


class TestSetupInstall:
    def test_addon_installed(self, installer, package_name):
        assert installer.is_product_installed(package_name) is True

    def test_content_installed(self, installer):
        assert installer.is_product_installed("vnarchive.content") is True

    def test_browserlayer(self, browser_layers):
        from vnarchive.policy.interfaces import IVnarchivePolicyLayer

        assert IVnarchivePolicyLayer in browser_layers

    @pytest.mark.parametrize(
        "type_id",
        ["Fonds", "Dossier", "ArchivalDocument", "PhotoRecord", "AudioVisualRecord"],
    )
    def test_types_use_record_workflow(self, portal, type_id):
        wf = api.portal.get_tool("portal_workflow")
        assert wf.getChainForPortalType(type_id) == ("vnarchive_record_workflow",)

    def test_languages(self, portal):
        assert api.portal.get_registry_record("plone.available_languages") == [
            "vi",
            "en",
            "lo",
        ]
        assert api.portal.get_registry_record("plone.default_language") == "vi"

    @pytest.mark.parametrize(
        ("group_id", "role"),
        [
            ("archivists", "Archivist"),
            ("appraisal-council", "Appraiser"),
            ("archive-heads", "ArchiveHead"),
            ("curators", "Curator"),
            ("readers", "ArchiveReader"),
        ],
    )
    def test_groups_carry_roles(self, portal, group_id, role):
        group = api.group.get(groupname=group_id)
        assert role in group.getRoles()
