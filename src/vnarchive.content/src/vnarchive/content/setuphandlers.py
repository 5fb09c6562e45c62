from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["vnarchive.content:uninstall"]


def uninstall(context):
    """Types, indexes and behaviors are removed by the uninstall profile's XML."""
