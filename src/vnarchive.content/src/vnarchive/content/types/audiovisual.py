"""Ghi âm, ghi hình: a sound or video recording."""

from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.behaviors.dating import DATE_HELP
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.fields import PartialDateLine
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.traversal import RecordItem
from zope import schema
from zope.interface import implementer

import re


PLAY_TIME = re.compile(r"^\d{1,3}:[0-5]\d(:[0-5]\d)?$")


def check_play_time(value):
    if not PLAY_TIME.match(value):
        raise ArchivalValidationError(
            _(
                "error_play_time",
                default="Thời lượng “${value}” phải có dạng giờ:phút:giây, ví dụ 01:25:30.",
                mapping={"value": value},
            )
        )
    return True


class IAudioVisualRecord(model.Schema, IFileRecord):
    title = schema.TextLine(
        title=_("label_av_title", default="Tiêu đề"), required=True, max_length=1000
    )

    avKind = schema.Choice(
        title=_("label_av_kind", default="Loại"),
        vocabulary="vnarchive.vocabularies.av_kind",
        required=False,
    )

    eventName = schema.TextLine(
        title=_("label_event_name", default="Tên sự kiện"),
        required=False,
        max_length=500,
    )

    recorder = schema.TextLine(
        title=_("label_recorder", default="Người thực hiện"),
        required=False,
        max_length=200,
    )

    place = schema.TextLine(
        title=_("label_place", default="Địa điểm"), required=False, max_length=300
    )

    recordedDate = PartialDateLine(
        title=_("label_recorded_date", default="Thời gian ghi"),
        description=DATE_HELP,
        required=False,
    )

    playTime = schema.TextLine(
        title=_("label_play_time", default="Thời lượng"),
        required=False,
        max_length=9,
        constraint=check_play_time,
    )

    quality = schema.TextLine(
        title=_("label_quality", default="Chất lượng"), required=False, max_length=100
    )


@implementer(IAudioVisualRecord)
class AudioVisualRecord(RecordItem):
    def name_source(self):
        return None  # named by ordinal: see naming.DossierNameChooser
