"""Digitization in the site: batch import of scans, the queue and its workers, review.

`importer` plans a batch folder (validate-only) and imports it one record at a time
through `vnarchive.policy.records.create_record` and `vnarchive.policy.files.add_master_file`.
"""
