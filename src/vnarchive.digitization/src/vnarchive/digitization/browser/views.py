"""Classic pages for import batches (staff only): import form, list, progress, retry.

<site|fonds|dossier>/@@import-batch     upload a ZIP or name a server folder
<site>/@@batches                        the batches
<site>/@@batches/<id>                   one batch: progress, problems, failed pages
<site>/@@batches/<id>/retry             POST: failed pages back to the queue
<site>/@@batches/<id>/sign              POST: sign the reviewed documents (workers)
<site>/@@manifest-template[?format=xlsx] a manifest to fill in (CSV or XLSX)
"""

from plone import api
from plone.memoize.view import memoize
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from plone.uuid.interfaces import IUUID
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from vnarchive.digitization import _
from vnarchive.digitization import batches as model
from vnarchive.digitization import queue
from vnarchive.digitization.signatures import runs as signing_runs
from vnarchive.digitization.signatures.display import batch_signing
from vnarchive.digitization.tasks import intake
from vnarchive.digitization.tasks.errors import BatchError
from vnarchive.policy.browser.times import iso_time
from vnarchive.policy.browser.times import local_time
from vnarchive.policy.subpath import SubpathParams
from vnarchive.policy.trust.resolve import viewable_object
from zExceptions import NotFound
from zope.i18n import translate

import csv
import io


# Literal ids where batches.py may not name them yet ("done_with_problems", "failed").
STATE_LABELS = {
    model.VALIDATING: _("batch_state_validating", default="Đang kiểm tra"),
    model.INVALID: _("batch_state_invalid", default="Không hợp lệ"),
    model.VALIDATED: _("batch_state_validated", default="Hợp lệ (chỉ kiểm tra)"),
    model.IMPORTING: _("batch_state_importing", default="Đang nhập"),
    model.PROCESSING: _("batch_state_processing", default="Đang xử lý"),
    model.DONE: _("batch_state_done", default="Xong"),
    "done_with_problems": _(
        "batch_state_done_with_problems", default="Xong, có tài liệu hoặc trang lỗi"
    ),
    "failed": _("batch_state_failed", default="Thất bại"),
}

DOCUMENT_STATE_LABELS = {
    "pending": _("batch_document_pending", default="Chờ nhập"),
    "imported": _("batch_document_imported", default="Đã nhập"),
    "processing": _("batch_document_processing", default="Đang xử lý trang"),
    "building": _("batch_document_building", default="Đang tạo PDF/A"),
    "built": _("batch_document_built", default="Đã có PDF/A"),
    "incomplete": _("batch_document_incomplete", default="Có trang lỗi"),
    "failed": _("batch_document_failed", default="Lỗi"),
}


def state_label(state, request):
    return translate(STATE_LABELS.get(state, state), context=request)


def document_state_label(state, request):
    return translate(DOCUMENT_STATE_LABELS.get(state, state), context=request)


