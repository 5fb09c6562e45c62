"""vnarchive.digitization: scans in, searchable PDF/A out, and people check the OCR.

The add-on of the archive's digitization (design card: "add-ons handle OCR"):

- pure page work, no Zope: `images`, `cleanup`, `ocr`, `pdfa`, `pipeline`, `cer`, `samples`;
- batches of scans: `manifest`, `importing` (plan, then one record at a time through
  `vnarchive.policy.records.create_record` and `vnarchive.policy.files.add_master_file`),
  `batches` (their state in the site), `queue`, `worker` and `tasks` (the background jobs);
- `review`: the OCR review queue, screen and services; `viewer`: collective.documentviewer
  fed the record's PDF/A.
"""

from vnarchive.digitization import compat

# collective.documentviewer imports names zope.component moved: put them back before
# plone.autoinclude loads its ZCML (it imports every add-on package first).
from vnarchive.digitization.viewer import compat as viewer_compat  # noqa: F401
from zope.i18nmessageid import MessageFactory


__version__ = "1.0.0.dev0"

PACKAGE_NAME = "vnarchive.digitization"

_ = MessageFactory("vnarchive")

# Databases made before this add-on existed pickled its classes under vnarchive.policy.
compat.alias_old_modules()
