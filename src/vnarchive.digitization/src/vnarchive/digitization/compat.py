"""Old module paths of this add-on's code, for databases made before it was one.

Until 2026-12 digitization lived in `vnarchive.policy.digitization` (batches are persistent
objects in the site) and `vnarchive.content.digitization`. A ZODB pickle names its class by
module path, so the old paths must import until every such object has been written again:
the add-on's install step (`setuphandlers.rewrite_batches`) does that, and
`zodbupdate_renames` gives the same map to zodbupdate for offline conversion.

The annotations the code kept its data in were named after its module too: the install step
moves them to this add-on's keys (`setuphandlers.move_old_annotations`).
"""

import importlib
import sys


# old module path -> module of this add-on
OLD_MODULES = {
    "vnarchive.policy.digitization": "vnarchive.digitization",
    "vnarchive.policy.digitization.batches": "vnarchive.digitization.batches",
}

# annotation key of vnarchive.policy -> key of this add-on, and what holds it
OLD_ANNOTATION_KEYS = {
    # the site: its batches (batches.BATCHES_KEY)
    "vnarchive.policy.digitization.batches": "vnarchive.digitization.batches",
    # a dossier: the files imported into it, by checksum (importing.existing.CHECKSUMS_KEY)
    "vnarchive.policy.digitization.checksums": "vnarchive.digitization.checksums",
    # a record: the last OCR review decision (review.actions.ANNOTATION_KEY)
    "vnarchive.policy.review": "vnarchive.digitization.review",
}

# zodbupdate's rename map ("old.module Class": "new.module Class").
zodbupdate_renames = {
    f"vnarchive.policy.digitization.batches {name}": f"vnarchive.digitization.batches {name}"
    for name in ("Lease", "PageState", "DocumentState", "Batch")
}


def alias_old_modules():
    for old, new in OLD_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
