"""The national code lists (standards summary §3), kept in one place.

Each list is data: a code, the Vietnamese label (the message default) and, where the
rules give one, extra facts (retention years, type abbreviation, Tesseract languages).
Vocabularies, validators, exports and OCR read these lists; nothing else spells a code.
"""

from dataclasses import dataclass
from dataclasses import field
from vnarchive.content import _
from zope.i18nmessageid import Message


@dataclass(frozen=True)
class Code:
    value: str
    label: Message
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: tuple

    def __iter__(self):
        return iter(self.codes)

    def __contains__(self, value):
        return any(code.value == value for code in self.codes)

    def get(self, value):
        for code in self.codes:
            if code.value == value:
                return code
        return None

    def fact(self, value, key, default=None):
        code = self.get(value)
        return code.facts.get(key, default) if code else default


PERMANENT = "01"

RETENTION = CodeList(
    "retention",
    (
        Code("01", _("retention_01", default="Vĩnh viễn"), {"years": None}),
        Code("02", _("retention_02", default="70 năm"), {"years": 70}),
        Code("03", _("retention_03", default="50 năm"), {"years": 50}),
        Code("04", _("retention_04", default="30 năm"), {"years": 30}),
        Code("05", _("retention_05", default="20 năm"), {"years": 20}),
        Code("06", _("retention_06", default="10 năm"), {"years": 10}),
        Code("07", _("retention_07", default="Khác"), {"years": None}),
    ),
)

PUBLIC = "01"
CONDITIONAL = "02"
SECRET = "03"  # noqa: S105 - the access mode code "secret", not a password

ACCESS_MODE = CodeList(
    "access_mode",
    (
        Code(PUBLIC, _("access_mode_01", default="Công khai")),
        Code(CONDITIONAL, _("access_mode_02", default="Sử dụng có điều kiện")),
        Code(SECRET, _("access_mode_03", default="Mật")),
    ),
)

DIGITIZED = "02"

RELIABILITY = CodeList(
    "reliability",
    (
        Code("01", _("reliability_01", default="Bản gốc điện tử")),
        Code(DIGITIZED, _("reliability_02", default="Bản số hóa")),
        Code("03", _("reliability_03", default="Hỗn hợp")),
    ),
)

PHYSICAL_CONDITION = CodeList(
    "physical_condition",
    (
        Code("01", _("physical_condition_01", default="Tốt")),
        Code("02", _("physical_condition_02", default="Bình thường")),
        Code("03", _("physical_condition_03", default="Hư hỏng")),
    ),
)

BACKUP_STATUS = CodeList(
    "backup_status",
    (
        Code("01", _("backup_status_01", default="Đã dự phòng")),
        Code("02", _("backup_status_02", default="Chưa dự phòng")),
    ),
)

FONDS_STATUS = CodeList(
    "fonds_status",
    (
        Code("open", _("fonds_status_open", default="Phông mở")),
        Code("closed", _("fonds_status_closed", default="Phông đóng")),
    ),
)

# "national" is the value written into national packages; "tesseract" the OCR models.
# Lao is "11 other" in the national list; vnarchive needs it as a real language.
LANGUAGE = CodeList(
    "language",
    (
        Code("01", _("language_01", default="Tiếng Việt"), {"tesseract": "vie"}),
        Code("02", _("language_02", default="Tiếng Anh"), {"tesseract": "eng"}),
        Code("03", _("language_03", default="Tiếng Pháp"), {"tesseract": "fra"}),
        Code("04", _("language_04", default="Tiếng Nga"), {"tesseract": "rus"}),
        Code("05", _("language_05", default="Tiếng Trung"), {"tesseract": "chi_sim"}),
        Code("06", _("language_06", default="Việt - Anh"), {"tesseract": "vie+eng"}),
        Code("07", _("language_07", default="Việt - Nga"), {"tesseract": "vie+rus"}),
        Code("08", _("language_08", default="Việt - Pháp"), {"tesseract": "vie+fra"}),
        Code("09", _("language_09", default="Hán Nôm"), {}),
        Code(
            "10", _("language_10", default="Việt - Trung"), {"tesseract": "vie+chi_sim"}
        ),
        Code("11", _("language_11", default="Khác"), {}),
        Code(
            "lo",
            _("language_lo", default="Tiếng Lào"),
            {"tesseract": "lao", "national": "11"},
        ),
    ),
)


