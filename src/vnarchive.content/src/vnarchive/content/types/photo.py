"""Ảnh, phim âm bản: a photograph or negative with its event, place and maker."""

from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.behaviors.dating import DATE_HELP
from vnarchive.content.fields import PartialDateLine
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.traversal import RecordItem
from zope import schema
from zope.interface import implementer


class IPhotoRecord(model.Schema, IFileRecord):
    title = schema.TextLine(
        title=_("label_photo_title", default="Tiêu đề ảnh"),
        required=True,
        max_length=1000,
    )

    photoKind = schema.Choice(
        title=_("label_photo_kind", default="Loại"),
        vocabulary="vnarchive.vocabularies.photo_kind",
        required=False,
    )

    archivesNumber = schema.TextLine(
        title=_("label_archives_number", default="Số lưu trữ"),
        required=False,
        max_length=30,
    )

    eventName = schema.TextLine(
        title=_("label_event_name", default="Tên sự kiện"),
        required=False,
        max_length=500,
    )

    photographer = schema.TextLine(
        title=_("label_photographer", default="Tác giả"),
        required=False,
        max_length=200,
    )

    place = schema.TextLine(
        title=_("label_place", default="Địa điểm"), required=False, max_length=300
    )

    dateTaken = PartialDateLine(
        title=_("label_date_taken", default="Thời gian chụp"),
        description=DATE_HELP,
        required=False,
    )

    colour = schema.Choice(
        title=_("label_colour", default="Màu sắc"),
        vocabulary="vnarchive.vocabularies.photo_colour",
        required=False,
    )

    filmSize = schema.TextLine(
        title=_("label_film_size", default="Cỡ phim, ảnh"),
        required=False,
        max_length=30,
    )


@implementer(IPhotoRecord)
class PhotoRecord(RecordItem):
    def name_source(self):
        return None  # named by ordinal: see naming.DossierNameChooser
