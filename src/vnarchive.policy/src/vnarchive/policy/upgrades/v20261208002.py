"""20261208002: governance fields the Plone way.

The retention (`maintenance`) and the access mode (`mode`) have write permissions of their
own, "vnarchive: Modify retention" and "vnarchive: Modify access mode": the rolemap gives
their defaults and the record workflow manages them per state (the archivist while
processing, the head of the archive afterwards, nobody in a closed state). A site made
before gets the rolemap and the workflow again (`upgradeDepends` in configure.zcml), applied
here to every record; then the content profile's own upgrades (the language and notes
behaviors in the types).
"""

from plone import api

import logging


logger = logging.getLogger(__name__)
CONTENT_PROFILE = "vnarchive.content:default"


def upgrade(setup_tool):
    changed = api.portal.get_tool("portal_workflow").updateRoleMappings()
    logger.info("Updated the permissions of %s objects", changed)
    setup_tool.upgradeProfile(CONTENT_PROFILE)
