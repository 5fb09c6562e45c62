"""GET <record>/@signatures: the signatures of the record's files, as its page shows them.

{"@id", "status": ["valid"] (the catalog's `signature_status`),
 "files": [{"name" (null for a master the user may not download), "label", "role",
            "kind", "origin", "status", "status_title", "checked", "problem",
            "signatures": [{"status", "status_title", "signer", "signed_at" (ISO),
                            "signed_at_local" (Vietnam time), "level",
                            "level_title", "problem"}]}],
 "pdfa": {"name", "signed", "configured", "reasons", "setup_problem"}  (staff only)}
"""

from plone.restapi.services import Service
from vnarchive.digitization.signatures.display import summary


class SignaturesGet(Service):
    def reply(self):
        data = summary(self.context, self.request)
        return {"@id": f"{self.context.absolute_url()}/@signatures", **data}
