"""Tài liệu / văn bản: one document, however many pages it has."""

from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content import codelists
from vnarchive.content.behaviors.dating import DATE_HELP
from vnarchive.content.fields import CodeLine
from vnarchive.content.fields import language_codes_field
from vnarchive.content.fields import notes_field
from vnarchive.content.fields import PartialDateLine
from vnarchive.content.identifiers import check_code_notation
from vnarchive.content.identifiers import check_code_number
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.traversal import RecordItem
from zope import schema
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import implementer


class IArchivalDocument(model.Schema, IFileRecord):
    title = schema.TextLine(
        title=_("label_document_title", default="Tiêu đề"),
        description=_(
            "help_document_title",
            default="Để trống thì dùng tên loại, số, ký hiệu và trích yếu.",
        ),
        required=False,
        max_length=1000,
    )

    typeName = schema.Choice(
        title=_("label_type_name", default="Tên loại tài liệu"),
        vocabulary="vnarchive.vocabularies.document_type",
        required=False,
    )

    codeNumber = CodeLine(
        title=_("label_code_number", default="Số của tài liệu"),
        required=False,
        max_length=11,
        uppercase=False,
        check=check_code_number,
    )

    codeNotation = CodeLine(
        title=_("label_code_notation", default="Ký hiệu của tài liệu"),
        description=_("help_code_notation", default="Ví dụ QĐ-UBND."),
        required=False,
        max_length=30,
        uppercase=False,
        check=check_code_notation,
    )

    issuedDate = PartialDateLine(
        title=_("label_issued_date", default="Ngày tháng năm tài liệu"),
        description=DATE_HELP,
        required=False,
    )

    organName = schema.TextLine(
        title=_("label_organ_name", default="Cơ quan, tổ chức, cá nhân ban hành"),
        required=False,
        max_length=200,
    )

    subjectText = schema.Text(
        title=_("label_subject", default="Trích yếu nội dung"),
        required=True,
        max_length=500,
    )

    languageCode = language_codes_field()

    autograph = schema.Text(
        title=_("label_autograph", default="Bút tích"),
        description=_(
            "help_autograph", default="Bút tích, ý kiến chỉ đạo viết tay của lãnh đạo."
        ),
        required=False,
        max_length=2000,
    )

    process = schema.Bool(
        title=_("label_process", default="Có quy trình xử lý kèm theo"),
        required=False,
        default=False,
    )

    description = notes_field(max_length=500)


def number_and_symbol(number, notation):
    """'123/QĐ-UBND', the way documents are cited (Decree 30)."""
    return "/".join(part for part in (number, notation) if part)


@implementer(IArchivalDocument)
class ArchivalDocument(RecordItem):
    title = ""

    def composed_title(self):
        """Type, number-and-symbol and abstract, for documents given no title."""
        code = codelists.DOCUMENT_TYPE.get(self.typeName)
        kind = translate(code.label, context=getRequest()) if code else ""
        subject = " ".join((self.subjectText or "").split())
        if kind and subject.lower().startswith(kind.lower()):
            kind = ""  # "Báo cáo 12/BC-UBND: Báo cáo tổng kết…" says it twice
        head = " ".join(
            part
            for part in (kind, number_and_symbol(self.codeNumber, self.codeNotation))
            if part
        )
        return f"{head}: {subject}" if head else subject

    def refresh_title(self):
        """Keep a composed title up to date; a title people typed is left alone."""
        if not self.title or self.title == getattr(self, "_composed_title", None):
            self.title = self._composed_title = self.composed_title()

    def Title(self):
        return self.title or self.composed_title()

    def name_source(self):
        return None  # named by ordinal: see naming.DossierNameChooser
