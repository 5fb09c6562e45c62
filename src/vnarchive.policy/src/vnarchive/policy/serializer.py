"""The JSON of a record's files: one function, whatever answer lists them.

Content itself is plone.restapi's to serialize; a record's files are not content (they
live in the record's file store, vnarchive.content.files), so every answer and page that
shows one (@record-files, the file a POST added, the files on the record's page, the
image file of each page in @ocr-pages) builds it here, and every link to a file's
download is `file_url`.
"""

from plone import api
from urllib.parse import quote
from vnarchive.content.files import IRecordFiles
from vnarchive.content.files import MASTER
from vnarchive.policy.permissions import DOWNLOAD_MASTERS


def file_url(record, item):
    """Where the file is downloaded (the record's @@record-file view); the name quoted,
    so that one with a space, `#` or `?` is still one path step."""
    return f"{record.absolute_url()}/@@record-file/{quote(item.name, safe='')}"


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
