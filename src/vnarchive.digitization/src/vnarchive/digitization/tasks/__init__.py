"""The digitization jobs the workers run: import a batch, process a page, build a document.

Each job takes the site and the ids of what it works on; it reads the batch in the ZODB,
never trusts the message that woke it (a message may be a duplicate or stale), and keeps
no ZODB transaction open while it does CPU work:

    claim (commit) -> read what it needs, abort -> clean/OCR/build -> write if still ours (commit)

A write that meets a concurrent one (ConflictError) is retried from a fresh view of the
database (`transactions`).

- `intake`: what the rest of the site calls: `start_batch` (forms, REST, CLI),
  `retry_failed` and `enqueue_document_rebuild` (review: regenerate the PDF/A of a record
  from its current page texts); `unzip` unpacks an uploaded batch safely;
- one module per job, registered by name with `jobs.job`: `batch_import` ("import"),
  `upload`, `page`, `build`, `sweep`; the worker imports them (worker.py), the web
  clients only `intake`, and the queue none (it sends a job's name);
- what they share: `transactions` (write, read, acting as someone, the lease heartbeat),
  `documents` (a document's pages registered, its progress, the batch settled),
  `records` (names of a record's derivatives), `errors` (BatchError, texts for people).
"""
