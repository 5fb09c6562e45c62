"""Downloads of a record's files: masters for staff, every download journaled."""

from plone import api
from Products.Five.browser import BrowserView
from vnarchive.content import journal as kinds
from vnarchive.content.files import IRecordFiles
from vnarchive.content.files import MASTER
from vnarchive.policy.journal import record
from vnarchive.policy.permissions import DOWNLOAD_MASTERS
from zExceptions import NotFound
from zExceptions import Unauthorized
from ZODB.blob import BlobError
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
from ZPublisher.Iterators import filestream_iterator


@implementer(IPublishTraverse)
class RecordFileDownload(BrowserView):
    """/record/@@record-file/<name>"""

    name = None

    def publishTraverse(self, request, name):
        if self.name is None:
            self.name = name
            return self
        raise NotFound(name)

    def __call__(self):
        item = IRecordFiles(self.context).get(self.name) if self.name else None
        if item is None:
            raise NotFound(self.name)
        if item.role == MASTER and not api.user.has_permission(
            DOWNLOAD_MASTERS, obj=self.context
        ):
            raise Unauthorized(self.name)
        record(self.context, kinds.DOWNLOAD, file=item.name, sha256=item.sha256)
        response = self.request.response
        response.setHeader("Content-Type", item.content_type)
        response.setHeader("Content-Length", str(item.size))
        response.setHeader(
            "Content-Disposition", f"attachment; filename*=UTF-8''{_quote(item.name)}"
        )
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        try:
            return filestream_iterator(item.blob.committed(), "rb")
        except BlobError:  # written in this very transaction
            return item.read()


def _quote(name):
    from urllib.parse import quote

    return quote(name, safe="")
