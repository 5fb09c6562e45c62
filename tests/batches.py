"""Build real digitization batches on disk: scans in every format, bad files, a manifest.

Used by the import tests and by the end-to-end and worker tests. A batch is a folder
with page files (PNG, JPEG, multi-page TIFF, PDF) rendered by
`vnarchive.digitization.samples.render_page` — small pages (A6) at 300 dpi by
default, so tests stay fast — and a `manifest.csv` or `manifest.xlsx`.

    from batches import make_batch, document, document_fields, scan

    batch = make_batch(tmp_path)                       # the standard good batch
    batch = make_batch(tmp_path, manifest="xlsx")      # same, as a workbook
    batch = make_batch(
        tmp_path,
        documents=[
            document(scan("a.tif", pages=3), **document_fields(1, docOrdinal=7)),
            document(
                scan("lao.pdf", pages=2, language="lo"),
                **document_fields(2, languageCode="lo"),
            ),
        ],
        bad=["corrupt", "low_dpi"],                   # one refused document each
    )
    batch.folder, batch.manifest        # Path of the folder and of the manifest
    batch.rows                          # what was written, one dict per manifest row
    batch.documents                     # Built(row, spec, files={path: bytes}) of the good ones
    batch.expected                      # Expected(kind, code, row, file) per bad item

`documents` items are `document(...)` specs (a record row whose files are rendered)
or plain dicts written as they are (e.g. a dossier row:
``{"kind": "dossier", "fonds": "UBQT", "fileYear": 2025, "fileNumber": "07.SH",
"title": "…"}``). Rows are written in the order given, `bad` items after them.

`bad` kinds (see BAD_KINDS): corrupt, empty, encrypted, bomb, unsupported, low_dpi,
missing (the row names a file that is not there), unlisted (a file no row names),
no_files (a row with no file), unknown_dossier, bad_date, duplicate_identifier
(this one also writes a good row holding ordinal 77 before the refused one: that row
is planned and imported like the others).

The standard batch (`standard_documents()`) has 4 records (3 documents, 1 photo),
STANDARD_FILES = 5 files and STANDARD_PAGES = 7 pages, one of them with
`docOrdinal` 40. Record rows go to DEFAULT_DOSSIER, the processing dossier of the
demo holdings (use the `holdings` or `functional_holdings` fixture), unless
`dossier=` says otherwise.
"""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from vnarchive.digitization.samples import render_page
from vnarchive.digitization.samples import SAMPLE_TEXTS

import csv
import io
import struct
import transaction
import zlib


# The processing dossier of the demo holdings (helpers.PROCESSING_DOSSIER).
DEFAULT_DOSSIER = "000.00.00.H56.2024.02.KH"
SPECIAL = ("kind", "fonds", "dossier", "files")


@dataclass
class ScanFile:
    """A page file to render; the extension of `name` says the format."""

    name: str  # relative path in the batch, e.g. "hop-01/qd-12.tif"
    pages: int = 1
    language: str = "vi"
    dpi: int = 300
    size: str = "a6"
    text: str | None = None  # default: the sample text of `language`
    skew: float = 0.0
    noise: float = 0.0

    def page_images(self):
        base = self.text or SAMPLE_TEXTS[self.language]
        for number in range(1, self.pages + 1):
            # the file name and page number first: every page (and file) differs
            stem = Path(self.name).stem
            text = f"{stem} - {number}\n{base}"
            yield render_page(
                text,
                language=self.language,
                dpi=self.dpi,
                skew_degrees=self.skew,
                noise=self.noise,
                size=self.size,
                seed=number,
            )

    def render(self):
        return encode(self.name, list(self.page_images()), self.dpi)


def encode(name, images, dpi):
    """Page images -> the bytes of a file in the format `name`'s extension says."""
    suffix = Path(name).suffix.lower()
    out = io.BytesIO()
    if suffix == ".png":
        images[0].save(out, format="PNG", dpi=(dpi, dpi))
    elif suffix in (".jpg", ".jpeg"):
        images[0].convert("L").save(out, format="JPEG", dpi=(dpi, dpi), quality=85)
    elif suffix in (".tif", ".tiff"):
        images[0].save(
            out,
            format="TIFF",
            dpi=(dpi, dpi),
            compression="tiff_deflate",
            save_all=True,
            append_images=images[1:],
        )
    elif suffix == ".pdf":
        import img2pdf

        pngs = []
        for image in images:
            png = io.BytesIO()
            image.save(png, format="PNG", dpi=(dpi, dpi))
            pngs.append(png.getvalue())
        out.write(img2pdf.convert(pngs))
    else:
        raise ValueError(f"no scan format for {name}")
    return out.getvalue()


def scan(name, pages=1, **options):
    return ScanFile(name, pages=pages, **options)


