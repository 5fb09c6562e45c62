"""Make collective.documentviewer 6.0.3 importable on Plone 6.2.

Its modules import ``IObjectEvent`` and ``ObjectEvent`` from ``zope.component.interfaces``;
zope.component 5 removed them from there (they live in ``zope.interface.interfaces``), so
Zope fails while loading its ZCML. plone.autoinclude loads that ZCML through documentviewer's
z3c.autoinclude entry point, after it has imported every add-on package: importing this module
from ``vnarchive.policy`` (its ``__init__``) puts the old names back before then. Nothing else
is changed, and nothing is replaced where a newer zope.component still provides the names.

documentviewer also logs a traceback at import when LibreOffice is missing; we never convert
office files (only our PDF/A), so that one message is kept out of the logs.
"""

import logging
import zope.component.interfaces
import zope.interface.interfaces


MOVED = ("IObjectEvent", "ObjectEvent")


class _NoOfficeNoise(logging.Filter):
    def filter(self, record):
        return not str(record.msg).startswith("Libreoffice not installed")


def install():
    """Put the moved names back where documentviewer looks for them (idempotent)."""
    for name in MOVED:
        if not hasattr(zope.component.interfaces, name):
            setattr(
                zope.component.interfaces,
                name,
                getattr(zope.interface.interfaces, name),
            )
    logger = logging.getLogger("collective.documentviewer")
    if not any(isinstance(item, _NoOfficeNoise) for item in logger.filters):
        logger.addFilter(_NoOfficeNoise())


install()
