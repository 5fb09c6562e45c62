"""vnarchive.content: the archival content model of vnarchive."""

from zope.i18nmessageid import MessageFactory


PACKAGE_NAME = "vnarchive.content"

_ = MessageFactory("vnarchive")
