"""Adding files to a record: one path for forms, REST and importers."""

from vnarchive.content import journal as kinds
from vnarchive.content.files import guess_type
from vnarchive.content.files import IRecordFiles
from vnarchive.policy.interfaces import IMasterFileAdded
from vnarchive.policy.journal import record
from zope.event import notify
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent


@implementer(IMasterFileAdded)
class MasterFileAdded(ObjectEvent):
    def __init__(self, record_obj, name, sha256, process=True):
        super().__init__(record_obj)
        self.name = name
        self.sha256 = sha256
        self.process = process


def add_master_file(record_obj, name, data, content_type=None, process=True):
    """Store master `name` on the record, journal it and tell the add-ons
    (IMasterFileAdded); `process=False` for a file they are not to process."""
    item = IRecordFiles(record_obj).add_master(
        name, data, content_type or guess_type(name)
    )
    record(
        record_obj, kinds.FILE_ADDED, file=item.name, sha256=item.sha256, size=item.size
    )
    record_obj.reindexObject(idxs=["SearchableText"])
    notify(MasterFileAdded(record_obj, item.name, item.sha256, process))
    return item