def national_language_code(value):
    """The code written into national packages (Lao is exported as 11, other)."""
    return LANGUAGE.fact(value, "national", value)


def _type(value, label, abbreviation=None):
    return Code(value, label, {"abbreviation": abbreviation})


DOCUMENT_TYPE = CodeList(
    "document_type",
    (
        _type("01", _("document_type_01", default="Nghị quyết"), "NQ"),
        _type("02", _("document_type_02", default="Quyết định"), "QĐ"),
        _type("03", _("document_type_03", default="Chỉ thị"), "CT"),
        _type("04", _("document_type_04", default="Quy chế"), "QC"),
        _type("05", _("document_type_05", default="Quy định"), "QyĐ"),
        _type("06", _("document_type_06", default="Thông cáo"), "TC"),
        _type("07", _("document_type_07", default="Thông báo"), "TB"),
        _type("08", _("document_type_08", default="Hướng dẫn"), "HD"),
        _type("09", _("document_type_09", default="Chương trình"), "CTr"),
        _type("10", _("document_type_10", default="Kế hoạch"), "KH"),
        _type("11", _("document_type_11", default="Phương án"), "PA"),
        _type("12", _("document_type_12", default="Đề án"), "ĐA"),
        _type("13", _("document_type_13", default="Dự án"), "DA"),
        _type("14", _("document_type_14", default="Báo cáo"), "BC"),
        _type("15", _("document_type_15", default="Tờ trình"), "TTr"),
        _type("16", _("document_type_16", default="Giấy ủy quyền"), "GUQ"),
        _type("17", _("document_type_17", default="Phiếu gửi"), "PG"),
        _type("18", _("document_type_18", default="Phiếu chuyển"), "PC"),
        _type("19", _("document_type_19", default="Phiếu báo"), "PB"),
        _type("20", _("document_type_20", default="Biên bản"), "BB"),
        _type("21", _("document_type_21", default="Hợp đồng"), "HĐ"),
        _type("22", _("document_type_22", default="Công văn")),
        _type("23", _("document_type_23", default="Công điện"), "CĐ"),
        _type("24", _("document_type_24", default="Bản ghi nhớ"), "BGN"),
        _type("25", _("document_type_25", default="Bản thỏa thuận"), "BTT"),
        _type("26", _("document_type_26", default="Giấy mời"), "GM"),
        _type("27", _("document_type_27", default="Giấy giới thiệu"), "GGT"),
        _type("28", _("document_type_28", default="Giấy nghỉ phép"), "GNP"),
        _type("29", _("document_type_29", default="Thư công")),
        _type("30", _("document_type_30", default="Bản đồ")),
        _type("31", _("document_type_31", default="Bản vẽ kỹ thuật")),
        _type("32", _("document_type_32", default="Khác")),
    ),
)

PHOTO_KIND = CodeList(
    "photo_kind",
    (
        Code("01", _("photo_kind_01", default="Phim âm bản")),
        Code("02", _("photo_kind_02", default="Ảnh")),
    ),
)

PHOTO_COLOUR = CodeList(
    "photo_colour",
    (
        Code("01", _("photo_colour_01", default="Màu")),
        Code("02", _("photo_colour_02", default="Đen trắng")),
    ),
)

AV_KIND = CodeList(
    "av_kind",
    (
        Code("01", _("av_kind_01", default="Ghi âm")),
        Code("02", _("av_kind_02", default="Ghi hình")),
    ),
)

ALL = (
    RETENTION,
    ACCESS_MODE,
    RELIABILITY,
    PHYSICAL_CONDITION,
    BACKUP_STATUS,
    FONDS_STATUS,
    LANGUAGE,
    DOCUMENT_TYPE,
    PHOTO_KIND,
    PHOTO_COLOUR,
    AV_KIND,
)
