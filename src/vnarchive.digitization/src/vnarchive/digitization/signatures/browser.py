"""The record page's "Chữ ký số" section (a viewlet of the core's `vnarchive.record.sections`)."""

from plone.app.layout.viewlets.common import ViewletBase
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization.signatures.display import summary


class SignaturesViewlet(ViewletBase):
    """Per signed file: status in plain words, signer, time, level, problem; for staff
    also whether the archive's PDF/A is signed and why not."""

    def update(self):
        self.info = None
        if not IFileRecord.providedBy(self.context):
            return
        info = summary(self.context, self.request)
        if info["files"] or info.get("pdfa"):
            self.info = info

    def render(self):
        return self.index() if self.info else ""
