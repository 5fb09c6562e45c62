"""Phông lưu trữ: the records of one creating body, the top of the holdings."""

from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.coding import check_fonds_code_free
from vnarchive.content.fields import CodeLine
from vnarchive.content.identifiers import check_agency_code
from vnarchive.content.identifiers import check_fonds_code
from vnarchive.content.interfaces import IFondsRecord
from vnarchive.content.traversal import RecordContainer
from zope import schema
from zope.interface import implementer
from zope.interface import invariant


class IFonds(model.Schema, IFondsRecord):
    title = schema.TextLine(
        title=_("label_fonds_name", default="Tên phông"),
        required=True,
        max_length=200,
    )

    fondsCode = CodeLine(
        title=_("label_fonds_code", default="Mã phông/công trình/sưu tập"),
        description=_(
            "help_fonds_code",
            default="Tối đa 13 ký tự, duy nhất. Không sửa được sau khi phông rời khâu "
            "chỉnh lý.",
        ),
        required=True,
        max_length=13,
        check=check_fonds_code,
    )

    agencyCode = CodeLine(
        title=_("label_agency_code", default="Mã định danh cơ quan"),
        description=_(
            "help_agency_code",
            default="Mã định danh của cơ quan hình thành phông, ví dụ 000.06.16.G09. "
            "Là phần đầu của mã hồ sơ; phông đóng không có mã này thì dùng mã phông.",
        ),
        required=False,
        max_length=13,
        check=check_agency_code,
    )

    fondsStatus = schema.Choice(
        title=_("label_fonds_status", default="Trạng thái"),
        vocabulary="vnarchive.vocabularies.fonds_status",
        required=False,
        default="open",
    )

    history = schema.Text(
        title=_("label_fonds_history", default="Lịch sử đơn vị hình thành phông"),
        required=False,
    )

    totalDoc = schema.Int(
        title=_("label_total_doc", default="Tổng số tài liệu"), required=False, min=0
    )

    totalPaper = schema.Int(
        title=_("label_total_paper", default="Tổng số tài liệu giấy"),
        required=False,
        min=0,
    )

    totalPaperDigitized = schema.Int(
        title=_("label_total_paper_digitized", default="Số tài liệu giấy đã số hóa"),
        required=False,
        min=0,
    )

    classificationScheme = schema.Text(
        title=_(
            "label_classification_scheme",
            default="Phương án phân loại, các nhóm tài liệu chủ yếu",
        ),
        required=False,
    )

    @invariant
    def fonds_code_free(data):
        check_fonds_code_free(
            getattr(data, "__context__", None), data.fondsCode, data.agencyCode
        )


@implementer(IFonds)
class Fonds(RecordContainer):
    def name_source(self):
        return self.fondsCode
