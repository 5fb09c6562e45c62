"""Signatures in the archive: the archive's PDF/A signed, signed files that come in checked.

`vnarchive.digitization.signing` is the pure library (pyHanko: sign, verify); this package
puts it to work in the site, always in the workers, never in a web request:

- `store`: what the signatures of a record's files were found to be, kept on the record as
  plain data, per file and per SHA-256 (a rebuilt PDF/A has lost its signature);
- `rules`: whether signing is set up, whether a record may be signed (its review is
  complete: the rule the publication guard uses), whether its PDF/A is signed;
- `work`: the open signing and verification work of the site, with leases and attempts, so
  that a worker that dies loses nothing (the sweeper sends it again);
- `runs`: batch signing after review, and its progress per batch;
- `indexers`, `subscribers` (masters that come in are verified), `browser` (the record's
  "Chữ ký số" section), `labels` (statuses and times for people).

The jobs are `tasks/sign.py` ("sign") and `tasks/verify.py` ("verify_signatures").
"""
