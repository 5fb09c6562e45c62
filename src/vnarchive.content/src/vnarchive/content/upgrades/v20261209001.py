"""20261209001: the languages and the notes of a record are behaviors.

`languageCode` and `description` were declared again in each type's schema; they now come
from the behaviors `vnarchive.language`, `vnarchive.notes` (records, 500 characters) and
`vnarchive.container_notes` (fonds and dossiers, 2000 characters). The values stay where they
were: a schema-only behavior stores its fields as attributes of the object, under the same
names. A site made before needs only the types' behaviors: this step adds the new names to
each type, keeping any behavior the site added itself.
"""

from plone import api

import logging


logger = logging.getLogger(__name__)

BEHAVIORS = {
    "Fonds": ("vnarchive.language", "vnarchive.container_notes"),
    "Dossier": ("vnarchive.language", "vnarchive.container_notes"),
    "ArchivalDocument": ("vnarchive.language", "vnarchive.notes"),
    "PhotoRecord": ("vnarchive.notes",),
    "AudioVisualRecord": ("vnarchive.language", "vnarchive.notes"),
}


def upgrade(setup_tool):
    types = api.portal.get_tool("portal_types")
    for type_name, names in BEHAVIORS.items():
        fti = types.get(type_name)
        if fti is None:
            continue
        missing = [name for name in names if name not in fti.behaviors]
        if missing:
            # Through the FTI's property, so that its schema caches are invalidated.
            fti.manage_changeProperties(behaviors=tuple(fti.behaviors) + tuple(missing))
            logger.info("%s: behaviors %s added", type_name, ", ".join(missing))
