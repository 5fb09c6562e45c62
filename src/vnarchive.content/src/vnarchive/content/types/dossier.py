"""Hồ sơ: the unit of description and of the code people cite."""

from plone.autoform import directives
from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.coding import check_dossier_code_free
from vnarchive.content.fields import CodeLine
from vnarchive.content.identifiers import check_dossier_number
from vnarchive.content.identifiers import check_paper_file_code
from vnarchive.content.identifiers import check_year
from vnarchive.content.interfaces import IDossierRecord
from vnarchive.content.traversal import RecordContainer
from z3c.form.interfaces import IEditForm
from zope import schema
from zope.interface import implementer
from zope.interface import invariant


class IDossier(model.Schema, IDossierRecord):
    title = schema.TextLine(
        title=_("label_dossier_title", default="Tiêu đề hồ sơ"),
        required=True,
        max_length=1000,
    )

    fileYear = schema.Int(
        title=_("label_file_year", default="Năm hình thành hồ sơ"),
        required=True,
        constraint=check_year,
    )

    fileNumber = CodeLine(
        title=_("label_file_number", default="Số và ký hiệu hồ sơ"),
        description=_(
            "help_file_number",
            default="Theo danh mục hồ sơ, ví dụ 01.TH. Mã hồ sơ = mã cơ quan . năm . "
            "số và ký hiệu; không sửa được sau khi hồ sơ rời khâu chỉnh lý.",
        ),
        required=True,
        max_length=30,
        check=check_dossier_number,
    )

    directives.omitted("fileCode")
    directives.no_omit(IEditForm, "fileCode")
    fileCode = schema.TextLine(
        title=_("label_file_code", default="Mã hồ sơ"),
        readonly=True,
        required=False,
    )

    paperFileCode = CodeLine(
        title=_("label_paper_file_code", default="Mã hồ sơ gốc giấy"),
        description=_(
            "help_paper_file_code",
            default="Bắt buộc với hồ sơ số hóa: mã-lưu-trữ.kho/giá/hộp.số-hồ-sơ.",
        ),
        required=False,
        max_length=100,
        uppercase=False,
        check=check_paper_file_code,
    )

    totalDoc = schema.Int(
        title=_("label_total_doc_in_dossier", default="Tổng số tài liệu trong hồ sơ"),
        required=False,
        min=0,
    )

    @invariant
    def dossier_code_free(data):
        check_dossier_code_free(
            getattr(data, "__context__", None), data.fileYear, data.fileNumber
        )


@implementer(IDossier)
class Dossier(RecordContainer):
    fileCode = None

    def name_source(self):
        return f"{self.fileYear}.{self.fileNumber}"
