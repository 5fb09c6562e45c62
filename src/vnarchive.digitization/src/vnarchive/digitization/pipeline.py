"""One page through the digitization chain: the workers and the benchmark run this."""

from dataclasses import dataclass
from vnarchive.digitization.cleanup import clean_page
from vnarchive.digitization.images import read_page
from vnarchive.digitization.images import to_png
from vnarchive.digitization.ocr import ocr_page
from vnarchive.digitization.ocr import tesseract_languages


@dataclass
class ProcessedPage:
    png: bytes  # the clean page, at the scan's resolution
    dpi: int
    page_text: object  # ocr.PageText
    cleaned: object  # cleanup.Cleaned (steps, skew)


def process_page(name, data, index, languages, lap=None):
    """Page `index` (from 1) of the file `name`: read, clean, OCR, encode the clean PNG.

    `languages` are record language codes or Tesseract names; `lap(step)`, if given, is
    called after each step (the benchmark times them).
    """
    lap = lap or (lambda step: None)
    scan = read_page(name, data, index)
    lap("read")
    cleaned = clean_page(scan.image, scan.dpi)
    lap("clean")
    page_text = ocr_page(cleaned.image, tesseract_languages(languages), scan.dpi)
    lap("ocr")
    png = to_png(cleaned.image, scan.dpi)
    lap("png")
    return ProcessedPage(png, scan.dpi, page_text, cleaned)
