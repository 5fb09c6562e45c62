"""The viewer's pages: the viewer, its page images and texts, its in-document search.

documentviewer serves its files from the navigation root by UID (``@@dvpdffiles``, looked up
unrestricted) and its search and page on Plone's File type, behind its own browser layer,
which this site does not install. For records everything is a view of the record itself,
registered with the permission to View the record, so the page, every page image,
thumbnail, text and search answer follow the record's own access rules (the workflow).
Files are served only while the record has its PDF/A.
"""

from DateTime import DateTime
from plone import api
from plone.base.interfaces.resources import IBundleRegistry
from plone.registry.interfaces import IRegistry
from Products.CMFPlone.resources import add_bundle_on_request
from Products.Five.browser import BrowserView
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization import _
from vnarchive.digitization.viewer.converter import viewer_settings
from vnarchive.digitization.viewer.storage import fold
from vnarchive.digitization.viewer.storage import pdfa_of
from vnarchive.digitization.viewer.storage import SIZES
from vnarchive.digitization.viewer.storage import TEXT
from vnarchive.digitization.viewer.storage import viewer_data
from vnarchive.policy.journal import record_view
from vnarchive.policy.serializer import file_url
from zExceptions import NotFound
from zExceptions import Unauthorized
from ZODB.blob import BlobError
from zope.component import queryUtility
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
from ZPublisher.Iterators import filestream_iterator

import json
import os
import re


# Loaded only on the viewer page (add_bundle_on_request); the registry keeps bundles in
# name order and bundles loaded on request cannot depend on each other, hence the numbers.
BUNDLES = (
    "vnarchive-viewer-1-documentcloud",
    "vnarchive-viewer-2-templates",
    "vnarchive-viewer-3-start",
)
FILES_VIEW = "documentviewer-files"
PAGE_FILE = re.compile(r"^dump_([1-9][0-9]{0,5})\.(png|jpg|gif|txt)$")
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "txt": "text/plain; charset=utf-8",
}

READY = "ready"
NO_PDFA = "no-pdfa"
PENDING = "pending"
FAILED = "failed"

MESSAGES = {
    NO_PDFA: _(
        "viewer_no_pdfa",
        default="Tài liệu này chưa có bản PDF/A nên chưa xem trực tuyến được. Bản PDF/A "
        "được tạo sau khi các trang đã được số hóa và nhận dạng chữ; vui lòng quay lại sau.",
    ),
    PENDING: _(
        "viewer_pending",
        default="Trang xem của tài liệu đang được chuẩn bị từ bản PDF/A; vui lòng quay "
        "lại sau ít phút.",
    ),
    FAILED: _(
        "viewer_failed",
        default="Chưa tạo được trang xem của tài liệu từ bản PDF/A. Người quản trị đã "
        "được ghi nhận lỗi; vui lòng thử lại sau hoặc tải bản PDF/A về để xem.",
    ),
}


def viewer_state(record):
    """READY, NO_PDFA, PENDING (not converted yet, or converting) or FAILED."""
    pdfa = pdfa_of(record)
    if pdfa is None:
        return NO_PDFA
    data = viewer_data(record)
    if data is None:
        return PENDING
    if data.successfully_converted and data.num_pages and data.blob_files:
        return READY
    if data.successfully_converted is False and not data.converting:
        return FAILED
    return PENDING


def _ready_data(record):
    """The viewer data of a record whose pages may be served, else NotFound."""
    if viewer_state(record) != READY:
        raise NotFound("viewer")
    return viewer_data(record)


def _check_view(context):
    # The views are registered with zope2.View on the record; say it again here, where
    # the files are handed out, so that no other registration can serve them to others.
    if not api.user.has_permission("View", obj=context):
        raise Unauthorized("viewer")


