"""What went wrong, for people: `BatchError` and the texts batches keep."""

from vnarchive.content.errors import ArchivalValidationError
from vnarchive.content.errors import message_text
from vnarchive.digitization import _


class BatchError(ArchivalValidationError):
    """A batch that cannot be started as asked (a path outside the import root, a bad ZIP)."""


def text(message):
    """An i18n message as the Vietnamese text stored for people (batches keep text)."""
    return message_text(message) if message is not None else None


def failure_reason(error):
    """What went wrong with a page, for people: never a traceback."""
    problems = getattr(error, "problems", None)
    if problems:  # importing.plan.ImportRefused: every problem of the record
        return "; ".join(str(problem) for problem in problems)
    if isinstance(error, ArchivalValidationError):
        return text(error.doc()) if hasattr(error, "doc") else str(error)
    return text(
        _(
            "digitization_error_unexpected",
            default="Lỗi khi xử lý: ${kind}: ${detail}",
            mapping={"kind": type(error).__name__, "detail": str(error)[:300]},
        )
    )
