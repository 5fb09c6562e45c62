"""Codes of a record inside a dossier: ordinal, document id and archival code."""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.coding import check_record_ordinal_free
from vnarchive.content.identifiers import check_ordinal
from vnarchive.content.interfaces import IHasRecordCodes
from z3c.form.interfaces import IEditForm
from zope import schema
from zope.interface import invariant
from zope.interface import provider


@provider(IFormFieldProvider)
class IRecordCodes(model.Schema, IHasRecordCodes):
    model.fieldset(
        "codes",
        label=_("fieldset_codes", default="Mã"),
        fields=["docOrdinal", "docId", "docCode"],
    )

    docOrdinal = schema.Int(
        title=_("label_doc_ordinal", default="Số thứ tự trong hồ sơ"),
        description=_(
            "help_doc_ordinal",
            default="Để trống thì hệ thống cấp số tiếp theo trong hồ sơ. "
            "Không sửa được sau khi tài liệu rời khâu chỉnh lý.",
        ),
        required=False,
        constraint=check_ordinal,
    )

    directives.omitted("docId", "docCode")
    directives.no_omit(IEditForm, "docId", "docCode")
    docId = schema.TextLine(
        title=_("label_doc_id", default="Mã định danh tài liệu"),
        readonly=True,
        required=False,
    )

    docCode = schema.TextLine(
        title=_("label_doc_code", default="Mã lưu trữ tài liệu"),
        readonly=True,
        required=False,
    )

    @invariant
    def ordinal_free(data):
        check_record_ordinal_free(getattr(data, "__context__", None), data.docOrdinal)
