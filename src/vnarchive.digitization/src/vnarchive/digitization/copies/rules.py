"""When the archive issues a certified copy: a published, public record with a PDF/A, and
signing set up with the archive's seal.

- Only a published record is copied (access mode 01, state "published"), and only while
  anyone may see it (its dossier and fonds public too): a certified copy is a use of a
  public record. Conditional records need an approved request first (the reading room).
- The copy is made from the record's PDF/A (`signatures.rules.record_pdfa`).
- Signing is set up (`SigningSettings.from_environ`) and the seal image is configured
  (`VNARCHIVE_SIGNING_SEAL`) and readable: otherwise nothing is registered and staff are
  told which setting is missing.

`is_public` answers for Anonymous, whoever asks: the verification page uses it to decide
whether it may say what a copy certifies.
"""

from AccessControl.SpecialUsers import nobody
from Acquisition import aq_inner
from Acquisition import aq_parent
from plone import api
from Products.CMFCore.interfaces import ISiteRoot
from Products.CMFCore.permissions import View
from vnarchive.digitization import _
from vnarchive.digitization.signatures.rules import record_pdfa
from vnarchive.digitization.signatures.rules import signing_settings
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing.appearance import load_seal
from vnarchive.policy.workflow.states import PUBLISHED
from vnarchive.policy.workflow.states import WORKFLOW_ID


ISSUE_COPIES = "vnarchive: Issue certified copies"  # the add-on's permission (by title)

NO_PDFA = _(
    "copy_refused_no_pdfa",
    default="Tài liệu chưa có bản PDF/A nên chưa thể cấp bản sao (bản PDF/A được tạo "
    "sau khi số hóa và nhận dạng chữ).",
)
NOT_PUBLIC = _(
    "copy_refused_not_public",
    default="Tài liệu đã công bố nhưng hồ sơ hoặc phông chứa nó chưa công bố, nên chưa "
    "thể cấp bản sao chứng thực.",
)


def is_public(record):
    """Anonymous may View `record` and every container of it up to the site."""
    item = aq_inner(record)
    while item is not None and not ISiteRoot.providedBy(item):
        if not nobody.has_permission(View, item):
            return False
        item = aq_parent(item)
    return item is not None


def _state_title(record):
    state = api.content.get_state(record, default=None)
    workflow = api.portal.get_tool("portal_workflow").getWorkflowById(WORKFLOW_ID)
    found = workflow.states.get(state) if workflow is not None and state else None
    return found.title if found is not None else str(state)


def reasons_not_to_issue(record):
    """Why no copy of `record` can be issued now (i18n messages); [] when it can."""
    if api.content.get_state(record, default=None) != PUBLISHED:
        return [
            _(
                "copy_refused_not_published",
                default="Chỉ cấp bản sao chứng thực cho tài liệu đã công bố; tài liệu "
                "này đang ở trạng thái “${state}”.",
                mapping={"state": _state_title(record)},
            )
        ]
    if not is_public(record):
        return [NOT_PUBLIC]
    if record_pdfa(record) is None:
        return [NO_PDFA]
    return []


def copy_settings():
    """(settings, None) when copies can be signed with the seal, else (None, the
    SigningError saying which setting is missing or wrong)."""
    settings, error = signing_settings()
    if settings is None:
        return None, error
    try:
        settings.check_seal()
        load_seal(settings.seal)
    except SigningError as refused:
        return None, refused
    return settings, None
