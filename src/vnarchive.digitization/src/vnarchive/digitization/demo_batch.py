"""A small demo digitization batch, started once when the site is created with the demo.

So that a newcomer sees the whole chain after `make start`: a batch in @@batches that
the workers take to done, documents with OCR text, a PDF/A named by the national rule,
the viewer, and documents waiting in the OCR review queue.

The scans are generated at creation time (no binary file in the repository) with
`vnarchive.digitization.samples.render_page`, deterministically: 3 documents
(4 pages, A6 at 300 dpi) for the processing dossier of the demo holdings — a Vietnamese
one of 2 pages whose second page is skewed and noisy (clean-up has something to do,
and the review queue a low-confidence page to show), a Lao one and a French one — with
a `manifest.csv` using the national field names, in VAR/demo-batch. The folder is
written by trusted code, so the batch is started with `anywhere=True` (users' folders
stay confined to VNARCHIVE_IMPORT_ROOT). When no worker runs, the batch waits in the
queue.
"""

from pathlib import Path
from vnarchive.digitization import queue
from vnarchive.digitization.tasks.intake import start_batch

import csv
import io
import shutil


FOLDER_NAME = "demo-batch"
# The demo dossier still in processing (profiles/demo/holdings.json): its codes are not
# frozen yet, so records and scans may be added to it.
DOSSIER = "000.00.00.H56.2024.02.KH"
DPI = 300
SIZE = "a6"
COMMON = {
    "maintenance": "01",
    "mode": "01",
    "confidenceLevel": "02",
    "formatCode": "01",
}
# (files: [(relative path, language, [(skew degrees, noise) per page])], fields)
DOCUMENTS = (
    (
        [("so-hoa-mau/qd-215.tif", "vi", [(0.0, 0.0), (3.0, 0.03)])],
        {
            "typeName": "02",
            "codeNumber": "215",
            "codeNotation": "QĐ-UBND",
            "issuedDate": "12/03/2024",
            "organName": "Ủy ban nhân dân tỉnh Quảng Trị",
            "subjectText": "Quyết định ban hành Quy chế công tác văn thư, lưu trữ "
            "(bản quét mẫu)",
            "languageCode": "01",
        },
    ),
    (
        [("so-hoa-mau/thong-bao-lao.png", "lo", [(0.0, 0.0)])],
        {
            "title": "ແຈ້ງການ ກ່ຽວກັບການເກັບຮັກສາເອກະສານ",
            "typeName": "07",
            "issuedDate": "20/03/2024",
            "organName": "ແຂວງສະຫວັນນະເຂດ (tỉnh Savannakhet)",
            "subjectText": "ແຈ້ງການ ກ່ຽວກັບການເກັບຮັກສາເອກະສານ (Thông báo về việc "
            "bảo quản tài liệu lưu trữ, bản quét mẫu)",
            "languageCode": "lo",
        },
    ),
    (
        [("so-hoa-mau/decision-fr.png", "fr", [(0.0, 0.0)])],
        {
            "typeName": "02",
            "codeNumber": "216",
            "codeNotation": "QĐ-UBND",
            "issuedDate": "25/03/2024",
            "organName": "Ủy ban nhân dân tỉnh Quảng Trị",
            "subjectText": "Décision portant règlement des archives (bản tiếng Pháp, "
            "bản quét mẫu)",
            "languageCode": "03",
        },
    ),
)


def _pages(name, language, conditions):
    from vnarchive.digitization.samples import render_page
    from vnarchive.digitization.samples import SAMPLE_TEXTS

    stem = Path(name).stem
    for number, (skew, noise) in enumerate(conditions, start=1):
        yield render_page(
            f"{stem} - {number}\n{SAMPLE_TEXTS[language]}",
            language=language,
            dpi=DPI,
            skew_degrees=skew,
            noise=noise,
            size=SIZE,
            seed=number,
        )


def _encode(name, images):
    out = io.BytesIO()
    if name.endswith(".tif"):
        images[0].save(
            out,
            format="TIFF",
            dpi=(DPI, DPI),
            compression="tiff_deflate",
            save_all=True,
            append_images=images[1:],
        )
    else:
        images[0].save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def write_folder(folder):
    """Write the demo batch (scans and manifest.csv) into `folder`, afresh; returns it."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    columns = ["kind", "dossier", "files"]
    rows = []
    for files, fields in DOCUMENTS:
        for name, language, conditions in files:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_encode(name, list(_pages(name, language, conditions))))
        row = {
            "kind": "document",
            "dossier": DOSSIER,
            "files": ";".join(name for name, _language, _pages in files),
            **fields,
            **COMMON,
        }
        columns += [column for column in row if column not in columns]
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    (folder / "manifest.csv").write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    return folder


def default_folder():
    """VAR/demo-batch, or None when the instance has no VAR (VNARCHIVE_VAR)."""
    var = queue.var_dir()
    return var / FOLDER_NAME if var is not None else None


def start(site, creator="admin", folder=None):
    """Write the demo batch and start it as `creator`; returns the batch.

    The caller commits (the message to the workers is sent after the commit). Only
    trusted code calls this: the folder is allowed wherever it is (`anywhere=True`).
    """
    folder = folder or default_folder()
    if folder is None:
        raise RuntimeError("No VNARCHIVE_VAR: nowhere to write the demo batch")
    write_folder(folder)
    return start_batch(site, creator, folder=folder, anywhere=True)
