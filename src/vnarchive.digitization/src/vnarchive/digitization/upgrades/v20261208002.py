"""20261208002: signatures in the archive.

The catalog gets the keyword index `signature_status` (its `upgradeDepends` imports the
profile's catalog.xml, see configure.zcml); here every record is indexed in it. A site
made before has no signature checked yet, so its records are "unsigned" until the workers
sign their PDF/A or verify the PDFs that come in.
"""

from plone import api
from vnarchive.digitization.setuphandlers import fill_signature_indexes


def upgrade(setup_tool):
    fill_signature_indexes(api.portal.get())
