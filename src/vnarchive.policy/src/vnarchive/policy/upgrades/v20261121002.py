"""20261121002: digitization, OCR review, the document viewer and Solr search.

A site created before this version gets what a new site got from the profile: the review
permission (rolemap), collective.solr's own profile, and the folding catalog lexicon, which
reindexes the text indexes. The review indexes and the viewer and Solr settings came with it
too; since 20261208001 they belong to the add-ons vnarchive.digitization and vnarchive.search,
which that step installs. Solr itself stays off until `make start` (or vnarchive.search.connection.configure) points
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
    indexes = [name for name in NEW_INDEXES if name in catalog.indexes()]
    if not indexes:  # the digitization add-on brings and fills them (20261208001)
        return
    # New indexes start empty: fill them (and the ocr_* metadata) for the records only.
    brains = catalog.unrestrictedSearchResults(
        object_provides="vnarchive.content.interfaces.IFileRecord"
    )
    for brain in brains:
        catalog.catalog_object(brain._unrestrictedGetObject(), idxs=indexes)
    logger.info("Reindexed %s records for the OCR review queue", len(brains))