@dataclass
class DocumentSpec:
    files: list  # ScanFile (rendered) or str (a path written by someone else, or none)
    fields: dict
    dossier: str | None = None  # default: the batch's dossier
    kind: str = "document"


def document(*files, dossier=None, kind="document", **fields):
    """A record row: its files (ScanFile or path) and national field values."""
    return DocumentSpec(list(files), fields, dossier, kind)


def document_fields(number, **changes):
    """Complete fields of a Vietnamese document, different for each `number`."""
    data = {
        "typeName": "02",
        "codeNumber": str(100 + number),
        "codeNotation": "QĐ-UBND",
        "issuedDate": f"{number % 28 + 1:02d}/03/2024",
        "organName": "Ủy ban nhân dân tỉnh Quảng Trị",
        "subjectText": f"Quyết định số {100 + number} về công tác văn thư, lưu trữ "
        f"năm 2024 (tài liệu {number})",
        "languageCode": "01",
        "maintenance": "01",
        "mode": "01",
        "confidenceLevel": "02",
        "formatCode": "01",
    }
    data.update(changes)
    return data


def standard_documents():
    """Four documents in every page format: 1 + 3 + 2 + 1 files, 7 pages in all."""
    return [
        document(scan("qd-101.png"), **document_fields(1)),
        document(
            scan("hop-01/bc-102.tif", pages=2),
            scan("hop-01/bc-102-phu-luc.jpg"),
            **document_fields(2, typeName="14", codeNotation="BC-UBND"),
        ),
        document(scan("tt-103.pdf", pages=2), **document_fields(3, docOrdinal=40)),
        document(
            scan("anh/le-ky-ket.jpg"),
            kind="photo",
            title="Lễ ký kết hợp tác giữa hai tỉnh",
            photographer="Nguyễn Văn Ảnh",
            dateTaken="07/1977",
            maintenance="01",
            mode="01",
        ),
    ]


STANDARD_PAGES = 7
STANDARD_FILES = 5


# -- bad input ---------------------------------------------------------------------


def _png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def bomb_png(width=40000, height=40000):
    """A valid PNG header announcing a huge image over a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"pHYs", struct.pack(">IIB", 11811, 11811, 1))  # 300 dpi
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def encrypted_pdf(name="encrypted.pdf"):
    import pikepdf

    plain = pikepdf.open(io.BytesIO(scan(name).render()))
    out = io.BytesIO()
    plain.save(out, encryption=pikepdf.Encryption(owner="chu-so-huu", user=""))
    return out.getvalue()


def gif_image():
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (64, 64), 255).save(out, format="GIF")
    return out.getvalue()


@dataclass
class Expected:
    kind: str  # the bad kind asked for
    code: str  # the problem code plan_batch reports
    row: int | None  # manifest row (header = 1)
    file: str | None  # relative path of the file concerned


# kind -> (problem code, file name, bytes or None for no file written, extra fields)
BAD_KINDS = {
    "corrupt": ("corrupt", "hong/qd-hong.png", lambda: scan("x.png").render()[:900]),
    "empty": ("empty", "hong/rong.tif", lambda: b""),
    "encrypted": ("encrypted", "hong/ma-hoa.pdf", encrypted_pdf),
    "bomb": ("too_large", "hong/bom.png", bomb_png),
    "unsupported": ("unsupported", "hong/anh.gif", gif_image),
    "low_dpi": (
        "low_dpi",
        "hong/150dpi.png",
        lambda: scan("150dpi.png", dpi=150).render(),
    ),
    "missing": ("file_missing", "hong/khong-co.tif", None),
    "unlisted": ("file_unlisted", "thua/khong-ghi.png", None),
    "no_files": ("no_files", None, None),
    "unknown_dossier": ("unknown_dossier", "hong/ho-so-la.png", None),
    "bad_date": ("invalid_date", "hong/ngay-sai.png", None),
    "duplicate_identifier": ("duplicate_identifier", "hong/trung-so.png", None),
}


@dataclass
class Built:
    row: int
    spec: DocumentSpec
    files: dict  # relative path -> bytes written, in page order
    pages: int


@dataclass
class Batch:
    folder: Path
    manifest: Path
    rows: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # Built, the good record rows
    expected: list = field(default_factory=list)  # Expected, one per bad item

    @property
    def files(self):
        return {
            path: data for built in self.documents for path, data in built.files.items()
        }

    @property
    def pages_total(self):
        return sum(built.pages for built in self.documents)


def _write(folder, relative, data):
    path = Path(folder) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _row_for(spec, dossier, files):
    row = {"kind": spec.kind, "dossier": spec.dossier or dossier}
    row["files"] = ";".join(files)
    row.update(spec.fields)
    return row


def make_batch(
    folder,
    documents=None,
    bad=(),
    manifest="csv",
    dossier=DEFAULT_DOSSIER,
    delimiter=",",
    bom=True,
):
    """Write a batch into `folder` and return a `Batch` describing it.

    `documents`: specs or raw row dicts (default: `standard_documents()`);
    `bad`: kinds of BAD_KINDS, each adding one refused row (or one stray file);
    `manifest`: "csv" or "xlsx"; `delimiter` and `bom` shape the CSV.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    documents = standard_documents() if documents is None else documents
    batch = Batch(folder, folder / f"manifest.{manifest}")
    for spec in documents:
        number = len(batch.rows) + 2
        if isinstance(spec, dict):
            batch.rows.append(dict(spec))
            continue
        written = {}
        pages = 0
        for item in spec.files:
            if isinstance(item, ScanFile):
                data = item.render()
                _write(folder, item.name, data)
                written[item.name] = data
                pages += item.pages
        names = [
            item.name if isinstance(item, ScanFile) else item for item in spec.files
        ]
        batch.rows.append(_row_for(spec, dossier, names))
        batch.documents.append(Built(number, spec, written, pages))
    for index, kind in enumerate(bad, start=1):
        _add_bad(batch, kind, index, dossier)
    _write_manifest(batch, manifest, delimiter, bom)
    return batch