class DocumentViewerView(BrowserView):
    """/record/@@documentviewer: documentviewer's viewer on the record's PDF/A."""

    def __call__(self):
        _check_view(self.context)
        record_view(self.context)
        self.state = viewer_state(self.context)
        if self.state == READY:
            self.data = viewer_data(self.context)
            self.options = viewer_settings()
            for bundle in BUNDLES:
                add_bundle_on_request(self.request, bundle)
        return self.index()

    def message(self):
        return MESSAGES.get(self.state)

    def pdfa_url(self):
        pdfa = pdfa_of(self.context)
        return file_url(self.context, pdfa) if pdfa is not None else None

    def pdfa_name(self):
        pdfa = pdfa_of(self.context)
        return pdfa.name if pdfa is not None else None

    def assets(self):
        """Script and style URLs to write into the page when the bundles are not registered
        (a site whose profile predates the viewer): nothing when they are."""
        registry = queryUtility(IRegistry)
        if registry is None:
            return {"js": [], "css": []}
        bundles = registry.collectionOfInterface(
            IBundleRegistry, prefix="plone.bundles", check=False
        )
        if all(name in bundles for name in BUNDLES):
            return {"js": [], "css": []}
        portal = api.portal.get().absolute_url()
        return {
            "js": [
                f"{portal}/++resource++dv.resources/assets/viewer.js",
                f"{portal}/++resource++dv.resources/assets/templates.js",
                f"{portal}/++resource++vnarchive.viewer/viewer.js",
            ],
            "css": [
                f"{portal}/++resource++dv.resources/assets/viewer-datauri.css",
                f"{portal}/++resource++vnarchive.viewer/viewer.css",
            ],
        }

    def document(self):
        """The document as DocumentCloud's viewer reads it (documentviewer's dv_data)."""
        context = self.context
        url = context.absolute_url()
        files = f"{url}/@@{FILES_VIEW}"
        image_format = self.data.pdf_image_format or "png"
        return {
            "id": context.UID(),
            "title": context.Title(),
            "description": context.Description(),
            "pages": self.data.num_pages,
            "canonical_url": f"{url}/@@documentviewer",
            "created_at": DateTime(context.CreationDate()).aCommonZ(),
            "updated_at": DateTime(self.data.last_updated).aCommonZ(),
            "annotations": [],
            "sections": [],
            "access": "public",
            "data": {},
            "source": "",
            "contributor": "",
            "contributor_organization": "",
            "resources": {
                "page": {
                    "image": f"{files}/{{size}}/dump_{{page}}.{image_format}",
                    "text": f"{files}/{TEXT}/dump_{{page}}.txt",
                },
                "pdf": self.pdfa_url(),
                "thumbnail": f"{files}/small/dump_1.{image_format}",
                "search": f"{url}/@@dv-search.json?q={{query}}",
            },
        }

    def pattern_options(self):
        return json.dumps(
            {
                "height": self.options["height"],
                "width": "100%",
                "sidebar": self.options["show_sidebar"],
                "search": True,
                "data": self.document(),
            }
        )


@implementer(IPublishTraverse)
class ViewerFiles(BrowserView):
    """/record/@@documentviewer-files/<large|normal|small|text>/dump_<page>.<ext>"""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.path = []

    def publishTraverse(self, request, name):
        if len(self.path) >= 2:
            raise NotFound(name)
        self.path.append(name)
        return self

    def __call__(self):
        _check_view(self.context)
        if len(self.path) != 2 or self.path[0] not in (*SIZES, TEXT):
            raise NotFound("/".join(self.path))
        folder, name = self.path
        match = PAGE_FILE.match(name)
        if match is None or (folder == TEXT) != (match.group(2) == "txt"):
            raise NotFound(name)
        data = _ready_data(self.context)
        blob = data.blob_files.get(f"{folder}/{name}")
        if blob is None:
            raise NotFound(name)
        response = self.request.response
        etag = f'"{(data.filehash or "")[:16]}-{folder}-{name}"'
        response.setHeader("ETag", etag)
        response.setHeader("Cache-Control", "private, no-cache")
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Content-Type", CONTENT_TYPES[match.group(2)])
        if self.request.getHeader("If-None-Match") == etag:
            response.setStatus(304)
            return b""
        try:
            path = blob.committed()
        except BlobError:  # written in this very transaction
            with blob.open("r") as stream:
                payload = stream.read()
            response.setHeader("Content-Length", str(len(payload)))
            return payload
        response.setHeader("Content-Length", str(os.path.getsize(path)))
        return filestream_iterator(path, "rb")


class ViewerSearch(BrowserView):
    """/record/@@dv-search.json?q=…: the pages whose text holds the words, in order.

    documentviewer's own search asks a repoze.catalog index that leaves out words of three
    letters or fewer; here the folded page texts are searched for the words as typed
    (case does not matter, diacritics do), as the viewer then highlights them.
    """

    def __call__(self):
        _check_view(self.context)
        query = self.request.form.get("q", "")
        if not isinstance(query, str):
            query = ""
        query = query.strip()[:200]
        needle = fold(query)
        results = []
        if needle:
            data = _ready_data(self.context)
            texts = getattr(data, "page_texts", None) or {}
            results = [page for page, text in texts.items() if needle in text]
        response = self.request.response
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Cache-Control", "private, no-cache")
        return json.dumps({"results": results, "query": query}, ensure_ascii=False)


class ViewerPdf(BrowserView):
    """/record/@@pdf: documentviewer's link to "the PDF", here the record's PDF/A.

    documentviewer registers @@pdf for every object and writes its settings on the way;
    for records it sends to the PDF/A download (which journals it).
    """

    def __call__(self):
        _check_view(self.context)
        pdfa = pdfa_of(self.context)
        if pdfa is None:
            raise NotFound("pdf")
        return self.request.response.redirect(file_url(self.context, pdfa))


class ViewerLink(BrowserView):
    """@@documentviewer-link: what the record page needs for its link to the viewer."""

    def __call__(self):
        raise NotFound("documentviewer-link")  # for templates, not a page

    def available(self):
        return (
            IFileRecord.providedBy(self.context) and pdfa_of(self.context) is not None
        )

    def url(self):
        return f"{self.context.absolute_url()}/@@documentviewer"

    def pages(self):
        if viewer_state(self.context) != READY:
            return None
        return viewer_data(self.context).num_pages


class NoPdf(BrowserView):
    """@@pdf elsewhere: documentviewer's own @@pdf (registered for every object, outside
    its browser layer) writes its settings onto whatever it is called on, on a GET, then
    sends to its file store, which this site does not serve."""

    def __call__(self):
        raise NotFound("pdf")
