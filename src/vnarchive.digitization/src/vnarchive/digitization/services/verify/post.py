"""POST /@verify/<number>: GET's answer, and whether the file sent is the registered copy.

The file is the body itself (`Content-Type: application/pdf`), a multipart field
`file`, or JSON {"data": "<base64>"} (or {"sha256": "<hex>"} to compare a hash only).
"compared": {"identical" (byte for byte), "sha256", "signature_valid" (the file's last
signature, checked offline), "signer", "problem"}. Nothing is written: anyone may ask.
"""

from plone.restapi.deserializer import json_body
from vnarchive.digitization import _
from vnarchive.digitization.copies import verification
from vnarchive.digitization.copies.browser import MAX_UPLOAD
from vnarchive.digitization.services.verify.get import VerifyService
from vnarchive.policy.csrf import media_type
from vnarchive.policy.errors import service_error

import base64
import binascii


NO_FILE = _(
    "copy_error_no_file",
    default="Hãy gửi tệp PDF cần đối chiếu: nội dung yêu cầu là tệp (Content-Type: "
    "application/pdf), trường “file” của biểu mẫu, hoặc JSON {“data”: base64}.",
)
TOO_LARGE = _(
    "copy_error_file_too_large",
    default="Tệp quá lớn để đối chiếu (tối đa ${limit} MB).",
    mapping={"limit": MAX_UPLOAD // (1024 * 1024)},
)


class _BadInput(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _limited(data):
    if len(data) > MAX_UPLOAD:
        raise _BadInput(413, TOO_LARGE)
    return data


def _from_json(request):
    """(bytes or None, sha256 or None) of a JSON body."""
    try:
        body = json_body(request)
    except Exception:  # plone.restapi raises DeserializationError on bad JSON
        body = None
    if not isinstance(body, dict) or not (body.get("data") or body.get("sha256")):
        raise _BadInput(400, NO_FILE)
    if body.get("sha256"):
        return None, str(body["sha256"])
    try:
        return _limited(base64.b64decode(str(body["data"]), validate=True)), None
    except (binascii.Error, ValueError) as error:
        raise _BadInput(400, NO_FILE) from error


def sent_file(request):
    """(bytes or None, sha256 or None) of what the request sends; `_BadInput` else."""
    kind = media_type(request)
    if kind == "application/json":
        return _from_json(request)
    upload = request.form.get("file")
    if getattr(upload, "read", None):
        return _limited(upload.read(MAX_UPLOAD + 1)), None
    body = request.get("BODYFILE")
    if kind == "application/pdf" and body is not None:
        body.seek(0)
        return _limited(body.read(MAX_UPLOAD + 1)), None
    raise _BadInput(400, NO_FILE)


class VerifyPost(VerifyService):
    def reply(self):
        try:
            data, sha256 = sent_file(self.request)
        except _BadInput as bad:
            return service_error(self.request, bad.status, bad.message)
        return self.answer(
            lambda entry: verification.compare(
                entry, self.request, data=data, sha256=sha256
            )
        )
