"""POST @ocr-review/approve or @ocr-review/reject with {"comment": ...}: the decision."""

from vnarchive.digitization import _
from vnarchive.digitization.review import actions
from vnarchive.digitization.services.review import document_summary
from vnarchive.digitization.services.review import TraversingService
from vnarchive.policy.errors import service_error


BAD_DECISION = _(
    "review_error_bad_decision",
    default="Chỉ có @ocr-review/approve (duyệt) và @ocr-review/reject (từ chối).",
)


class DecisionPost(TraversingService):
    def reply(self):
        if len(self.params) != 1 or self.params[0] not in ("approve", "reject"):
            return service_error(self.request, 404, BAD_DECISION)
        actions.check_may_review(self.context)
        try:
            comment = self.body().get("comment")
            if comment is not None and not isinstance(comment, str):
                comment = str(comment)
            if self.params[0] == "approve":
                actions.approve(self.context, comment)
            else:
                actions.reject(self.context, comment)
        except actions.ReviewError as error:
            return self.error(error)
        return document_summary(self.context)
