"""GET <dossier or fonds>/@package?kind=aip|dip[&transport=bagit]: the package as a ZIP.

`kind` is `dip` by default. The answer is the ZIP (`application/zip`, its length, and
`Content-Disposition` naming `<OBJID>.zip`, or `<OBJID>.bag.zip` with
`transport=bagit`), written first into a temporary file (VAR/packages, or the system's
temporary folder) as a stream and sent from there. A package whose estimated size is
over the registry's `vnarchive.digitization.package_max_bytes` is not built in the
request: 413 and a message saying so. Errors are the services' JSON (`service_error`):
400 for a bad parameter, 409 for a DIP of a container the public may not receive; an
AIP asked by someone who may not download masters is refused as Zope refuses (401 or
403). Every AIP made is journaled on its container. A DIP is the same ZIP, byte for byte,
as long as what it holds has not changed (`packaging.content_state`).
"""

from plone import api
from plone.restapi.services import Service
from urllib.parse import quote
from vnarchive.digitization import _
from vnarchive.digitization import queue
from vnarchive.digitization.packages.model import AIP
from vnarchive.digitization.packages.writer import BAGIT
from vnarchive.digitization.packages.writer import build_package
from vnarchive.digitization.packages.writer import estimate_size
from vnarchive.digitization.packaging import gather
from vnarchive.digitization.packaging import KINDS
from vnarchive.digitization.packaging import NotReceivable
from vnarchive.digitization.packaging import PACKAGE_EXPORTED
from vnarchive.policy.errors import service_error
from vnarchive.policy.journal import record
from zope.i18nmessageid import Message
from ZPublisher.Iterators import filestream_iterator

import json
import os
import tempfile


LIMIT = "vnarchive.digitization.package_max_bytes"
DEFAULT_LIMIT = 500 * 1024 * 1024
MB = 1024 * 1024

BAD_PARAMETER = _(
    "package_error_bad_parameter",
    default="Tham số không hợp lệ: kind phải là aip hoặc dip, transport (nếu có) là "
    "bagit. Hãy sửa địa chỉ rồi thử lại.",
)
NOT_RECEIVABLE = _(
    "package_error_not_public",
    default="Gói DIP chỉ gồm tài liệu đã công bố, mà hồ sơ (hoặc phông) này chưa công "
    "bố hoặc không công khai. Hãy công bố trước, hoặc tạo gói AIP nếu bạn là cán bộ "
    "lưu trữ.",
)
TOO_LARGE = _(
    "package_error_too_large",
    default="Gói này (khoảng ${size} MB) lớn hơn giới hạn ${limit} MB của một lần tải "
    "trực tiếp. Gói lớn được tạo bởi tiến trình nền (worker) của hệ thống, không tạo "
    "trong yêu cầu này. Hãy tải từng hồ sơ, hoặc đề nghị cán bộ lưu trữ tạo gói.",
)


class PackageGet(Service):
    def render(self):
        self.check_permission()
        answer = self.reply()
        if isinstance(answer, dict):
            self.request.response.setHeader("Content-Type", self.content_type)
            return json.dumps(answer, indent=2, sort_keys=True, ensure_ascii=False)
        return answer

    def reply(self):
        form = self.request.form
        kind = form.get("kind", "dip")
        transport = form.get("transport") or None
        if kind not in KINDS or transport not in (None, BAGIT):
            return service_error(self.request, 400, BAD_PARAMETER, code="bad_parameter")
        try:
            package = gather(self.context, kind)
        except NotReceivable:
            return service_error(self.request, 409, NOT_RECEIVABLE, code="not_public")
        estimate = estimate_size(package)
        limit = api.portal.get_registry_record(LIMIT, default=DEFAULT_LIMIT)
        if estimate > limit:
            return self.too_large(estimate, limit)
        stream, size = self.build(package, transport)
        if package.kind == AIP:
            self.journal(package, transport, size)
        suffix = ".bag.zip" if transport == BAGIT else ".zip"
        self.headers(f"{package.identifier}{suffix}", size)
        return stream

    def journal(self, package, transport, size):
        """An AIP holds what is not public: its making is journaled on the container.
        A DIP holds published records only and, as views of them, is not."""
        record(
            self.context,
            PACKAGE_EXPORTED,
            kind=package.kind,
            package=package.identifier,
            transport=transport,
            records=sum(len(dossier.children) for dossier in package.dossiers()),
            size=size,
        )

    def too_large(self, estimate, limit):
        message = Message(
            TOO_LARGE, mapping={"size": -(-estimate // MB), "limit": limit // MB}
        )
        return service_error(
            self.request,
            413,
            message,
            code="too_large",
            estimated_bytes=estimate,
            max_bytes=limit,
        )

    def build(self, package, transport):
        """Write the ZIP into a temporary file; (its stream, its size). The file's name
        is removed at once: the open stream keeps it until the answer is sent."""
        handle, path = tempfile.mkstemp(prefix="package-", suffix=".zip", dir=_folder())
        try:
            with os.fdopen(handle, "wb") as target:
                build_package(package, target, transport=transport)
            stream = filestream_iterator(path, "rb")
        finally:
            os.unlink(path)
        return stream, os.fstat(stream.fileno()).st_size

    def headers(self, filename, size):
        response = self.request.response
        response.setHeader("Content-Type", "application/zip")
        response.setHeader("Content-Length", str(size))
        response.setHeader(
            "Content-Disposition",
            f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
        )
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")


def _folder():
    """VAR/packages when the instance has a VAR, else the system's temporary folder."""
    var = queue.var_dir()
    if var is None:
        return None
    folder = var / "packages"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)
