"""Upload master files to a record (scans, born-digital originals)."""

from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from Products.Five.browser import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from vnarchive.content.files import FileError
from vnarchive.policy import _
from vnarchive.policy.files import add_master_file
from vnarchive.policy.workflow.closed import RecordClosed
from zope.i18n import translate

import transaction


class UploadFiles(BrowserView):
    def __call__(self):
        if self.request.method == "POST":
            return self.upload()
        return self.index()

    def upload(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        messages = IStatusMessage(self.request)
        uploads = self.request.form.get("files") or []
        if not isinstance(uploads, list):
            uploads = [uploads]
        uploads = [item for item in uploads if getattr(item, "filename", None)]
        if not uploads:
            messages.add(_("msg_no_file", default="Chưa chọn tệp nào."), type="error")
            return self.index()
        try:
            for upload in uploads:
                add_master_file(
                    self.context,
                    upload.filename,
                    upload,
                    upload.headers.get("content-type"),
                )
        except (FileError, RecordClosed) as error:
            # All or nothing: one bad file keeps the others out too, and says which;
            # a closed record takes none (the refusal is journaled all the same).
            transaction.doom()
            messages.add(translate(error.doc(), context=self.request), type="error")
            return self.index()
        messages.add(
            _(
                "msg_files_added",
                default="Đã lưu ${count} tệp gốc.",
                mapping={"count": len(uploads)},
            ),
            type="info",
        )
        self.request.response.redirect(self.context.absolute_url())
        return ""
