"""vnarchive.policy: site policy, workflows, roles, views and services of vnarchive."""

from AccessControl import ModuleSecurityInfo
from zope.i18nmessageid import MessageFactory


PACKAGE_NAME = "vnarchive.policy"

_ = MessageFactory("vnarchive")

# collective.documentviewer imports names zope.component moved: put them back before
# plone.autoinclude loads its ZCML (it imports every add-on package first).
from vnarchive.policy.viewer import compat  # noqa: E402, F401, I001

# Workflow guard expressions call these (restricted Python needs them declared public).
ModuleSecurityInfo("vnarchive.policy.workflow.guards").declarePublic(
    "may_archive",
    "may_publish",
    "may_propose_destruction",
    "may_destroy",
    "may_transfer",
)
