"""Classic pages for import batches (staff only): import form, list, progress, retry.

<site|fonds|dossier>/@@import-batch     upload a ZIP or name a server folder
<site>/@@batches                        the batches
<site>/@@batches/<id>                   one batch: progress, problems, failed pages
<site>/@@batches/<id>/retry             POST: failed pages back to the queue
"""

from plone import api
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from plone.uuid.interfaces import IUUID
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization import tasks
from zExceptions import NotFound
from zope.i18n import translate
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


STATE_LABELS = {
    model.VALIDATING: _("batch_state_validating", default="Đang kiểm tra"),
    model.INVALID: _("batch_state_invalid", default="Không hợp lệ"),
    model.VALIDATED: _("batch_state_validated", default="Hợp lệ (chỉ kiểm tra)"),
    model.IMPORTING: _("batch_state_importing", default="Đang nhập"),
    model.PROCESSING: _("batch_state_processing", default="Đang xử lý"),
    model.DONE: _("batch_state_done", default="Xong"),
}


def state_label(state, request):
    return translate(STATE_LABELS.get(state, state), context=request)


def duration(seconds):
    if seconds is None:
        return "—"
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} giờ {minutes} phút"
    if minutes:
        return f"{minutes} phút {seconds} giây"
    return f"{seconds} giây"


def workers_alive():
    try:
        return len(queue.live_workers()) if queue.configured() else 0
    except Exception:
        return 0


class ImportBatch(BrowserView):
    def __call__(self):
        if self.request.method == "POST":
            return self.submit()
        return self.index()

    def import_root(self):
        root = tasks.import_root()
        return str(root) if root else None

    def submit(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        messages = IStatusMessage(self.request)
        form = self.request.form
        upload = form.get("archive")
        folder = (form.get("folder") or "").strip()
        validate_only = bool(form.get("validate_only"))
        site = api.portal.get()
        creator = api.user.get_current().getId()
        try:
            if getattr(upload, "filename", None):
                batch = tasks.start_batch(
                    site,
                    creator,
                    upload=upload,
                    filename=upload.filename,
                    validate_only=validate_only,
                    target=IUUID(self.context, None),
                )
            elif folder:
                batch = tasks.start_batch(
                    site,
                    creator,
                    folder=folder,
                    validate_only=validate_only,
                    target=IUUID(self.context, None),
                )
            else:
                messages.add(
                    _("msg_batch_nothing", default="Hãy chọn tệp ZIP hoặc thư mục."),
                    type="error",
                )
                return self.index()
        except tasks.BatchError as error:
            messages.add(translate(error.doc(), context=self.request), type="error")
            return self.index()
        messages.add(
            _(
                "msg_batch_started",
                default="Đã nhận lô “${title}”; tiến trình xử lý nền sẽ kiểm tra và "
                "nhập lô.",
                mapping={"title": batch.title},
            ),
            type="info",
        )
        self.request.response.redirect(f"{site.absolute_url()}/@@batches/{batch.id}")
        return ""


@implementer(IPublishTraverse)
class Batches(BrowserView):
    list_template = ViewPageTemplateFile("templates/batches.pt")
    batch_template = ViewPageTemplateFile("templates/batch.pt")

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def __call__(self):
        if not self.params:
            return self.list_template()
        self.batch = model.get_batch(self.context, self.params[0])
        if self.batch is None:
            raise NotFound(self.params[0])
        if len(self.params) > 1 and self.params[1] == "retry":
            return self.retry()
        return self.batch_template()

    def retry(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        keys = None
        chosen = self.request.form.get("pages")
        if chosen:
            chosen = chosen if isinstance(chosen, list) else [chosen]
            keys = []
            for value in chosen:
                document, _sep, number = value.rpartition(":")
                keys.append((document, int(number)))
        retried = tasks.retry_failed(self.context, self.batch, keys)
        IStatusMessage(self.request).add(
            _(
                "msg_batch_retried",
                default="Đã xếp hàng lại ${count} trang.",
                mapping={"count": len(retried)},
            ),
            type="info",
        )
        self.request.response.redirect(
            f"{self.context.absolute_url()}/@@batches/{self.batch.id}"
        )
        return ""

    # ---- for the templates ----

    def batches(self):
        return [self.row(batch) for batch in model.all_batches(self.context)]

    def row(self, batch):
        data = batch.summary()
        data["url"] = f"{self.context.absolute_url()}/@@batches/{batch.id}"
        data["state_label"] = state_label(batch.state, self.request)
        data["eta"] = duration(data["eta_seconds"])
        return data

    def details(self):
        data = self.batch.details()
        data["state_label"] = state_label(self.batch.state, self.request)
        data["eta"] = duration(data["eta_seconds"])
        data["unfinished"] = self.batch.state in model.UNFINISHED
        return data

    def workers_alive(self):
        return workers_alive()
