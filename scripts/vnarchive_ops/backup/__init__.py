"""Backups in two independent copies and verified restores (scripts/backup.py's docstring):

common       names in a set, exit statuses, BackupError, hashing, running a tool
sets         BackupSet: a directory with backup.json, MANIFEST.sha256, README.txt
filestorage  ZEO's FileStorage: repozo and the blob files
relstorage   RelStorage on PostgreSQL: pg_dump and pg_restore
commands     backup, restore, verify, list
"""
