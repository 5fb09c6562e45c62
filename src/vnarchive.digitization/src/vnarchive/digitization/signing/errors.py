"""What went wrong with a signature, for people: `SigningError` and its messages.

Every refusal of `sign_pdf` and `verify_pdf` is a `SigningError` whose `.code` says why and
whose `.doc()` is an i18n message (domain "vnarchive", Vietnamese default) that says what to
do next. `str()` of the error is that text in Vietnamese, for logs and stored reasons.
"""

from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.errors import message_text
from vnarchive.digitization import _
from zope.i18nmessageid import Message


_MESSAGES = {
    "not_configured": _(
        "signing_error_not_configured",
        default="Chưa cấu hình chữ ký số của cơ quan lưu trữ: thiếu ${missing}. Hãy "
        "đặt các biến VNARCHIVE_SIGNING_… như hướng dẫn trong docs/signatures.md.",
    ),
    "corrupt": _(
        "signing_error_corrupt",
        default="Tệp PDF bị hỏng hoặc không đọc được nên không thể ký hay kiểm tra "
        "chữ ký (${detail}). Hãy tạo lại bản PDF/A rồi thử lại.",
    ),
    "encrypted": _(
        "signing_error_encrypted",
        default="Tệp PDF được mã hóa hoặc đặt mật khẩu. Tài liệu lưu trữ không được "
        "mã hóa: hãy tạo lại bản PDF/A không mã hóa rồi ký.",
    ),
    "file": _(
        "signing_error_file",
        default="Không đọc được tệp ${file} của cấu hình chữ ký số (${detail}). Hãy "
        "kiểm tra đường dẫn và quyền đọc tệp.",
    ),
    "passphrase": _(
        "signing_error_passphrase",
        default="Không mở được tệp chứng thư số ${file}: mật khẩu sai hoặc tệp không "
        "phải PKCS#12. Hãy kiểm tra tệp mật khẩu ${secret}.",
    ),
    "module": _(
        "signing_error_module",
        default="Không nạp được thư viện PKCS#11 ${module} (${detail}). Hãy cài phần "
        "mềm của thiết bị ký số (token) hoặc sửa đường dẫn thư viện.",
    ),
    "token_missing": _(
        "signing_error_token_missing",
        default="Không tìm thấy thiết bị ký số (token) “${token}”. Hãy cắm token USB "
        "và kiểm tra tên token đã cấu hình.",
    ),
    "pin": _(
        "signing_error_pin",
        default="Mã PIN của thiết bị ký số “${token}” không đúng hoặc token đã bị khóa. "
        "Hãy kiểm tra tệp mã PIN ${secret}; nhập sai nhiều lần sẽ khóa token.",
    ),
    "key_missing": _(
        "signing_error_key_missing",
        default="Không tìm thấy khóa ký hoặc chứng thư số “${key}” trên thiết bị ký "
        "số “${token}”. Hãy kiểm tra nhãn khóa đã cấu hình.",
    ),
    "expired": _(
        "signing_error_expired",
        default="Chứng thư số “${subject}” không còn hiệu lực vào thời điểm ký "
        "(hiệu lực từ ${valid_from} đến ${valid_until}). Hãy gia hạn hoặc xin cấp "
        "chứng thư số mới rồi ký lại.",
    ),
    "revoked": _(
        "signing_error_revoked",
        default="Chứng thư số “${subject}” hoặc chứng thư cấp trên của nó đã bị thu "
        "hồi (${date}). Không thể ký bằng chứng thư này: hãy xin cấp chứng thư mới.",
    ),
    "untrusted": _(
        "signing_error_untrusted",
        default="Chứng thư số “${subject}” không dẫn tới chứng thư gốc tin cậy nào đã "
        "cấu hình. Hãy kiểm tra thư mục chứng thư gốc và các chứng thư trung gian.",
    ),
    "revocation": _(
        "signing_error_revocation",
        default="Không có dữ liệu thu hồi (CRL/OCSP) còn hiệu lực cho chứng thư số "
        "“${subject}”. Hãy cập nhật thư mục danh sách thu hồi rồi ký lại.",
    ),
    "certificate": _(
        "signing_error_certificate",
        default="Chứng thư số “${subject}” không dùng được để ký tài liệu lưu trữ "
        "(${detail}). Cần chứng thư có mục đích chống chối bỏ (nonRepudiation).",
    ),
    "timestamp": _(
        "signing_error_timestamp",
        default="Không lấy được dấu thời gian từ máy chủ ${url} (${detail}). Hãy kiểm "
        "tra máy chủ cấp dấu thời gian rồi ký lại.",
    ),
    "font": _(
        "signing_error_font",
        default="Không tìm thấy phông chữ Liberation Serif để hiển thị chữ ký. Hãy "
        "cài gói Debian fonts-liberation2.",
    ),
    "font_letters": _(
        "signing_error_font_letters",
        default="Phông chữ Liberation Serif không có các chữ “${missing}” trong tên cơ "
        "quan cần in trên chữ ký. Hãy sửa tên cơ quan trong cấu hình chữ ký số "
        "(VNARCHIVE_SIGNING_AGENCY).",
    ),
    "seal": _(
        "signing_error_seal",
        default="Chưa cấu hình hình con dấu của cơ quan lưu trữ (${missing}: đường dẫn "
        "tệp PNG của con dấu) nên chưa thể cấp bản sao chứng thực. Hãy đặt biến này "
        "cho các tiến trình web và xử lý nền như hướng dẫn trong docs/copies.md.",
    ),
    "seal_file": _(
        "signing_error_seal_file",
        default="Không dùng được tệp hình con dấu ${file} (${detail}). Hình con dấu "
        "phải là tệp PNG đọc được, nền trong suốt.",
    ),
    "failed": _(
        "signing_error_failed",
        default="Không ký được tệp (${detail}). Tệp gốc không bị thay đổi; hãy thử "
        "lại hoặc báo cho quản trị hệ thống.",
    ),
}
CODES = tuple(_MESSAGES)


class SigningError(ArchivalValidationError):
    """A file that cannot be signed or checked, or a signing set-up that does not work."""

    def __init__(self, code, **mapping):
        if code not in _MESSAGES:
            raise ValueError(f"unknown signing problem {code!r}")
        self.code = code
        self.mapping = {key: str(value) for key, value in mapping.items()}
        super().__init__(Message(_MESSAGES[code], mapping=self.mapping))

    def __str__(self):
        # Logs and stored reasons read the text, in the archive's own language.
        return message_text(self.message)

    def __reduce__(self):
        # picklable (worker processes hand errors back)
        return (_rebuild_error, (self.code, self.mapping))


def _rebuild_error(code, mapping):
    return SigningError(code, **mapping)
