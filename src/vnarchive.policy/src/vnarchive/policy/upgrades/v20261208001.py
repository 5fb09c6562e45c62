"""20261208001: the house — digitization and Solr search become add-ons.

Until this version vnarchive.policy held the digitization application and the Solr search;
they are now the add-ons vnarchive.digitization and vnarchive.search. A site made before has
used both, so this step installs them (their profiles bring the viewer settings, the OCR
review indexes, the browser layers and collective.solr's profile), keeping the Solr settings
the site has (where Solr is, whether it is on). It also writes plone_lexicon's splitter and
normalizer again under their new module (`vnarchive.policy.lexicon`); the add-on's install
does the same for its batches.

Document titles composed by earlier versions in the language of the interface ("Report
12/BC-UBND: …") or without their type are composed again by today's rule, in Vietnamese;
titles people typed stay as they are. The change is the system's own, journaled on each
record (closed records included).
"""

from plone import api
from plone.base.utils import get_installer
from plone.uuid.interfaces import IUUID
from vnarchive.content import journal as kinds
from vnarchive.content.types.document import recompose_titles
from vnarchive.policy import journal
from vnarchive.policy import lexicon as lexicon_module
from vnarchive.policy.workflow.closed import system_change

import importlib.util
import logging


logger = logging.getLogger(__name__)
PROFILE = "vnarchive.policy:default"
VERSION = "20261208001"
ADDONS = ("vnarchive.digitization", "vnarchive.search")
SOLR_PREFIX = "collective.solr."


def rewrite_lexicon(site):
    """plone_lexicon's pipeline again, our elements as new instances (they hold no state)."""
    lexicon = site.portal_catalog["plone_lexicon"]
    lexicon._pipeline = tuple(
        type(element)()
        if type(element).__module__ == lexicon_module.__name__
        else element
        for element in lexicon._pipeline
    )


def solr_settings():
    registry = api.portal.get_tool("portal_registry")
    return {
        name: registry.records[name].value
        for name in registry.records.keys(min=SOLR_PREFIX, max=SOLR_PREFIX + "\uffff")
    }


def restore(settings):
    registry = api.portal.get_tool("portal_registry")
    for name, value in settings.items():
        if name in registry.records:
            registry.records[name].value = value


def install_addons(site):
    """Install the add-ons this site used while they were part of vnarchive.policy."""
    installer = get_installer(site)
    kept = solr_settings()
    for addon in ADDONS:
        if importlib.util.find_spec(addon) is None:
            logger.warning(
                "%s is not installed in this Python: the site runs without it", addon
            )
            continue
        if not installer.is_product_installed(addon):
            installer.install_product(addon)
            logger.info("Installed %s", addon)
    restore(kept)


def recompose_document_titles(site):
    reason = f"upgrade {VERSION}"
    with api.env.adopt_roles(["Manager"]), system_change(reason) as changes:
        changed = recompose_titles(site)
        for document in changed:
            # Closed records were journaled by the write guard; the others are here.
            if (IUUID(document), "edit") not in changes["journaled"]:
                journal.record(
                    document, kinds.SYSTEM_CHANGE, change="title", reason=reason
                )
    logger.info("Recomposed the titles of %s documents in Vietnamese", len(changed))
    return changed


def upgrade(setup_tool):
    site = api.portal.get()
    rewrite_lexicon(site)
    recompose_document_titles(site)
    # The add-ons depend on this profile: at an older version, installing them would run
    # this profile's upgrades again (GenericSetup upgrades outdated dependencies).
    setup_tool.setLastVersionForProfile(PROFILE, VERSION)
    install_addons(site)
