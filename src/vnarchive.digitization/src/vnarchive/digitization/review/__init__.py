"""OCR review (kiểm duyệt): the queue, the review screen, corrections and decisions.

`actions` holds the rules (one path for pages and REST), `queue` the catalog query,
`browser` the pages, `services` the REST endpoints.
"""
