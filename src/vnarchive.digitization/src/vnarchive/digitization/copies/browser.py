"""Pages of certified copies: issuing one on a record (staff), the record's section, and
the public verification page on the site root.

<record>/@@issue-copy                   the form and the register of the record's copies
<record>/@@issue-copy              POST register a copy (CSRF token): the workers make it
<record>/@@issue-copy/<number>.pdf      the signed copy (to print or send)
<record>/@@issue-copy/<number>/revoke POST withdraw an issued copy (CSRF token)
<site>/@@verify[?number=…]              the verification form
<site>/@@verify/<number>[?sha256=…]     whether copy <number> is genuine (anyone)
<site>/@@verify/<number>           POST the same, and whether the uploaded file is it
"""

from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from vnarchive.digitization import _
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies import verification
from vnarchive.digitization.copies.display import register_data
from vnarchive.digitization.copies.issue import CopyRefused
from vnarchive.digitization.copies.issue import issue_copy
from vnarchive.digitization.copies.issue import revoke_copy
from vnarchive.policy.subpath import SubpathParams
from zExceptions import NotFound
from ZODB.blob import BlobError
from zope.i18n import translate
from ZPublisher.Iterators import filestream_iterator


MAX_UPLOAD = 200 * 1024 * 1024  # bytes of a PDF given to the verification page


class IssueCopyView(SubpathParams, BrowserView):
    """The form that issues a copy of the record, and the register of its copies."""

    error = None
    values = None

    def __call__(self):
        if self.params:
            return self.subpath()
        if self.request.method == "POST":
            return self.submit()
        return self.index()

    def register(self):
        return register_data(api.portal.get(), self.context, self.request)

    def form_value(self, name):
        return (self.values or {}).get(name, "")

    def submit(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        form = self.request.form
        self.values = {key: form.get(key, "") for key in ("name", "identity")}
        self.values.update(purpose=form.get("purpose", ""), pages=form.get("pages", ""))
        site = api.portal.get()
        try:
            entry = issue_copy(
                site,
                self.context,
                self.values,
                self.values["pages"],
                api.user.get_current().getId(),
                site.absolute_url(),
            )
        except CopyRefused as refused:
            self.error = translate(refused.doc(), context=self.request)
            return self.index()
        message = _(
            "copy_registered",
            default="Đã đăng ký bản sao số ${number}. Bản sao đang được tạo và ký số; "
            "tải về khi trạng thái là “Đã cấp”.",
            mapping={"number": entry.number},
        )
        IStatusMessage(self.request).add(message, type="info")
        return self.request.response.redirect(
            f"{self.context.absolute_url()}/@@issue-copy"
        )

    # ---- <number>.pdf and <number>/revoke ----

    def _entry(self, number):
        entry = register.get_entry(api.portal.get(), number)
        if entry is None or entry.record_uid != self.context.UID():
            raise NotFound(number)
        return entry

    def subpath(self):
        if len(self.params) == 1 and self.params[0].endswith(".pdf"):
            return self.download(self._entry(self.params[0][: -len(".pdf")]))
        if len(self.params) == 2 and self.params[1] == "revoke":
            return self.revoke(self._entry(self.params[0]))
        raise NotFound(self.params[-1])

    def download(self, entry):
        if entry.state not in (register.ISSUED, register.REVOKED):
            raise NotFound(entry.number)
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{entry.number}.pdf"'
        )
        response.setHeader("Content-Length", str(entry.size))
        response.setHeader("Cache-Control", "no-store")
        try:
            return filestream_iterator(entry.blob.committed(), "rb")
        except BlobError:  # written in this very transaction
            return entry.read()

    def revoke(self, entry):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        messages = IStatusMessage(self.request)
        try:
            revoke_copy(
                self.context,
                entry,
                api.user.get_current().getId(),
                self.request.form.get("reason", ""),
            )
        except CopyRefused as refused:
            messages.add(refused.doc(), type="error")
        else:
            messages.add(
                _(
                    "copy_revoked",
                    default="Đã thu hồi bản sao số ${number}.",
                    mapping={"number": entry.number},
                ),
                type="info",
            )
        return self.request.response.redirect(
            f"{self.context.absolute_url()}/@@issue-copy"
        )


class CopiesViewlet(ViewletBase):
    """The record page's "Bản sao chứng thực" section, for staff who issue copies."""

    index = ViewPageTemplateFile("templates/section.pt")

    def update(self):
        self.info = register_data(api.portal.get(), self.context, self.request)
        self.form_url = f"{self.context.absolute_url()}/@@issue-copy"


class VerifyView(SubpathParams, BrowserView):
    """Whether a certified copy is genuine, for anyone (no personal data)."""

    form_template = ViewPageTemplateFile("templates/verify.pt")
    missing = False
    answer = None
    compared = None
    number = ""

    def __call__(self):
        number = "/".join(self.params) or self.request.form.get("number")
        self.number = str(number or "").strip()[:40]
        if not self.number:
            return self.form_template()
        site = api.portal.get()
        entry = register.get_entry(site, self.number)
        if entry is None:
            self.missing = True
            self.request.response.setStatus(404)
            return self.form_template()
        self.answer = verification.check(site, entry, self.request)
        self.compared = self._compare(entry)
        return self.form_template()

    def _compare(self, entry):
        upload = self.request.form.get("file")
        if self.request.method == "POST" and getattr(upload, "read", None):
            data = upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                return {"too_large": True}
            return verification.compare(entry, self.request, data=data)
        sha256 = self.request.form.get("sha256")
        if isinstance(sha256, str) and sha256.strip():
            return verification.compare(entry, self.request, sha256=sha256)
        return None

    def action_url(self):
        base = f"{api.portal.get().absolute_url()}/@@verify"
        return f"{base}/{self.answer['number']}" if self.answer else base
