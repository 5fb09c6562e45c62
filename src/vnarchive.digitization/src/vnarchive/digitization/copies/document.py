"""A certified copy as a PDF/A-2b file: the certification page, then the record's pages.

    data = assemble(certificate_pdf, record_pdfa, pages=(1, 2, 5), title=..., language="vi")

The record's pages are taken from its PDF/A as they are (page image and invisible OCR
text: the copy stays searchable) with pikepdf. A signature the record's PDF/A carries
covers that file, not the copy: its widget is left out of the copied page (the copy's own
signature, on the certification page, covers everything). The result is declared and
checked as PDF/A-2b by `pikepdf.pdfa.save` with the sRGB output intent of the archive's
PDF/A files (`pdfa`); it is signed afterwards (an incremental update keeps it PDF/A).

Pure code: no Zope, no site.
"""

from vnarchive.digitization.pdfa import PdfaBuildError
from vnarchive.digitization.pdfa import save_pdfa

import io


class CopyBuildError(RuntimeError):
    """The copy could not be made (a damaged PDF/A, pages it does not have, not PDF/A)."""


def page_count(data):
    """The number of pages of the PDF `data` (bytes or a binary stream);
    `CopyBuildError` when it cannot be read."""
    import pikepdf

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with pikepdf.open(source) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError as error:
        raise CopyBuildError(f"the record's PDF/A cannot be read: {error}") from error


def _without_signature_widgets(page):
    """Drop the page's widget annotations (the record's own signature field)."""
    import pikepdf

    annotations = page.obj.get("/Annots")
    if annotations is None:
        return
    kept = [
        annotation
        for annotation in annotations
        if annotation.get("/Subtype") != pikepdf.Name.Widget
    ]
    if kept:
        page.obj.Annots = pikepdf.Array(kept)
    else:
        del page.obj["/Annots"]


def _without_empty_resources(page):
    """WeasyPrint declares empty /Pattern and /Shading resources, which pikepdf's PDF/A
    checker does not read: an empty category says nothing, so it goes."""
    resources = page.obj.get("/Resources")
    if resources is None:
        return
    for name in ("/Pattern", "/Shading"):
        if name in resources and not resources[name].keys():
            del resources[name]


def assemble(certificate_pdf, record_pdfa, pages, title, language="vi"):
    """The copy (PDF/A-2b bytes): the one page of `certificate_pdf`, then pages `pages`
    (numbers from 1, in the order given) of `record_pdfa`."""
    import pikepdf

    try:
        copy = pikepdf.open(io.BytesIO(certificate_pdf))
        source = pikepdf.open(io.BytesIO(record_pdfa))
    except pikepdf.PdfError as error:
        raise CopyBuildError(f"a PDF cannot be read: {error}") from error
    with copy, source:
        if len(copy.pages) != 1:
            raise CopyBuildError("the certification page is not one page")
        _without_empty_resources(copy.pages[0])
        available = len(source.pages)
        for number in pages:
            if not 1 <= number <= available:
                raise CopyBuildError(f"page {number} of {available}")
            copy.pages.append(source.pages[number - 1])
            _without_signature_widgets(copy.pages[-1])
        try:
            return save_pdfa(copy, title, language, "vnarchive (WeasyPrint, pikepdf)")
        except PdfaBuildError as error:
            raise CopyBuildError(str(error)) from error
