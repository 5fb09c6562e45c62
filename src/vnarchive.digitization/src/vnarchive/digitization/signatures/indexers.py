"""The signatures of a record in the catalog: `signature_status`, a keyword index.

Its values are the statuses found among the signatures of the record's files (each at
most once): "valid", "invalid", "unknown_signer"; "unsigned" when no file carries a
signature. A record whose PDF/A the archive signed is "valid"; one that also holds a
born-digital master with a broken signature is found under "invalid" too.
"""

from plone.indexer import indexer
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization.signatures.store import record_statuses


@indexer(IFileRecord)
def signature_status(obj):
    return record_statuses(obj)
