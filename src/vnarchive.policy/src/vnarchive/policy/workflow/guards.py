"""Guards of the record workflow: the rules hold in code, whatever the client.

DCWorkflow evaluates these on every transition (UI, REST, plone.api), and `reasons`
lets the record view tell staff why a transition is not offered.
"""

from plone import api
from vnarchive.content import codelists
from vnarchive.content.completeness import missing_fields
from vnarchive.policy.workflow.states import DESTROYED


def may_archive(record):
    """Leaving processing requires the national minimum description and codes."""
    return not missing_fields(record)


def may_publish(record):
    """Only public records (access mode 01) reach the public portal."""
    return getattr(record, "mode", None) == codelists.PUBLIC


def _retention(record):
    return getattr(record, "maintenance", None)


def may_propose_destruction(record):
    """Permanent records are never destroyed; a record needs a retention period."""
    retention = _retention(record)
    return retention is not None and retention != codelists.PERMANENT


def may_destroy(record):
    """As above, and a dossier or fonds goes only after everything in it went."""
    if not may_propose_destruction(record):
        return False
    return all(
        api.content.get_state(child, default=None) == DESTROYED
        for child in getattr(record, "objectValues", lambda: ())()
    )


def may_transfer(record):
    """Only permanent records go to the historical archive."""
    return _retention(record) == codelists.PERMANENT
