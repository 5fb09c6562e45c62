"""Settings of the document viewer (plone.registry, prefix ``vnarchive.viewer``)."""

from vnarchive.digitization import _
from zope import schema
from zope.interface import Interface


class IViewerSettings(Interface):
    """How the viewer's pages are made and shown (documentviewer's global settings)."""

    large_size = schema.Int(
        title=_("viewer_large_size", default="Độ rộng ảnh trang lớn (px)"),
        default=1000,
        min=200,
        max=4000,
    )
    normal_size = schema.Int(
        title=_("viewer_normal_size", default="Độ rộng ảnh trang thường (px)"),
        default=700,
        min=200,
        max=4000,
    )
    thumb_size = schema.Int(
        title=_("viewer_thumb_size", default="Độ rộng ảnh thu nhỏ (px)"),
        default=180,
        min=50,
        max=1000,
    )
    image_format = schema.Choice(
        title=_("viewer_image_format", default="Định dạng ảnh trang"),
        values=("png", "jpg", "gif"),
        default="png",
    )
    height = schema.Int(
        title=_("viewer_height", default="Chiều cao khung xem (px)"),
        default=800,
        min=300,
        max=3000,
    )
    show_sidebar = schema.Bool(
        title=_("viewer_show_sidebar", default="Hiện thanh bên"),
        default=True,
    )
