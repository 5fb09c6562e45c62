"""The journal of a record, for staff: read-only, newest first.

The stored entries keep their raw values (action ids, state ids); this view shows
them to people: translated action names, workflow state and transition titles, times
in the site's timezone.
"""

from plone import api
from plone.memoize.view import memoize
from Products.Five.browser import BrowserView
from vnarchive.content import journal as kinds
from vnarchive.policy import _
from vnarchive.policy.browser.times import iso_time
from vnarchive.policy.browser.times import local_time
from vnarchive.policy.interfaces import IJournalLabels
from vnarchive.policy.journal import entries
from vnarchive.policy.workflow.states import WORKFLOW_ID
from zope.component import getUtilitiesFor
from zope.i18n import translate


ACTIONS = {
    kinds.CREATED: _("journal_action_created", default="Tạo mới"),
    kinds.EDITED: _("journal_action_edited", default="Sửa"),
    kinds.TRANSITION: _("journal_action_transition", default="Chuyển trạng thái"),
    kinds.DOWNLOAD: _("journal_action_download", default="Tải xuống"),
    kinds.VIEWED: _("journal_action_viewed", default="Xem"),
    kinds.DELETED: _("journal_action_deleted", default="Xóa"),
    kinds.FILE_ADDED: _("journal_action_file_added", default="Thêm tệp"),
    kinds.FILES_DESTROYED: _("journal_action_files_destroyed", default="Hủy tệp"),
    kinds.FIXITY_FAILED: _(
        "journal_action_fixity_failed", default="Kiểm tra toàn vẹn không đạt"
    ),
    kinds.OCR_CORRECTED: _(
        "journal_action_ocr_corrected", default="Sửa văn bản nhận dạng"
    ),
    kinds.OCR_APPROVED: _(
        "journal_action_ocr_approved", default="Duyệt văn bản nhận dạng"
    ),
    kinds.OCR_REJECTED: _(
        "journal_action_ocr_rejected", default="Từ chối văn bản nhận dạng"
    ),
    kinds.OCR_NOT_POSSIBLE: _(
        "journal_action_ocr_not_possible", default="Không nhận dạng được chữ"
    ),
    kinds.WRITE_REFUSED: _("journal_action_write_refused", default="Từ chối ghi"),
    kinds.SYSTEM_CHANGE: _(
        "journal_action_system_change", default="Thay đổi do hệ thống"
    ),
}

DETAILS = {
    "transition": _("journal_detail_transition", default="Thao tác"),
    "from_state": _("journal_detail_from_state", default="Từ trạng thái"),
    "to_state": _("journal_detail_to_state", default="Sang trạng thái"),
    "comment": _("journal_detail_comment", default="Ghi chú"),
    "fields": _("journal_detail_fields", default="Trường đã sửa"),
    "file": _("journal_detail_file", default="Tệp"),
    "files": _("journal_detail_files", default="Các tệp"),
    "size": _("journal_detail_size", default="Dung lượng (byte)"),
    "type": _("journal_detail_type", default="Loại"),
    "code": _("journal_detail_code", default="Mã lưu trữ"),
    "page": _("journal_detail_page", default="Trang"),
    "pages": _("journal_detail_pages", default="Số trang"),
    "confidence": _("journal_detail_confidence", default="Độ tin cậy thấp nhất"),
    "reason": _("journal_detail_reason", default="Lý do"),
    "change": _("journal_detail_change", default="Thay đổi"),
}
STATE_KEYS = ("from_state", "to_state")
HIDDEN = ("time", "actor", "action", "number")


class JournalView(BrowserView):
    def _translate(self, message):
        return translate(message, domain="vnarchive", context=self.request)

    def _workflow(self):
        return api.portal.get_tool("portal_workflow").getWorkflowById(WORKFLOW_ID)

    def state_title(self, state):
        workflow = self._workflow()
        found = workflow.states.get(state) if workflow is not None else None
        return self._translate(found.title) if found is not None else str(state)

    def transition_title(self, transition):
        workflow = self._workflow()
        found = workflow.transitions.get(transition) if workflow is not None else None
        return self._translate(found.title) if found is not None else str(transition)

    @memoize
    def _labels(self):
        """(actions, details): the core's, then the add-ons' (IJournalLabels)."""
        actions, details = dict(ACTIONS), dict(DETAILS)
        for _name, labels in getUtilitiesFor(IJournalLabels):
            actions = {**labels.actions, **actions}
            details = {**labels.details, **details}
        return actions, details

    def action_title(self, action):
        message = self._labels()[0].get(action)
        return self._translate(message) if message is not None else str(action)

    def _value(self, key, value):
        if key in STATE_KEYS:
            return self.state_title(value)
        if key == "transition":
            return self.transition_title(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return str(value)

    def details(self, entry):
        rows = []
        for key in sorted(k for k in entry if k not in HIDDEN):
            value = entry[key]
            if value is None or value == "" or value == []:
                continue
            label = self._labels()[1].get(key)
            rows.append(
                {
                    "label": self._translate(label) if label is not None else key,
                    "value": self._value(key, value),
                }
            )
        return rows

    def entries(self):
        return [
            dict(
                entry,
                when=local_time(entry.get("time")),
                iso=iso_time(entry.get("time")),
                action_title=self.action_title(entry.get("action")),
                rows=self.details(entry),
            )
            for entry in reversed(entries(self.context))
        ]
