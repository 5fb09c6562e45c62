"""vnarchive.content: the archival content model of vnarchive."""

from zope.i18nmessageid import MessageFactory


__version__ = "1.0.0.dev0"

PACKAGE_NAME = "vnarchive.content"

_ = MessageFactory("vnarchive")
