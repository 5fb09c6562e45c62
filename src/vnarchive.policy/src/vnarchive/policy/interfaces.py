from zope.interface import Attribute
from zope.interface import Interface
from zope.interface.interfaces import IObjectEvent
from zope.publisher.interfaces.browser import IDefaultBrowserLayer
from zope.viewlet.interfaces import IViewletManager


class IVnarchivePolicyLayer(IDefaultBrowserLayer):
    """Browser layer of the vnarchive site policy."""


class IPublicationCheck(Interface):
    """Why a record may not be published yet: a subscription adapter of the record.

    The publish guard (workflow/guards.py `may_publish`) asks every one registered
    for the record, and the record page lists their reasons. Add-ons register their
    own rules this way (the core never imports an add-on); a check of an add-on that
    is not installed in the site returns no reason.
    """

    def reasons():
        """i18n Messages saying what has to happen before publication; empty if none."""


class IMasterFileAdded(IObjectEvent):
    """A master file was added to a record (`files.add_master_file`: forms, REST, importers).

    Fired after the master is stored, in the transaction that stores it. Add-ons
    subscribe to process the new masters (the digitization add-on OCRs them); the core
    does not know them.
    """

    name = Attribute("The master's name in the record's files")
    sha256 = Attribute("The SHA-256 of the master, hex")
    process = Attribute(
        "False for a master add-ons are not to process (the demo's stand-in scans)"
    )


class IRecordSections(IViewletManager):
    """The sections add-ons add to the record page (`vnarchive.record.sections`).

    The record page (`@@view` of a record) renders this viewlet manager after the record's
    files, before its contents; an add-on registers a viewlet for it (for its browser
    layer, with the permission its section needs) to show a section of its own without
    the core knowing it. The page itself is View-protected, and the trust guard has
    already stopped anyone who may not View the record.
    """


class IJournalLabels(Interface):
    """How the journal page names an add-on's journal entries (a named utility).

    `actions`: {action id: message}; `details`: {detail key: message}. The core's own
    labels come first; an add-on names only the actions and details it writes."""

    actions = Attribute("{action id: i18n message}")
    details = Attribute("{detail key: i18n message}")
