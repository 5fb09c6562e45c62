"""The JSON of a record's files: one function, whatever answer lists them.

Content itself is plone.restapi's to serialize; a record's files are not content (they
live in the record's file store, vnarchive.content.files), so every answer that shows
one (@record-files, the file a POST added) builds it here.
"""

from plone import api
from vnarchive.content.files import IRecordFiles
from vnarchive.content.files import MASTER
from vnarchive.policy.permissions import DOWNLOAD_MASTERS


def file_url(record, item):
    """Where the file is downloaded (the record's @@record-file view)."""
    return f"{record.absolute_url()}/@@record-file/{item.name}"


def serialize_file(record, item):
    """A file of `record`: its stored facts and where to download it."""
    data = item.info()
    data["download"] = file_url(record, item)
    return data


def downloadable_files(record):
    """The record's files the current user may download: masters only with the
    permission to download masters."""
    may_masters = api.user.has_permission(DOWNLOAD_MASTERS, obj=record)
    return [item for item in IRecordFiles(record) if item.role != MASTER or may_masters]