def _add_bad(batch, kind, index, dossier):
    code, name, make = BAD_KINDS[kind]
    fields = document_fields(900 + index)
    number = len(batch.rows) + 2
    if kind == "unlisted":
        _write(batch.folder, name, scan(name).render())
        batch.expected.append(Expected(kind, code, None, name))
        return
    if make is not None:
        _write(batch.folder, name, make())
    elif name is not None and kind != "missing":
        _write(batch.folder, name, scan(name).render())
    row = {"kind": "document", "dossier": dossier, "files": name or ""}
    if kind == "unknown_dossier":
        row["dossier"] = "000.00.00.H56.1999.99.KHONGCO"
    if kind == "bad_date":
        fields["issuedDate"] = "31/02/2020"
    if kind == "duplicate_identifier":
        # a first good row holding ordinal 77, then this one with the same ordinal
        first = scan(f"hong/so-77-{index}.png")
        _write(batch.folder, first.name, first.render())
        batch.rows.append(
            {
                "kind": "document",
                "dossier": dossier,
                "files": first.name,
                **document_fields(800 + index, docOrdinal=77),
            }
        )
        number += 1
        fields["docOrdinal"] = 77
    row.update(fields)
    batch.rows.append(row)
    batch.expected.append(Expected(kind, code, number, name))


def _cell(value):
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return value


def _write_manifest(batch, manifest, delimiter, bom):
    columns = list(SPECIAL)
    for row in batch.rows:
        columns += [name for name in row if name not in columns]
    table = [columns] + [
        [_cell(row.get(name, "")) for name in columns] for row in batch.rows
    ]
    if manifest == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Danh mục"
        for cells in table:
            sheet.append(["" if cell is None else cell for cell in cells])
        workbook.save(batch.manifest)
        return
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(table)
    batch.manifest.write_text(
        ("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8"
    )


def own_holdings(folder, fonds, agency, manifest="csv"):
    """The example of docs/digitization.md: a fonds row, a dossier row, two documents.

    Returns (Batch, dossier code); the two documents have 1 + 2 pages.
    """
    dossier = f"{agency}.2025.03.SH"
    rows = [
        {
            "kind": "phông",
            "fondsCode": fonds,
            "agencyCode": agency,
            "title": "Sở Nội vụ",
        },
        {
            "kind": "hồ sơ",
            "fonds": fonds,
            "fileYear": 2025,
            "fileNumber": "03.SH",
            "title": "Hồ sơ số hóa tài liệu năm 2025",
            "maintenance": "01",
            "mode": "01",
        },
        document(
            scan("qd-101.png"), dossier=dossier, **document_fields(1, docOrdinal=1)
        ),
        document(
            scan("hop-01/bc-102.tif", pages=2),
            dossier=dossier,
            **document_fields(2, typeName="14", codeNotation="BC-UBND", docOrdinal=2),
        ),
    ]
    return make_batch(folder, documents=rows, manifest=manifest, delimiter=";"), dossier


def drain(site, limit=200, identifier="test-worker"):
    """Run queued jobs as a worker does, until the queue is empty; the outcomes."""
    from vnarchive.digitization import queue
    from vnarchive.digitization import worker

    huey = queue.get_huey()
    worker._current.update(site=site, id=identifier, job=None)
    outcomes = []
    for _ in range(limit):
        message = huey.dequeue()
        if message is None:
            return outcomes
        outcomes.append((message.args[0], huey.execute(message)))
        transaction.abort()
    raise AssertionError(f"the queue did not empty: {outcomes[-5:]}")


def start(site, folder, **options):
    """Start a batch from `folder` as admin, committed; its id."""
    from vnarchive.digitization.tasks.intake import start_batch

    batch = start_batch(site, "admin", folder=str(folder), **options)
    transaction.commit()
    return batch.id
