"""Install and uninstall of the Solr search add-on."""

from plone import api
from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["vnarchive.search:uninstall"]


def post_install(context):
    """Solr stays inactive until `connection.configure(url)` points at a running one."""


def uninstall(context):
    """Searches go back to the catalog; what Solr holds is only a copy of the site's data."""
    registry = api.portal.get_tool("portal_registry")
    if "collective.solr.active" in registry.records:
        registry["collective.solr.active"] = False
