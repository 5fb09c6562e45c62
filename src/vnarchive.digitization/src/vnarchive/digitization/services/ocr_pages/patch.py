"""PATCH @ocr-pages/<n> with {"text": "...", "version": 2}: save a correction."""

from vnarchive.digitization.review import actions
from vnarchive.digitization.services.review import page_detail
from vnarchive.digitization.services.review import page_param
from vnarchive.digitization.services.review import TraversingService


class PagePatch(TraversingService):
    def reply(self):
        actions.check_may_review(self.context)
        try:
            number = page_param(self.params)
            data = self.body()
            changed = actions.save_correction(
                self.context, number, data.get("text"), data.get("version")
            )
        except actions.ReviewError as error:
            return self.error(error)
        result = page_detail(self.context, actions.get_page(self.context, number))
        result["changed"] = changed
        return result
