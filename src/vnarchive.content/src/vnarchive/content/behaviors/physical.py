"""Physical description: condition, sheets and pages."""

from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from zope import schema
from zope.interface import provider


@provider(IFormFieldProvider)
class IPhysicalDescription(model.Schema):
    model.fieldset(
        "physical",
        label=_("fieldset_physical", default="Mô tả vật lý"),
        fields=["formatCode", "numberOfPaper", "numberOfPage"],
    )

    formatCode = schema.Choice(
        title=_("label_format", default="Tình trạng vật lý"),
        vocabulary="vnarchive.vocabularies.physical_condition",
        required=False,
    )

    numberOfPaper = schema.Int(
        title=_("label_number_of_paper", default="Số lượng tờ"),
        description=_(
            "help_number_of_paper", default="Chỉ với tài liệu giấy được số hóa."
        ),
        required=False,
        min=0,
    )

    numberOfPage = schema.Int(
        title=_("label_number_of_page", default="Số lượng trang"),
        required=False,
        min=0,
    )
