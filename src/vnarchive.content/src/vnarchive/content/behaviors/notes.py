"""Ghi chú: the national `description` element, of the length each level allows.

Records (documents, photos, audio/video) allow 500 characters; fonds and dossiers 2000.
Both store the text on the object as `description`, as when each type declared it.
"""

from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from vnarchive.content import _
from zope import schema
from zope.interface import provider


@provider(IFormFieldProvider)
class INotes(model.Schema):
    description = schema.Text(
        title=_("label_notes", default="Ghi chú"), required=False, max_length=500
    )


@provider(IFormFieldProvider)
class IContainerNotes(model.Schema):
    description = schema.Text(
        title=_("label_notes", default="Ghi chú"),
        description=_(
            "help_container_notes",
            default="Với hồ sơ, ghi cả tên người lập hồ sơ.",
        ),
        required=False,
        max_length=2000,
    )
