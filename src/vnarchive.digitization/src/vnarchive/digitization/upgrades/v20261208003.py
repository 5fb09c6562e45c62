"""20261208003: information packages.

The registry gets `vnarchive.digitization.package_max_bytes` (500 MB), the size up to
which GET @package answers the ZIP in the request. The profile's own file
(registry/packages.xml) is imported alone, through plone.app.registry's importer, so
that the other records of the add-on (the viewer's) are left as the site has them.
"""

from pathlib import Path
from plone.app.registry.exportimport.handler import RegistryImporter
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

import logging


logger = logging.getLogger("vnarchive.digitization")
RECORDS = Path(__file__).parent.parent / "profiles" / "default" / "registry"


class _Environ:
    """What the importer asks of a GenericSetup import context."""

    def shouldPurge(self):
        return False

    def getLogger(self, name):
        return logging.getLogger(name)


def import_registry_file(name):
    """Import one file of the profile's registry/ folder into the site's registry."""
    importer = RegistryImporter(getUtility(IRegistry), _Environ())
    importer.importDocument((RECORDS / name).read_bytes())


def upgrade(setup_tool):
    import_registry_file("packages.xml")
    logger.info("registry: vnarchive.digitization.package_max_bytes added")
