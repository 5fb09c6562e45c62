"""GET /@verify/<number> (or /@verify?number=…): whether a certified copy is genuine.

For anyone; no personal data, and nothing about a record that is not public now
(`copies.verification`):

{"@id", "number", "genuine", "verdict" (genuine | revoked | pending | failed | altered |
 signature_not_valid), "message", "issued" (yyyy-mm-dd), "issued_local", "issuer",
 "record_public", "certifies": null or {"kind", "kind_title", "archival_code", "title",
 "pages", "page_count", "total_pages", "url", "sha256", "signature"},
 "compared": null or {"identical", "sha256", "signature_valid", "signer", "problem"}}

`?sha256=<hex>` compares a hash someone computed with the registered copy's
("compared"). An unknown copy number is a 404 with a message; no number, a 400.
"""

from plone import api
from plone.restapi.services import Service
from vnarchive.digitization import _
from vnarchive.digitization.copies import register
from vnarchive.digitization.copies import verification
from vnarchive.policy.errors import service_error
from vnarchive.policy.subpath import SubpathParams


NO_NUMBER = _(
    "copy_error_no_number",
    default="Hãy cho biết số bản sao cần kiểm tra: /@verify/<số bản sao>, ví dụ "
    "/@verify/BS-2026-000123.",
)


def not_found(number):
    return _(
        "copy_error_not_found",
        default="Không có bản sao nào mang số “${number}” trong sổ đăng ký của cơ quan "
        "lưu trữ.",
        mapping={"number": number},
    )


class VerifyService(SubpathParams, Service):
    """What GET and POST @verify share: the copy asked about, the answer."""

    def number(self):
        value = "/".join(self.params) or self.request.form.get("number")
        return str(value or "").strip()[:40]

    def answer(self, compared=None):
        number = self.number()
        if not number:
            return service_error(self.request, 400, NO_NUMBER)
        site = api.portal.get()
        entry = register.get_entry(site, number)
        if entry is None:
            return service_error(self.request, 404, not_found(number))
        data = verification.check(site, entry, self.request)
        data["compared"] = compared(entry) if compared is not None else None
        base = f"{site.absolute_url()}/@verify"
        return {"@id": f"{base}/{entry.number}", **data}


class VerifyGet(VerifyService):
    def reply(self):
        sha256 = self.request.form.get("sha256")
        if isinstance(sha256, str) and sha256.strip():
            return self.answer(
                lambda entry: verification.compare(entry, self.request, sha256=sha256)
            )
        return self.answer()
