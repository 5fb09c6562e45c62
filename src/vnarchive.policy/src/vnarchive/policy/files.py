"""Adding files to a record: one path for forms, REST and importers."""

from vnarchive.content import journal as kinds
from vnarchive.content.files import guess_type
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.journal import record


def add_master_file(record_obj, name, data, content_type=None):
    item = IRecordFiles(record_obj).add_master(
        name, data, content_type or guess_type(name)
    )
    record(
        record_obj, kinds.FILE_ADDED, file=item.name, sha256=item.sha256, size=item.size
    )
    record_obj.reindexObject(idxs=["SearchableText"])
    return item
