"""Batch import: plan a folder of scans against the site, then import it one record at a time.

- `planner.plan_batch(site, folder)`: the validate-only run; it writes nothing;
- `apply.import_document(site, planned)`: one planned record, all of it or nothing;
- `plan`: what a plan and an import are made of (`PlannedDocument`, `ImportRefused`…);
- `files`: the batch's files, each read whole (hash, pages, resolution);
- `values`: manifest text turned into field values, and the validation of new records;
- `existing`: the records the site already holds (by code, by checksum) and their reuse.

The caller (the "import" job, `tasks.batch_import`) commits one transaction per planned
record, in plan order (fonds, dossiers, records).
"""