def record_url(document):
    """The URL of the record a batch document made, if the current user may see it.

    Resolved through the trust resolver (UID first, then path): a record the user may
    not view, or one since deleted, is not linked.
    """
    record = None
    if document.get("uid"):
        record = viewable_object(uid=document["uid"])
    if record is None and document.get("path"):
        record = viewable_object(path=document["path"])
    return record.absolute_url() if record is not None else None


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
        root = intake.import_root()
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
                batch = intake.start_batch(
                    site,
                    creator,
                    upload=upload,
                    filename=upload.filename,
                    validate_only=validate_only,
                    target=IUUID(self.context, None),
                )
            elif folder:
                batch = intake.start_batch(
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
        except BatchError as error:
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


class Batches(SubpathParams, BrowserView):
    list_template = ViewPageTemplateFile("templates/batches.pt")
    batch_template = ViewPageTemplateFile("templates/batch.pt")

    def __call__(self):
        if not self.params:
            return self.list_template()
        self.batch = model.get_batch(self.context, self.params[0])
        if self.batch is None:
            raise NotFound(self.params[0])
        if len(self.params) > 1 and self.params[1] == "retry":
            return self.retry()
        if len(self.params) > 1 and self.params[1] == "sign":
            return self.sign()
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
        retried = intake.retry_failed(self.context, self.batch, keys)
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

    def sign(self):
        """Ask the workers to sign the batch's reviewed documents (not in this request)."""
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        by = api.user.get_current().getId()
        asked, error = signing_runs.ask(self.context, self.batch, by)
        messages = IStatusMessage(self.request)
        if error is not None:
            messages.add(translate(error.doc(), context=self.request), type="error")
        else:
            messages.add(
                _(
                    "msg_batch_signing_asked",
                    default="Đã xếp hàng ký số ${count} tài liệu đã duyệt.",
                    mapping={"count": asked},
                ),
                type="info",
            )
        self.request.response.redirect(
            f"{self.context.absolute_url()}/@@batches/{self.batch.id}"
        )
        return ""

    # ---- for the templates ----

    @memoize
    def signing(self):
        """Batch signing: set up or not (and why), ready, signed, to sign, failed."""
        return batch_signing(self.context, self.batch, self.request)

    def batches(self):
        return [self.row(batch) for batch in model.all_batches(self.context)]

    def _times(self, data):
        for key in ("created", "started", "finished"):
            data[f"{key}_local"] = local_time(data.get(key)) if data.get(key) else ""
            data[f"{key}_iso"] = iso_time(data.get(key)) if data.get(key) else ""
        return data

    def row(self, batch):
        data = self._times(batch.summary())
        data["url"] = f"{self.context.absolute_url()}/@@batches/{batch.id}"
        data["state_label"] = state_label(batch.state, self.request)
        data["eta"] = duration(data["eta_seconds"])
        return data

    def details(self):
        data = self._times(self.batch.details())
        data["state_label"] = state_label(self.batch.state, self.request)
        data["eta"] = duration(data["eta_seconds"])
        data["unfinished"] = self.batch.state in model.UNFINISHED
        for document in data["documents"]:
            document["state_label"] = document_state_label(
                document.get("state"), self.request
            )
            document["url"] = record_url(document)
        return data

    def workers_alive(self):
        return workers_alive()


# ---- Manifest template ----

# The columns the manifest parser reads (manifest.py): kind, fonds/dossier, files, then
# the national field names a record is described with; one example row.
TEMPLATE_COLUMNS = (
    "kind",
    "dossier",
    "files",
    "typeName",
    "codeNumber",
    "codeNotation",
    "issuedDate",
    "organName",
    "subjectText",
    "languageCode",
    "maintenance",
    "mode",
    "confidenceLevel",
    "formatCode",
)
TEMPLATE_ROW = {
    "kind": "document",
    "dossier": "000.00.00.H56.2024.02.KH",
    "files": "scans/qd-215-trang-1.tif;scans/qd-215-trang-2.tif",
    "typeName": "02",
    "codeNumber": "215",
    "codeNotation": "QĐ-UBND",
    "issuedDate": "12/03/2024",
    "organName": "Ủy ban nhân dân tỉnh Quảng Trị",
    "subjectText": "Quyết định ban hành Quy chế công tác văn thư, lưu trữ",
    "languageCode": "01",
    "maintenance": "01",
    "mode": "01",
    "confidenceLevel": "02",
    "formatCode": "01",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def manifest_csv():
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([TEMPLATE_ROW[column] for column in TEMPLATE_COLUMNS])
    # A BOM, so that spreadsheet programs open the Vietnamese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def manifest_xlsx():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "manifest"
    sheet.append(list(TEMPLATE_COLUMNS))
    sheet.append([TEMPLATE_ROW[column] for column in TEMPLATE_COLUMNS])
    for cells in sheet.iter_cols():  # every cell text, so codes keep their zeros
        for cell in cells:
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class ManifestTemplate(BrowserView):
    """@@manifest-template (CSV) or @@manifest-template?format=xlsx: a manifest to fill in."""

    def __call__(self):
        response = self.request.response
        if self.request.form.get("format") == "xlsx":
            body, name, content_type = manifest_xlsx(), "manifest.xlsx", XLSX_TYPE
        else:
            body, name = manifest_csv(), "manifest.csv"
            content_type = "text/csv; charset=utf-8"
        response.setHeader("Content-Type", content_type)
        response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
        response.setHeader("Content-Length", str(len(body)))
        response.setHeader("X-Content-Type-Options", "nosniff")
        return body
