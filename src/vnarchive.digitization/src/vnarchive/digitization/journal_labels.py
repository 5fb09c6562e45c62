"""How the record's journal page names what this add-on writes there (IJournalLabels)."""

from vnarchive.digitization import _
from vnarchive.policy.interfaces import IJournalLabels
from zope.interface import implementer


ACTIONS = {
    "digitized": _("journal_action_digitized", default="Số hóa (tạo bản PDF/A)"),
    "pdfa_rebuilt": _("journal_action_pdfa_rebuilt", default="Tạo lại bản PDF/A"),
    "pdfa_signed": _("journal_action_pdfa_signed", default="Ký số bản PDF/A"),
    "pdfa_signing_failed": _(
        "journal_action_pdfa_signing_failed", default="Ký số không thành công"
    ),
    "signatures_verified": _(
        "journal_action_signatures_verified", default="Kiểm tra chữ ký số"
    ),
    "package_exported": _(
        "journal_action_package_exported", default="Xuất gói thông tin"
    ),
    "copy_registered": _("journal_action_copy_registered", default="Đăng ký bản sao"),
    "copy_issued": _("journal_action_copy_issued", default="Cấp bản sao"),
    "copy_failed": _(
        "journal_action_copy_failed", default="Cấp bản sao không thành công"
    ),
    "copy_revoked": _("journal_action_copy_revoked", default="Thu hồi bản sao"),
}

DETAILS = {
    "batch": _("journal_detail_batch", default="Lô số hóa"),
    "signer": _("journal_detail_signer", default="Người ký"),
    "signers": _("journal_detail_signers", default="Những người ký"),
    "signed_at": _("journal_detail_signed_at", default="Thời gian ký"),
    "level": _("journal_detail_level", default="Mức chữ ký"),
    "status": _("journal_detail_status", default="Kết quả"),
    "signatures": _("journal_detail_signatures", default="Số chữ ký"),
    "kind": _("journal_detail_kind", default="Loại"),
    "package": _("journal_detail_package", default="Mã gói"),
    "transport": _("journal_detail_transport", default="Cách đóng gói"),
    "records": _("journal_detail_records", default="Số tài liệu"),
    "copy": _("journal_detail_copy", default="Số bản sao"),
}


@implementer(IJournalLabels)
class DigitizationJournalLabels:
    actions = ACTIONS
    details = DETAILS
