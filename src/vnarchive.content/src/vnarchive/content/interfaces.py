"""Marker interfaces of the archival content model."""

from zope.interface import Interface


class IArchivalRecord(Interface):
    """Any record the archive describes: fonds, dossier, document, photo, audio/video.

    The record workflow, the journal and the access rules apply to these.
    """


class IFileRecord(IArchivalRecord):
    """A record that keeps files: master scans or originals, derivatives, page data."""


class IFondsRecord(IArchivalRecord):
    """A fonds (phông): the schema `vnarchive.content.types.fonds.IFonds` extends this."""


class IDossierRecord(IArchivalRecord):
    """A dossier (hồ sơ): the schema `vnarchive.content.types.dossier.IDossier` extends this."""


class IHasRecordCodes(Interface):
    """A record numbered inside its dossier (ordinal, document id, archival code).

    The behavior schema `vnarchive.content.behaviors.record_codes.IRecordCodes` extends
    this, so every record with that behavior provides it.
    """


class IVnarchiveContentLayer(Interface):
    """Browser layer of vnarchive.content."""


class IAccessModeGuard(Interface):
    """The site policy's say on changing a record's access mode (adapter of a record)."""

    def check(mode):
        """Raise an ArchivalValidationError when `mode` may not be set now."""


class IWriteGuard(Interface):
    """The site policy's say on changing a record at all (adapter of a record).

    The shared write functions of the content model (files, pages) ask it before they
    write anything; the policy refuses records that are closed (destroyed, transferred).
    """

    def check(action):
        """Raise an ArchivalValidationError when `action` may not change the record now."""
