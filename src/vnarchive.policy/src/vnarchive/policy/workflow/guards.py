"""Guards of the record workflow: the rules hold in code, whatever the client.

DCWorkflow evaluates these on every transition (UI, REST, plone.api), and `reasons`
lets the record view tell staff why a transition is not offered.
"""

from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from vnarchive.content import codelists
from vnarchive.content.completeness import missing_fields
from vnarchive.content.interfaces import IArchivalRecord
from vnarchive.policy import _
from vnarchive.policy.interfaces import IPublicationCheck
from vnarchive.policy.workflow.states import DESTROYED
from vnarchive.policy.workflow.states import PUBLISHED
from zope.component import subscribers


def may_archive(record):
    """Leaving processing requires the national minimum description and codes."""
    return not missing_fields(record)


def may_publish(record):
    """Only public records (access mode 01) reach the public portal, only inside a
    published dossier and fonds (a fonds sits in the site: nothing to wait for), and
    only when no publication check (IPublicationCheck, e.g. the OCR review of the
    digitization add-on) has a reason to wait."""
    return not publication_reasons(record)


def publication_reasons(record):
    """Why `record` may not be published yet: i18n Messages, empty when it may be.

    The rules of the core first (access mode, containers), then those of every
    IPublicationCheck subscription adapter registered for the record (add-ons).
    """
    reasons = []
    if getattr(record, "mode", None) != codelists.PUBLIC:
        reasons.append(
            _(
                "publish_reason_not_public",
                default="Chỉ tài liệu có chế độ sử dụng công khai mới được công bố.",
            )
        )
    if not containers_published(record):
        reasons.append(
            _(
                "publish_reason_container",
                default="Hồ sơ và phông chứa tài liệu phải được công bố trước.",
            )
        )
    for check in subscribers((record,), IPublicationCheck):
        reasons.extend(check.reasons() or ())
    return reasons


def containers_published(record):
    """Every fonds or dossier holding `record` is published."""
    parent = aq_parent(aq_inner(record))
    while parent is not None and IArchivalRecord.providedBy(parent):
        if api.content.get_state(parent, default=None) != PUBLISHED:
            return False
        parent = aq_parent(aq_inner(parent))
    return True


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
