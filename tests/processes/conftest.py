"""Processes: tests that start their own (instances, ZEO, workers, PostgreSQL, Solr nodes,
backups). tests/conftest.py marks them slow; `make test-quick` leaves them out."""
