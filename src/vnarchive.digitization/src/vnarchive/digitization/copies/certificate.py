"""The certification page of a certified copy (trang chứng thực), rendered by WeasyPrint.

One A4 page, in Vietnamese as every certified copy the archive issues: the issuing
archive and the national heading, "BẢN SAO" (the whole record) or "TRÍCH SAO" (chosen
pages), the record's archival code and title, the pages copied, the date of issue, the
copy number and the requester's name (the paper copy names whom it was issued to, as a
Vietnamese certified copy does; the public verification page never does), a QR code
(segno) of the verification URL, and an empty box at the bottom right where the archive's
signature with its seal goes (`SEAL_BOX`, the `signing.Seal` rectangle in points).

Pure code: no Zope, no site. WeasyPrint needs Debian's Pango; Liberation Serif 2
(fonts-liberation2) has every Vietnamese letter, and Pango falls back to a Lao font for a
requester's name written in Lao.
"""

from dataclasses import dataclass
from datetime import date
from string import Template
from vnarchive.content.errors import message_text
from vnarchive.digitization import _

import html
import io
import segno


MM = 72 / 25.4  # points per millimetre
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297  # A4
# The signature box (millimetres from the page's right and bottom edges, and its size):
# the template leaves it empty, sign_pdf draws the seal and the text in it.
SEAL_RIGHT_MM, SEAL_BOTTOM_MM, SEAL_WIDTH_MM, SEAL_HEIGHT_MM = 18, 32, 95, 36
RIGHT_MARGIN_MM = 18  # the page's right margin; its bottom margin is 0 (absolute boxes)
QR_SIZE_MM = 32
TITLE_LIMIT = 500  # characters of the title printed (the national abstract's length)

FULL = "full"  # BẢN SAO: every page of the record
EXTRACT = "extract"  # TRÍCH SAO: chosen pages

KIND_TITLES = {
    FULL: _("copy_kind_full", default="BẢN SAO"),
    EXTRACT: _("copy_kind_extract", default="TRÍCH SAO"),
}
LABELS = {
    "nation": _("copy_cert_nation", default="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    "motto": _("copy_cert_motto", default="Độc lập - Tự do - Hạnh phúc"),
    "subtitle": _(
        "copy_cert_subtitle", default="Bản sao tài liệu lưu trữ có chứng thực"
    ),
    "number": _("copy_cert_number", default="Số bản sao"),
    "code": _("copy_cert_code", default="Mã lưu trữ"),
    "title": _("copy_cert_title", default="Tiêu đề, trích yếu"),
    "pages": _("copy_cert_pages", default="Số trang"),
    "issued": _("copy_cert_issued", default="Ngày cấp"),
    "requester": _("copy_cert_requester", default="Cấp cho"),
    "signature": _("copy_cert_signature", default="XÁC NHẬN CỦA CƠ QUAN LƯU TRỮ"),
    "signature_note": _(
        "copy_cert_signature_note", default="(chữ ký số và con dấu của cơ quan lưu trữ)"
    ),
}

TEMPLATE = Template("""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>$kind $number</title><style>
@page { size: A4; margin: 18mm ${right_margin}mm 0 22mm; }
body { font-family: "Liberation Serif", "Noto Serif Lao", "Phetsarath OT", serif;
  font-size: 12.5pt; line-height: 1.35; color: #000; }
.heading { width: 100%; }
.heading td { width: 50%; text-align: center; vertical-align: top; font-size: 10.5pt;
  font-weight: normal; padding: 0 2mm; }
.heading .agency, .heading .nation { font-weight: bold; text-transform: uppercase; }
.motto { font-weight: bold; text-decoration: underline; }
h1 { text-align: center; font-size: 22pt; letter-spacing: 2pt; margin: 16mm 0 0; }
.subtitle { text-align: center; font-style: italic; margin: 1mm 0 8mm; }
table { border-collapse: collapse; width: 100%; }
.fields th { text-align: left; font-weight: normal; width: 38mm; vertical-align: top;
  padding: 1.5mm 3mm 1.5mm 0; }
.fields td { font-weight: bold; padding: 1.5mm 0; overflow-wrap: anywhere; }
.statement { margin-top: 8mm; text-align: justify; }
.verify { position: absolute; left: 0; bottom: ${qr_bottom}mm; width: 68mm;
  font-size: 10pt; overflow-wrap: anywhere; }
.verify img { width: ${qr}mm; height: ${qr}mm; display: block; margin-bottom: 2mm; }
.signature { position: absolute; right: ${seal_right_in}mm; bottom: ${seal_bottom}mm;
  width: ${seal_width}mm; text-align: center; }
.signature .box { height: ${seal_height}mm; }
.signature .caption { font-weight: bold; }
.signature .note { font-style: italic; font-size: 10pt; }
</style></head><body>
<table class="heading"><tr>
  <td class="agency">$agency</td>
  <td><div class="nation">$label_nation</div><div class="motto">$label_motto</div></td>
</tr></table>
<h1>$kind</h1>
<p class="subtitle">$label_subtitle</p>
<table class="fields">
  <tr><th>$label_number</th><td>$number</td></tr>
  <tr><th>$label_code</th><td>$code</td></tr>
  <tr><th>$label_title</th><td>$title</td></tr>
  <tr><th>$label_pages</th><td>$pages</td></tr>
  <tr><th>$label_issued</th><td>$issued</td></tr>
  <tr><th>$label_requester</th><td>$requester</td></tr>
</table>
<p class="statement">$statement</p>
<div class="verify"><img src="$qr_uri" alt="QR">$verify</div>
<div class="signature">
  <div class="caption">$label_signature</div>
  <div class="note">$label_signature_note</div>
  <div class="box"></div>
</div>
</body></html>
""")


class CertificateError(RuntimeError):
    """The certification page could not be made as one page."""


@dataclass(frozen=True)
class Certificate:
    """What the certification page says."""

    number: str  # BS-2026-000123
    kind: str  # FULL or EXTRACT
    agency: str  # the issuing archive (the signing settings' agency)
    code: str  # the record's archival code
    title: str
    pages: tuple  # the record's page numbers copied, in order
    total_pages: int  # the record's pages
    issued: date  # date of issue, in Vietnam
    requester: str  # the requester's name (printed here, nowhere public)
    verify_url: str  # <site>/@@verify/<number>


def seal_rect():
    """The signature box in PDF points (x1, y1, x2, y2) on the A4 certification page."""
    x2 = (PAGE_WIDTH_MM - SEAL_RIGHT_MM) * MM
    y1 = SEAL_BOTTOM_MM * MM
    return (x2 - SEAL_WIDTH_MM * MM, y1, x2, y1 + SEAL_HEIGHT_MM * MM)


def page_ranges(pages):
    """1, 2, 3, 5 -> "1–3, 5"."""
    parts = []
    for number in pages:
        if parts and number == parts[-1][1] + 1:
            parts[-1][1] = number
        else:
            parts.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in parts)


