"""GET @ocr-pages (the record's pages with OCR text) and @ocr-pages/<n> (one page)."""

from vnarchive.digitization.review import actions
from vnarchive.digitization.services.review import page_detail
from vnarchive.digitization.services.review import page_param
from vnarchive.digitization.services.review import page_summaries
from vnarchive.digitization.services.review import TraversingService


class PagesGet(TraversingService):
    def reply(self):
        actions.check_may_review(self.context)
        if not self.params:
            items = page_summaries(self.context)
            return {
                "@id": f"{self.context.absolute_url()}/@ocr-pages",
                "items": items,
                "items_total": len(items),
            }
        try:
            page = actions.get_page(self.context, page_param(self.params))
        except actions.ReviewError as error:
            return self.error(error)
        return page_detail(self.context, page)
