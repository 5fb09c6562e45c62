"""Groups that carry the archive's roles, so that staff are managed by group."""

from plone import api
from plone.base.interfaces import INonInstallable
from vnarchive.policy import _
from zope.i18n import translate
from zope.interface import implementer


# group id -> (title, global roles)
GROUPS = {
    "archivists": (_("group_archivists", default="Lưu trữ viên"), ["Archivist"]),
    "appraisal-council": (
        _("group_appraisal_council", default="Hội đồng xác định giá trị tài liệu"),
        ["Appraiser"],
    ),
    "archive-heads": (
        _("group_archive_heads", default="Lãnh đạo lưu trữ"),
        ["ArchiveHead"],
    ),
    "curators": (_("group_curators", default="Biên tập triển lãm"), ["Curator"]),
    "readers": (_("group_readers", default="Độc giả"), ["ArchiveReader"]),
}


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["vnarchive.policy:uninstall"]


def post_install(context):
    site = api.portal.get()
    site.setLayout("archive-home")
    for group_id, (title, roles) in GROUPS.items():
        group = api.group.get(groupname=group_id)
        if group is None:
            group = api.group.create(
                groupname=group_id, title=translate(title, target_language="vi")
            )
        api.group.grant_roles(group=group, roles=roles)


def uninstall(context):
    """Give the site back its own front page: ours goes with the add-on."""
    site = api.portal.get()
    if site.getLayout() == "archive-home":
        site.setLayout(site.getDefaultLayout())
