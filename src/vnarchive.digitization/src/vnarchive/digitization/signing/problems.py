"""Why a signature is not valid, in a short Vietnamese sentence (`SignatureReport.problem`).

The sentences are i18n messages of the "vnarchive" domain like every text for people;
the report keeps their Vietnamese text (the archive's own language), as stored reasons do.
"""

from vnarchive.content.errors import message_text
from vnarchive.digitization import _
from zope.i18nmessageid import Message


_PROBLEMS = {
    "modified": _(
        "signature_problem_modified",
        default="Nội dung đã ký bị thay đổi: chữ ký không còn khớp với tài liệu.",
    ),
    "signature": _(
        "signature_problem_signature",
        default="Giá trị chữ ký số không đúng hoặc dùng thuật toán không được chấp nhận.",
    ),
    "not_whole": _(
        "signature_problem_not_whole",
        default="Tài liệu bị sửa đổi sau khi ký (phần thêm vào không phải chữ ký, dấu "
        "thời gian hay dữ liệu kiểm tra chữ ký).",
    ),
    "malformed": _(
        "signature_problem_malformed",
        default="Chữ ký số bị hỏng hoặc có cấu trúc không đọc được (${detail}).",
    ),
    "no_anchors": _(
        "signature_problem_no_anchors",
        default="Chưa cấu hình chứng thư gốc tin cậy nên chưa xác định được người ký.",
    ),
    "untrusted": _(
        "signature_problem_untrusted",
        default="Chứng thư số của người ký không dẫn tới chứng thư gốc tin cậy nào đã "
        "cấu hình.",
    ),
    "revoked": _(
        "signature_problem_revoked",
        default="Chứng thư số của người ký (hoặc của cơ quan cấp) đã bị thu hồi "
        "ngày ${date}.",
    ),
    "expired": _(
        "signature_problem_expired",
        default="Chứng thư số của người ký không còn hiệu lực (hết hạn ngày ${date}) và "
        "không có dấu thời gian chứng minh chữ ký được tạo trước đó.",
    ),
    "revocation": _(
        "signature_problem_revocation",
        default="Không có dữ liệu thu hồi còn hiệu lực để kiểm tra chứng thư số của "
        "người ký; hãy cập nhật thư mục danh sách thu hồi.",
    ),
    "certificate": _(
        "signature_problem_certificate",
        default="Không xác nhận được chứng thư số của người ký (${detail}).",
    ),
}


def problem(kind, detail="", **mapping):
    """The Vietnamese sentence for problem `kind`."""
    mapping = {"detail": str(detail)[:200], **mapping}
    return message_text(Message(_PROBLEMS[kind], mapping=mapping))


def trust_problem(found, status):
    """Why the signer of `status` (a `PdfSignatureStatus`) is not trusted: `found` is
    the `CertificateProblem` of the signer's certificate, None when a check of the
    certificate alone found nothing (then pyHanko's indication is named)."""
    if found is None:
        indication = getattr(status.trust_problem_indic, "name", None) or "?"
        return problem("certificate", detail=indication.replace("_", " ").lower())
    if found.kind == "revoked":
        return problem("revoked", date=found.revoked_on)
    if found.kind == "expired":
        return problem("expired", date=found.valid_until)
    return problem(found.kind, detail=found.detail)
