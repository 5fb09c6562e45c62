"""Marker interfaces of the archival content model."""

from zope.interface import Interface


class IArchivalRecord(Interface):
    """Any record the archive describes: fonds, dossier, document, photo, audio/video.

    The record workflow, the journal and the access rules apply to these.
    """


class IFileRecord(IArchivalRecord):
    """A record that keeps files: master scans or originals, derivatives, page data."""


class IVnarchiveContentLayer(Interface):
    """Browser layer of vnarchive.content."""


class IAccessModeGuard(Interface):
    """The site policy's say on changing a record's access mode (adapter of a record)."""

    def check(mode):
        """Raise an ArchivalValidationError when `mode` may not be set now."""
