"""Information sign and keywords, shared by dossiers and the records inside them."""

from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from zope import schema
from zope.interface import provider


@provider(IFormFieldProvider)
class IClassification(model.Schema):
    inforSign = schema.TextLine(
        title=_("label_infor_sign", default="Ký hiệu thông tin"),
        required=False,
        max_length=30,
    )

    keyword = schema.TextLine(
        title=_("label_keyword", default="Từ khóa"),
        required=False,
        max_length=100,
    )
