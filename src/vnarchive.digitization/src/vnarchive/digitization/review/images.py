"""The image of a page for the reviewer: the cleaned page, else the master's page."""

from PIL import Image
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.tasks.records import clean_page_name

import io


# A master page shown in place of a missing cleaned page is scaled down to this width
# (A4 at 200 dpi): enough to read, small enough for the browser.
PREVIEW_WIDTH = 1654


def clean_page(record, number):
    """The "clean-page" derivative of page `number` (page-0001.png), or None."""
    item = IRecordFiles(record).get(clean_page_name(number))
    if item is not None and item.role == "derivative":
        return item
    return None


def master_page(record, number):
    """Page `number` counted across the masters (in their order), as a PIL image."""
    from vnarchive.digitization.images import page_count
    from vnarchive.digitization.images import PageImageError
    from vnarchive.digitization.images import read_page

    remaining = number
    for item in IRecordFiles(record).masters():
        data = item.read()
        try:
            count = page_count(item.name, data)
        except PageImageError:
            continue  # not a page image (a born-digital text, audio...)
        if remaining <= count:
            try:
                return read_page(item.name, data, remaining, min_dpi=0).image
            except (PageImageError, IndexError):
                return None
        remaining -= count
    return None


def master_preview(record, number):
    """(PNG bytes, content type) of the master's page `number`, scaled for the screen."""
    image = master_page(record, number)
    if image is None:
        return None
    if image.width > PREVIEW_WIDTH:
        height = round(image.height * PREVIEW_WIDTH / image.width)
        image = image.resize((PREVIEW_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue(), "image/png"


def page_image(record, number, may_masters):
    """(bytes, content type) of the page's image for review, or None."""
    item = clean_page(record, number)
    if item is not None:
        return item.read(), item.content_type
    return master_preview(record, number) if may_masters else None
