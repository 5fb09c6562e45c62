"""Certified copies (bản sao, trích sao) issued by the archive: docs/copies.md.

- `issue`: staff ask for a copy of a published record (or of chosen pages) for a named
  requester; it is registered (`register`: a site-wide number BS-<year>-<number>) and the
  workers make it (the "copy" job, `tasks/copies.py`): the certification page
  (`certificate`, WeasyPrint, QR code by segno) and the record's pages as PDF/A-2b
  (`document`, pikepdf), signed with the archive's seal (`signing.sign_pdf(..., seal=)`);
- `rules`: what a record and the set-up need; `pages`: the pages chosen;
- `verification`: what the public page `@@verify/<number>` (and `@verify`) says: whether
  the copy is genuine and, only while the record is public, what it certifies;
- `display`, `browser`: the staff's register and form, the record's section, the page.
"""
