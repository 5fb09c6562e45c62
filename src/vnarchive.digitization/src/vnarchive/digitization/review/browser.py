"""Pages of the OCR review: the queue (site) and the review screen (document)."""

from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from Products.Five.browser import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from urllib.parse import urlencode
from vnarchive.content.files import IRecordFiles
from vnarchive.content.indexers import main_code
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization import _
from vnarchive.digitization.review import actions
from vnarchive.digitization.review import queue
from vnarchive.digitization.review.images import clean_page
from vnarchive.digitization.review.images import master_preview
from vnarchive.digitization.review.images import page_image
from vnarchive.policy.journal import record_view
from vnarchive.policy.permissions import DOWNLOAD_MASTERS
from vnarchive.policy.permissions import REVIEW_OCR
from zExceptions import NotFound
from zope.i18n import translate
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import datetime
import transaction


PAGES_PER_SCREEN = 10


def _translate(message, request):
    return translate(message, context=request)


def format_time(value):
    """ "2026-11-21T09:44:07+00:00" -> "21/11/2026 09:44 UTC" (as dates are shown here)."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return moment.strftime("%d/%m/%Y %H:%M UTC")


class ReviewQueueView(BrowserView):
    """/site/@@ocr-review: documents to review, least confident first."""

    def __call__(self):
        self.error = None
        form = self.request.form
        self.fonds = (form.get("fonds") or "").strip()
        self.dossier = (form.get("dossier") or "").strip()
        self.states = form.get("state") or ""
        self.start, self.size = queue.batch_numbers(
            form.get("b_start"), form.get("b_size")
        )
        try:
            brains, self.total = queue.search(
                fonds=self.fonds,
                dossier=self.dossier,
                states=self.states,
                start=self.start,
                size=self.size,
            )
        except actions.ReviewError as error:
            self.error = _translate(error.doc(), self.request)
            brains, self.total = [], 0
        self.rows = [queue.row(brain) for brain in brains]
        return self.index()

    def state_title(self, state):
        title = actions.STATE_TITLES.get(state)
        return _translate(title, self.request) if title else ""

    def state_options(self):
        selected = self.states if isinstance(self.states, str) else ""
        options = [
            {
                "value": "",
                "title": _translate(
                    _("review_filter_open", default="Chưa duyệt"), self.request
                ),
                "selected": not selected,
            }
        ]
        for state in actions.STATES:
            options.append(
                {
                    "value": state,
                    "title": self.state_title(state),
                    "selected": selected == state,
                }
            )
        return options

    def _url(self, start):
        params = {
            key: value
            for key, value in (
                ("fonds", self.fonds),
                ("dossier", self.dossier),
                ("state", self.states if isinstance(self.states, str) else ""),
                ("b_start", start),
            )
            if value
        }
        base = f"{self.context.absolute_url()}/@@ocr-review"
        return f"{base}?{urlencode(params)}" if params else base

    def next_url(self):
        if self.start + self.size < self.total:
            return self._url(self.start + self.size)
        return None

    def previous_url(self):
        if self.start:
            return self._url(max(self.start - self.size, 0))
        return None

    def review_url(self, row):
        url = f"{row['url']}/@@ocr-review"
        if row.get("lowest_page"):
            start = (row["lowest_page"] - 1) // PAGES_PER_SCREEN * PAGES_PER_SCREEN
            url += f"?b_start={start}#page-{row['lowest_page']}"
        return url


@implementer(IPublishTraverse)
class PageImageView(BrowserView):
    """/record/@@ocr-page-image/<n>: the cleaned page (the master page as fallback);
    /record/@@ocr-page-image/<n>/master: the master's page, to compare before and after
    clean-up (for those who may download masters)."""

    number = None
    master = False

    def publishTraverse(self, request, name):
        if self.number is None:
            self.number = name
            return self
        if name == "master" and not self.master:
            self.master = True
            return self
        raise NotFound(name)

    def __call__(self):
        try:
            number = actions.page_number(self.number)
        except actions.ReviewError:
            raise NotFound(self.number) from None
        may_masters = api.user.has_permission(DOWNLOAD_MASTERS, obj=self.context)
        if self.master:
            found = master_preview(self.context, number) if may_masters else None
        else:
            found = page_image(self.context, number, may_masters=may_masters)
        if found is None:
            raise NotFound(self.number)
        data, content_type = found
        response = self.request.response
        response.setHeader("Content-Type", content_type)
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, max-age=300")
        return data


class ReviewView(BrowserView):
    """/record/@@ocr-review: each page's image beside its editable text; the decision."""

    def __call__(self):
        self.kept = {}  # page number -> text typed by the reviewer, kept on an error
        self.comment = ""
        if self.request.method == "POST":
            done = self.submit()
            if done:
                return ""
        else:
            record_view(self.context)
        return self.index()

    # -- Actions --------------------------------------------------------------

    def submit(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        form = self.request.form
        messages = IStatusMessage(self.request)
        try:
            if "form.save" in form:
                number = actions.page_number(form.get("page"))
                self.kept[number] = form.get("text", "")
                changed = actions.save_correction(
                    self.context, number, form.get("text", ""), form.get("version")
                )
                message = (
                    _(
                        "review_msg_saved",
                        default="Đã lưu bản sửa trang ${number}. Văn bản cũ được "
                        "giữ trong lịch sử; tệp PDF/A sẽ được tạo lại.",
                        mapping={"number": number},
                    )
                    if changed
                    else _(
                        "review_msg_unchanged",
                        default="Trang ${number} không có gì thay đổi.",
                        mapping={"number": number},
                    )
                )
                messages.add(message, type="info")
                return self._redirect(anchor=f"page-{number}")
            if "form.approve" in form or "form.reject" in form:
                self.comment = form.get("comment", "")
                if "form.approve" in form:
                    actions.approve(self.context, self.comment)
                    message = _(
                        "review_msg_approved",
                        default="Đã duyệt văn bản nhận dạng của tài liệu.",
                    )
                else:
                    actions.reject(self.context, self.comment)
                    message = _(
                        "review_msg_rejected",
                        default="Đã từ chối văn bản nhận dạng của tài liệu.",
                    )
                messages.add(message, type="info")
                return self._redirect()
        except actions.ReviewError as error:
            transaction.doom()
            messages.add(_translate(error.doc(), self.request), type="error")
            return False
        raise NotFound("ocr-review")

    def _redirect(self, anchor=None):
        url = f"{self.context.absolute_url()}/@@ocr-review"
        start = self.request.form.get("b_start")
        if start:
            url += "?" + urlencode({"b_start": start})
        if anchor:
            url += "#" + anchor
        self.request.response.redirect(url)
        return True

    # -- Display --------------------------------------------------------------

    def code(self):
        return main_code(self.context)

    def summary(self):
        info = actions.indexed_summary(self.context)
        state = info["review_state"]
        title = actions.STATE_TITLES.get(state)
        info["review_state_title"] = _translate(title, self.request) if title else ""
        if info["decision"]:
            info["decision"]["time"] = format_time(info["decision"].get("time"))
        return info

    def can_change(self):
        return actions.may_change(self.context)

    def batch(self):
        numbers = actions.page_numbers(self.context)
        try:
            start = max(int(self.request.form.get("b_start", 0) or 0), 0)
        except (TypeError, ValueError):
            start = 0
        files = IRecordFiles(self.context)
        chosen = [files.page(n) for n in numbers[start : start + PAGES_PER_SCREEN]]
        url = f"{self.context.absolute_url()}/@@ocr-review"
        return {
            "pages": [self.page_info(page) for page in chosen if page.source],
            "total": len(numbers),
            "start": start,
            "next": f"{url}?b_start={start + PAGES_PER_SCREEN}"
            if start + PAGES_PER_SCREEN < len(numbers)
            else None,
            "previous": f"{url}?b_start={max(start - PAGES_PER_SCREEN, 0)}"
            if start
            else None,
        }

    def master_image(self, number):
        """The scan before clean-up, beside the cleaned page: for those who may see masters."""
        if not hasattr(self, "_may_masters"):
            self._may_masters = api.user.has_permission(
                DOWNLOAD_MASTERS, obj=self.context
            )
        if not self._may_masters or clean_page(self.context, number) is None:
            return None  # without a cleaned page the image shown is the master already
        return f"{self.context.absolute_url()}/@@ocr-page-image/{number}/master"

    def page_info(self, page):
        size = actions.page_size(page)
        low = actions.low_confidence_words(page)
        boxes = []
        if size:
            width, height = size
            for word in low:
                left, top, right, bottom = word["bbox"][:4]
                boxes.append(
                    {
                        "text": word["text"],
                        "style": (
                            f"left:{100 * left / width:.2f}%;"
                            f"top:{100 * top / height:.2f}%;"
                            f"width:{100 * (right - left) / width:.2f}%;"
                            f"height:{100 * (bottom - top) / height:.2f}%"
                        ),
                    }
                )
        return {
            "number": page.number,
            "text": self.kept.get(page.number, page.text),
            "confidence": page.confidence,
            "source": page.source,
            "version": actions.page_version(page),
            "history": actions.history(page),
            "low_words": low,
            "boxes": boxes,
            "image": f"{self.context.absolute_url()}/@@ocr-page-image/{page.number}",
            "master_image": self.master_image(page.number),
            "alt": _translate(
                _(
                    "review_page_image",
                    default="Ảnh trang ${number}",
                    mapping={"number": page.number},
                ),
                self.request,
            ),
        }

    def source_title(self, source):
        titles = {
            actions.OCR_SOURCE: _("review_source_ocr", default="Nhận dạng (OCR)"),
            actions.REVIEW_SOURCE: _("review_source_review", default="Kiểm duyệt"),
        }
        title = titles.get(source)
        return _translate(title, self.request) if title else source

    def queue_url(self):
        return f"{api.portal.get().absolute_url()}/@@ocr-review"


class ReviewViewlet(ViewletBase):
    """On a record with OCR text, for reviewers: its review state and the way to review."""

    def update(self):
        self.info = None
        if not IFileRecord.providedBy(self.context):
            return
        if getattr(self.view, "__name__", None) == "ocr-review":
            return  # the review screen says it all
        if not actions.may_review(self.context):
            return
        info = actions.indexed_summary(self.context)
        if info["review_state"] is None:
            return
        title = actions.STATE_TITLES.get(info["review_state"])
        info["review_state_title"] = _translate(title, self.request) if title else ""
        info["url"] = f"{self.context.absolute_url()}/@@ocr-review"
        info["queue_url"] = f"{api.portal.get().absolute_url()}/@@ocr-review"
        self.info = info

    def render(self):
        return self.index() if self.info else ""


class QueueLinkViewlet(ViewletBase):
    """On the front page, for reviewers: how many documents wait for review, and the link."""

    def update(self):
        self.total = None
        if getattr(self.view, "__name__", None) == "ocr-review":
            return
        if not api.user.has_permission(REVIEW_OCR, obj=self.context):
            return
        try:
            _brains, self.total = queue.search(size=1)
        except actions.ReviewError:
            self.total = None
        self.url = f"{self.context.absolute_url()}/@@ocr-review"

    def render(self):
        return self.index() if self.total else ""
