"""Issuing a certified copy over HTTP, made by the real "copy" job: the request only
registers it; the workers make a PDF/A-2b (certification page, then the chosen pages),
signed with the archive's seal. Checked by tools that are not ours: veraPDF after
signing, pyHanko's validator and poppler's pdfsig, pdftotext for the certification
page, zbarimg (Debian's zbar-tools) for the QR code."""

from copy_records import ARCHIVIST
from copy_records import CURATOR
from copy_records import download
from copy_records import get_json
from copy_records import issue
from copy_records import issued_copy
from copy_records import READER
from copy_records import REQUESTER
from copy_records import run_jobs
from pdfsig import pdfsig
from pki import ARCHIVE
from verapdf import verapdf_report
from vnarchive.content.indexers import main_code
from vnarchive.digitization import queue
from vnarchive.digitization.copies import register
from vnarchive.digitization.signing import verify_pdf
from vnarchive.policy.journal import entries

import hashlib
import io
import pikepdf
import re
import requests
import shutil
import subprocess


NUMBER = re.compile(r"^BS-\d{4}-\d{6}$")


def pdf_text(data, first, last=None):
    """pdftotext's text of pages `first`..`last`."""
    result = subprocess.run(
        [
            "pdftotext",
            "-enc",
            "UTF-8",
            "-f",
            str(first),
            "-l",
            str(last or first),
            "-",
            "-",
        ],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def qr_codes(data, folder):
    """What zbarimg reads on page 1 rendered at 150 dpi (poppler's pdftoppm)."""
    page = folder / "page"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-gray", "-png", "-", page],
        input=data,
        check=True,
        capture_output=True,
    )
    (image,) = folder.glob("page*.png")
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.split()


def seal_images(data):
    """The images drawn by the appearance of the signature field on page 1."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = []
        for annotation in pdf.pages[0].get("/Annots", []):
            if annotation.get("/FT") != "/Sig" or "/AP" not in annotation:
                continue  # the document timestamp has no appearance
            stream = annotation.AP.N
            for xobject in _xobjects(stream):
                if xobject.get("/Subtype") == "/Image":
                    found.append((int(xobject.Width), "/SMask" in xobject))
        return found


def _xobjects(stream, depth=0):
    resources = stream.get("/Resources", {})
    for item in resources.get("/XObject", {}).values():
        yield item
        if item.get("/Subtype") == "/Form" and depth < 4:
            yield from _xobjects(item, depth + 1)


def test_an_extract_is_registered_then_made_signed_and_checked(
    site, record, pki, nssdir, verapdf, tmp_path
):
    code = main_code(record)
    answer = issue(record, pages="1, 3")
    assert answer.status_code == 201, answer.text
    pending = answer.json()
    number = pending["number"]
    assert NUMBER.match(number)
    assert (pending["state"], pending["kind"], pending["pages"]) == (
        "pending",
        "extract",
        [1, 3],
    )
    assert pending["download"] is None  # nothing made in the request
    assert queue.length() == 1

    assert run_jobs(site) == [("copy", "issued")]
    item = get_json(f"{record.absolute_url()}/@copies/{number}", ARCHIVIST).json()
    assert item["state"] == "issued"
    assert item["requester"] == REQUESTER  # the register keeps it, for staff
    data = download(record, number)
    assert hashlib.sha256(data).hexdigest() == item["sha256"]
    assert item["size"] == len(data)

    # PDF/A-2b after signing (veraPDF), one valid B-LTA signature of the archive
    # (pyHanko), and poppler's pdfsig agrees.
    assert verapdf_report(verapdf, data, tmp_path).startswith("PASS")
    (report,) = verify_pdf(data, pki.settings())
    assert (report.status, report.level, report.signer) == ("valid", "B-LTA", ARCHIVE)
    assert report.whole_document
    # pdfsig: the archive's signature valid and trusted, and the document timestamp
    # of B-LTA after it covers the whole file (pdfsig 22.12 cannot check timestamps).
    ours, stamp = pdfsig(data, nssdir, tmp_path)
    assert (ours["field"], ours["signer"]) == ("ChuKySo1", ARCHIVE)
    assert ours["valid"], ours["text"]
    assert ours["trusted"], ours["text"]
    assert stamp["total"]
    assert not ours["total"]

    # The certification page, then pages 1 and 3 of the record with their text layer.
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 3
    page = pdf_text(data, 1)
    for expected in (code, number, REQUESTER["name"], "TRÍCH SAO", ARCHIVE):
        assert expected in " ".join(page.split()), expected
    assert "Trang 1 của văn bản" in pdf_text(data, 2)
    assert "Trang 3 của văn bản" in pdf_text(data, 3)
    assert "Trang 2 của văn bản" not in pdf_text(data, 1, 3)

    # The QR code leads to the public verification page of this copy.
    assert qr_codes(data, tmp_path) == [f"{site.absolute_url()}/@@verify/{number}"]
    # The signature carries the seal (an image with its transparency).
    assert seal_images(data) == [(400, True)]


def test_the_whole_record_is_a_ban_sao(site, record):
    answer = issue(record)
    assert answer.status_code == 201, answer.text
    number = answer.json()["number"]
    assert answer.json()["kind"] == "full"
    assert run_jobs(site) == [("copy", "issued")]
    data = download(record, number)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 4  # the certification page and the three pages
    page = " ".join(pdf_text(data, 1).split())
    assert "BẢN SAO" in page
    assert "TRÍCH SAO" not in page
    assert "3 trang (toàn bộ tài liệu)" in page


def test_the_journal_names_the_copy_and_who_issued_it_not_the_requester(site, record):
    answer = issue(record, pages="2")
    number = answer.json()["number"]
    run_jobs(site)
    found = [e for e in entries(record) if e.get("copy") == number]
    assert [e["action"] for e in found] == ["copy_registered", "copy_issued"]
    assert {e["actor"] for e in found} == {"luutruvien"}
    assert found[0]["kind"] == "extract"
    assert found[0]["page"] == "2"
    entry = register.get_entry(site, number)
    assert found[1]["sha256"] == entry.sha256
    assert found[1]["signer"] == ARCHIVE
    # Nothing of the requester anywhere in the record's journal.
    journal = repr(entries(record))
    for value in REQUESTER.values():
        assert value not in journal


def test_zbarimg_is_installed():
    """The QR test reads the code back with a decoder that is not segno."""
    assert shutil.which("zbarimg"), "install Debian's zbar-tools (make system)"


def test_the_record_page_offers_copies_to_staff_only(site, record):
    issued_copy(site, record)
    url = record.absolute_url()
    staff = requests.get(url, auth=ARCHIVIST, timeout=120).text
    assert "Bản sao chứng thực" in staff
    assert f"{url}/@@issue-copy" in staff
    for auth in (None, READER, CURATOR):
        page = requests.get(url, auth=auth, timeout=120)
        assert page.status_code == 200
        assert "@@issue-copy" not in page.text
