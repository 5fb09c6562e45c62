"""A PDF master that comes in is checked for signatures by the workers.

`IMasterFileAdded` is fired by the core for every master stored: the upload form, POST
@record-files and batch imports alike (imports keep the OCR upload job quiet with
`uploads.suppressed()`, which does not concern signatures). The check is asked for in the
transaction that stores the master (`work.ask`: the task is in the ledger, the message goes
when it commits), so a master is verified once it is there, and never before.
"""

from plone import api
from plone.uuid.interfaces import IUUID
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.signatures import work
from vnarchive.digitization.uploads import installed


PDF = "application/pdf"


def is_pdf(stored):
    return stored.content_type == PDF or stored.name.lower().endswith(".pdf")


def master_added(record, event):
    """IMasterFileAdded subscriber: a PDF master goes to "verify_signatures"."""
    if not installed():
        return
    stored = IRecordFiles(record).get(event.name)
    if stored is None or not is_pdf(stored):
        return
    work.ask(api.portal.get(), work.VERIFY, IUUID(record), event.name)
