"""Installing and uninstalling the add-ons."""

from plone import api

import pytest


class TestUninstall:
    @pytest.fixture(autouse=True)
    def uninstalled(self, installer):
        installer.uninstall_product("vnarchive.policy")
        installer.uninstall_product("vnarchive.content")

    def test_products_uninstalled(self, installer):
        assert installer.is_product_installed("vnarchive.policy") is False
        assert installer.is_product_installed("vnarchive.content") is False

    def test_browserlayer_removed(self, browser_layers):
        from vnarchive.policy.interfaces import IVnarchivePolicyLayer

        assert IVnarchivePolicyLayer not in browser_layers

    def test_types_removed(self, portal):
        types = api.portal.get_tool("portal_types").objectIds()
        assert not {
            "Fonds",
            "Dossier",
            "ArchivalDocument",
            "PhotoRecord",
            "AudioVisualRecord",
        } & set(types)

    def test_workflow_removed(self, portal):
        assert (
            "vnarchive_record_workflow"
            not in api.portal.get_tool("portal_workflow").objectIds()
        )

    def test_indexes_removed(self, portal):
        assert "archival_code" not in api.portal.get_tool("portal_catalog").indexes()


def test_reinstall(installer):
    installer.uninstall_product("vnarchive.policy")
    installer.install_product("vnarchive.policy")
    assert installer.is_product_installed("vnarchive.policy") is True


def test_front_page_is_the_archive_home(portal):
    assert portal.getLayout() == "archive-home"


def test_uninstall_gives_the_site_its_own_front_page(portal, installer):
    installer.uninstall_product("vnarchive.policy")
    assert portal.getLayout() != "archive-home"
    assert portal.unrestrictedTraverse(portal.getLayout()) is not None
