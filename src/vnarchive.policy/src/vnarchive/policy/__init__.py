"""vnarchive.policy: site policy, workflows, roles, views and services of vnarchive."""

from AccessControl import ModuleSecurityInfo
from zope.i18nmessageid import MessageFactory

import sys


__version__ = "1.0.0.dev0"

PACKAGE_NAME = "vnarchive.policy"

_ = MessageFactory("vnarchive")

# Workflow guard expressions call these (restricted Python needs them declared public).
ModuleSecurityInfo("vnarchive.policy.workflow.guards").declarePublic(
    "may_archive",
    "may_publish",
    "may_propose_destruction",
    "may_destroy",
    "may_transfer",
)

# plone_lexicon pickles its splitter and normalizer: sites made before 2026-12 name them
# under vnarchive.policy.solr.lexicon (the 20261208001 upgrade writes them again).
from vnarchive.policy import lexicon  # noqa: E402 - after _ and the guards' declarations


sys.modules.setdefault("vnarchive.policy.solr.lexicon", lexicon)
