"""OCR text per page into Solr's ``page_<n>`` fields, so that highlights name their page.

collective.solr sends only the fields its schema parser knows, and it ignores dynamic
fields; it lets a named `ISolrAddHandler` (named after the portal type) send the document.
This one adds ``page_1`` … ``page_<n>`` and ``page_count`` whenever the document's text is
sent (a full index, or a reindex of SearchableText), and clears the page fields an earlier
version had beyond the current count (a destroyed record keeps no page text in Solr).
"""

from collective.solr.indexer import DefaultAdder
from vnarchive.content.files import IRecordFiles

import json
import logging


logger = logging.getLogger("vnarchive.search")

PAGE_FIELD = "page_{}"


def page_fields(record):
    """{"page_<n>": text or None, ...} for the record's pages, and their count."""
    fields = {}
    numbers = []
    for page in IRecordFiles(record).pages():
        text = (page.text or "").strip()
        fields[PAGE_FIELD.format(page.number)] = text or None
        if text:
            numbers.append(page.number)
    return fields, max(numbers, default=0)


def previous_page_count(conn, uid):
    """page_count of the document Solr holds now (real-time get), 0 when there is none."""
    url = f"{conn.solrBase}/get?id={uid}&fl=page_count&wt=json"
    response = conn.doGet(url, dict(conn.formheaders))
    document = json.loads(response.read()).get("doc") or {}
    return int(document.get("page_count") or 0)


class PageTextAdder(DefaultAdder):
    """Adds the page fields to what collective.solr sends for a record with files."""

    def __call__(self, conn, **data):
        if "SearchableText" in data and data.get("UID"):
            fields, count = page_fields(self.context)
            highest = max((int(name[5:]) for name in fields), default=0)
            try:
                previous = previous_page_count(conn, data["UID"])
            except Exception:  # Solr unreachable: the add below fails and is logged
                logger.warning("could not read the page count of %s", data["UID"])
                previous = 0
            for number in range(highest + 1, previous + 1):
                fields[PAGE_FIELD.format(number)] = None
            data.update(fields)
            data["page_count"] = count
        super().__call__(conn, **data)
