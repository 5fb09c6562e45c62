"""20261121002: digitization, OCR review, the document viewer and Solr search.

A site created before this version gets what a new site gets from the profile: the review
permission (rolemap), the review indexes (catalog), the viewer and Solr settings (registry),
collective.solr's own profile, and the folding catalog lexicon, which reindexes the text
indexes. Solr itself stays off until `make start` (or vnarchive.policy.solr.configure) points
the site at a running server.
"""

from plone import api

import logging


logger = logging.getLogger(__name__)
PROFILE = "profile-vnarchive.policy:default"
NEW_INDEXES = ("ocr_confidence", "ocr_review_state")


def upgrade(setup_tool):
    setup_tool.runAllImportStepsFromProfile(
        "profile-collective.solr:default", purge_old=False
    )
    for step in (
        "rolemap",
        "catalog",
        "plone.app.registry",
        "vnarchive-catalog-lexicon",
    ):
        setup_tool.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    catalog = api.portal.get_tool("portal_catalog")
    # New indexes start empty: fill them (and the ocr_* metadata) for the records only.
    brains = catalog.unrestrictedSearchResults(
        object_provides="vnarchive.content.interfaces.IFileRecord"
    )
    for brain in brains:
        catalog.catalog_object(brain._unrestrictedGetObject(), idxs=list(NEW_INDEXES))
    logger.info("Reindexed %s records for the OCR review queue", len(brains))
