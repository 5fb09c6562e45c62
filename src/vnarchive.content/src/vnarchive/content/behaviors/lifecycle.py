"""Life-cycle fields: retention, access mode, reliability and the backup regime."""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.interfaces import IAccessModeGuard
from vnarchive.content.permissions import MODIFY_ACCESS_MODE
from vnarchive.content.permissions import MODIFY_RETENTION
from zope import schema
from zope.interface import invariant
from zope.interface import provider


@provider(IFormFieldProvider)
class ILifecycle(model.Schema):
    model.fieldset(
        "lifecycle",
        label=_("fieldset_lifecycle", default="Vòng đời"),
        fields=[
            "maintenance",
            "mode",
            "confidenceLevel",
            "riskRecovery",
            "riskRecoveryStatus",
        ],
    )

    # Who may change them is decided per state by the site's workflow (vnarchive.policy):
    # forms show them read-only and REST ignores them for anyone else.
    directives.write_permission(maintenance=MODIFY_RETENTION, mode=MODIFY_ACCESS_MODE)
    maintenance = schema.Choice(
        title=_("label_maintenance", default="Thời hạn lưu trữ"),
        description=_(
            "help_maintenance",
            default="Theo bảng thời hạn lưu trữ; tài liệu vĩnh viễn không bao giờ bị hủy.",
        ),
        vocabulary="vnarchive.vocabularies.retention",
        required=False,
    )

    mode = schema.Choice(
        title=_("label_mode", default="Chế độ sử dụng"),
        description=_(
            "help_mode",
            default="Chỉ tài liệu công khai mới được công bố; tài liệu mật không bao giờ "
            "hiển thị cho độc giả hay khách.",
        ),
        vocabulary="vnarchive.vocabularies.access_mode",
        required=False,
    )

    confidenceLevel = schema.Choice(
        title=_("label_confidence_level", default="Mức độ tin cậy"),
        vocabulary="vnarchive.vocabularies.reliability",
        required=False,
    )

    riskRecovery = schema.Bool(
        title=_("label_risk_recovery", default="Chế độ dự phòng"),
        description=_(
            "help_risk_recovery", default="Đã lập bản sao dự phòng hay chưa."
        ),
        required=False,
        default=False,
    )

    riskRecoveryStatus = schema.Choice(
        title=_("label_risk_recovery_status", default="Tình trạng dự phòng"),
        vocabulary="vnarchive.vocabularies.backup_status",
        required=False,
    )

    @invariant
    def access_mode_allowed(data):
        context = getattr(data, "__context__", None)
        guard = IAccessModeGuard(context, None) if context is not None else None
        if guard is not None:
            guard.check(data.mode)

    @invariant
    def backup_status_given(data):
        if data.riskRecovery and not data.riskRecoveryStatus:
            raise ArchivalValidationError(
                _(
                    "error_risk_recovery_status",
                    default="Có chế độ dự phòng thì phải chọn tình trạng dự phòng.",
                )
            )
