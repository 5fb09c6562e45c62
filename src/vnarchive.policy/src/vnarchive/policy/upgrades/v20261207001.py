"""20261207001: trust — closed records stay closed, the undo log and the ZMI for managers,
records published only inside published containers.

A site created before this version gets what a new site gets from the profile: the rolemap
(undo and management screens for administrators only) and the record workflow (the write
permissions of files and OCR review managed per state, none in a closed state), applied to
every record; then every record published inside a fonds or dossier that is not published
is withdrawn, journaled on the record. The trust guard, the resolvers and the CSRF check are
code: they need nothing stored.
"""

from plone import api
from vnarchive.policy.publication import withdraw_from_unpublished_containers
from vnarchive.policy.workflow.closed import system_change

import logging


logger = logging.getLogger(__name__)
PROFILE = "profile-vnarchive.policy:default"
VERSION = "20261207001"


def upgrade(setup_tool):
    for step in ("rolemap", "workflow"):
        setup_tool.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    changed = api.portal.get_tool("portal_workflow").updateRoleMappings()
    logger.info("Updated the permissions of %s objects", changed)
    # A published record may sit in a transferred dossier: withdrawing it is the system's
    # own change, journaled as such.
    with api.env.adopt_roles(["Manager"]), system_change(f"upgrade {VERSION}"):
        withdrawn = withdraw_from_unpublished_containers(api.portal.get())
    logger.info(
        "Withdrew %s records published inside unpublished containers", withdrawn
    )