def pages_text(certificate):
    if certificate.kind == FULL:
        message = _(
            "copy_cert_pages_full",
            default="${count} trang (toàn bộ tài liệu), kèm trang chứng thực này",
            mapping={"count": len(certificate.pages)},
        )
    else:
        message = _(
            "copy_cert_pages_extract",
            default="${count} trang (trang ${pages} của tài liệu ${total} trang), kèm "
            "trang chứng thực này",
            mapping={
                "count": len(certificate.pages),
                "pages": page_ranges(certificate.pages),
                "total": certificate.total_pages,
            },
        )
    return message_text(message)


def qr_code(url):
    """The QR code of `url` as an SVG data URI (segno; error correction M or better)."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(scale=1, border=4)


def _texts(certificate):
    """The page's words (Vietnamese), escaped for HTML."""
    title = certificate.title
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    values = {
        "kind": message_text(KIND_TITLES[certificate.kind]),
        "number": certificate.number,
        "agency": certificate.agency,
        "code": certificate.code,
        "title": title,
        "pages": pages_text(certificate),
        "issued": certificate.issued.strftime("%d/%m/%Y"),
        "requester": certificate.requester,
        "statement": message_text(
            _(
                "copy_cert_statement",
                default="${agency} chứng thực bản sao này được sao đúng từ tài liệu "
                "lưu trữ nêu trên do ${agency} đang bảo quản. Bản sao có chữ ký số và "
                "con dấu của cơ quan lưu trữ, có giá trị như bản chính.",
                mapping={"agency": certificate.agency},
            )
        ),
        "verify": message_text(
            _(
                "copy_cert_verify",
                default="Kiểm tra bản sao: quét mã QR hoặc mở ${url}",
                mapping={"url": certificate.verify_url},
            )
        ),
    }
    values.update(
        {f"label_{name}": message_text(label) for name, label in LABELS.items()}
    )
    return {name: html.escape(str(value)) for name, value in values.items()}


def certificate_html(certificate):
    """The HTML of the certification page."""
    return TEMPLATE.substitute(
        _texts(certificate),
        qr_uri=qr_code(certificate.verify_url),
        qr=QR_SIZE_MM,
        right_margin=RIGHT_MARGIN_MM,
        qr_bottom=SEAL_BOTTOM_MM,
        seal_right_in=SEAL_RIGHT_MM - RIGHT_MARGIN_MM,
        seal_bottom=SEAL_BOTTOM_MM,
        seal_width=SEAL_WIDTH_MM,
        seal_height=SEAL_HEIGHT_MM,
    )


def render_certificate(certificate):
    """The certification page as PDF/A-2b bytes (one page); `CertificateError` else."""
    from weasyprint import HTML

    document = HTML(string=certificate_html(certificate)).render()
    if len(document.pages) != 1:
        raise CertificateError(f"{len(document.pages)} pages")
    output = io.BytesIO()
    document.write_pdf(output, pdf_variant="pdf/a-2b")
    return output.getvalue()
