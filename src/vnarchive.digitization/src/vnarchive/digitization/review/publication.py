"""OCR text reaches the public (PDF/A text layer, viewer, search) only once approved.

The core's publish guard asks every IPublicationCheck of a record (the core does not
know this add-on); this one has a reason while the document's OCR text waits for
review, is being corrected or was rejected. A site where the add-on is not installed
(its browser layer not registered) is not held back by it.

The other half: a published record that gets new OCR text needing review (a scan added
and read again) is withdrawn by the worker that wrote the text, with a journal entry
that says why, until the text is approved and someone publishes it again.
"""

from plone import api
from plone.browserlayer.utils import registered_layers
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization import _
from vnarchive.digitization.interfaces import IVnarchiveDigitizationLayer
from vnarchive.digitization.review.actions import OPEN_STATES
from vnarchive.digitization.review.actions import REJECTED
from vnarchive.digitization.review.actions import review_state
from vnarchive.policy.interfaces import IPublicationCheck
from vnarchive.policy.publication import withdraw
from vnarchive.policy.workflow.states import PUBLISHED
from zope.component import adapter
from zope.i18n import translate
from zope.interface import implementer


def installed():
    """The add-on is installed in the current site (its browser layer is registered)."""
    return IVnarchiveDigitizationLayer in registered_layers()


@implementer(IPublicationCheck)
@adapter(IFileRecord)
class OCRReviewCheck:
    def __init__(self, record):
        self.record = record

    def reasons(self):
        if not installed():
            return []
        state = review_state(self.record)
        if state not in OPEN_STATES:  # approved, or no OCR text
            return []
        if state == REJECTED:
            return [
                _(
                    "publish_reason_ocr_rejected",
                    default="Văn bản nhận dạng (OCR) của tài liệu đã bị từ chối khi "
                    "kiểm duyệt: cần nhận dạng hoặc sửa lại và duyệt trước khi công bố.",
                )
            ]
        return [
            _(
                "publish_reason_ocr_pending",
                default="Văn bản nhận dạng (OCR) của tài liệu chưa được duyệt: cần "
                "kiểm duyệt trước khi công bố (văn bản sẽ hiện trong bản PDF/A, "
                "trình xem và kết quả tìm kiếm).",
            )
        ]


WITHDRAWN_FOR_REVIEW = _(
    "journal_withdrawn_ocr_review",
    default="Tự động thu hồi công bố vì văn bản nhận dạng (OCR) mới của tài liệu cần "
    "được kiểm duyệt trước khi công khai.",
)


def withdraw_unreviewed(record):
    """Withdraw `record` when it is published and its OCR text now needs review."""
    if api.content.get_state(record, default=None) != PUBLISHED:
        return False
    if not OCRReviewCheck(record).reasons():
        return False
    withdraw(record, translate(WITHDRAWN_FOR_REVIEW, target_language="vi"))
    return True
