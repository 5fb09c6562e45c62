"""Start and end dates that may be a day, a month or only a year."""

from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.dates import check_date_order
from vnarchive.content.fields import PartialDateLine
from zope.interface import invariant
from zope.interface import provider


DATE_HELP = _(
    "help_partial_date",
    default="NN/TT/NNNN, TT/NNNN hoặc chỉ năm NNNN (ví dụ 05/09/1962, 09/1962, 1962).",
)


@provider(IFormFieldProvider)
class IDateRange(model.Schema):
    startDate = PartialDateLine(
        title=_("label_start_date", default="Thời gian bắt đầu"),
        description=DATE_HELP,
        required=False,
    )

    endDate = PartialDateLine(
        title=_("label_end_date", default="Thời gian kết thúc"),
        description=DATE_HELP,
        required=False,
    )

    @invariant
    def start_not_after_end(data):
        check_date_order(data.startDate, data.endDate)
