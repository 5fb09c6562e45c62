"""Keep the viewer's pages in step with the record's files."""

from vnarchive.digitization.viewer.storage import clear
from vnarchive.policy.workflow.states import DESTROYED


def record_transition(obj, event):
    """Destroying a record removes its files and page data: the viewer's pages go too."""
    new_state = getattr(event, "new_state", None)
    if new_state is not None and new_state.getId() == DESTROYED:
        clear(obj)
