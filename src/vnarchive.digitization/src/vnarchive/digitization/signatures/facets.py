"""The search page's "Chữ ký số" facet: records by the state of their files' signatures.

Offered to the core's search (catalog and Solr alike) through `ISearchFacets`, and only in a
site where this add-on is installed: the `signature_status` index is the add-on's.
"""

from vnarchive.content.codelists import Code
from vnarchive.content.codelists import CodeList
from vnarchive.digitization import _
from vnarchive.digitization.review.publication import installed
from vnarchive.digitization.signatures import store
from vnarchive.digitization.signatures.display import STATUS_TITLES
from vnarchive.policy.search.interfaces import ISearchFacets
from vnarchive.policy.search.query import Facet
from zope.interface import implementer


SIGNATURE_STATUS = CodeList(
    "signature_status",
    tuple(Code(status, STATUS_TITLES[status]) for status in store.STATUSES),
)


@implementer(ISearchFacets)
class SignatureFacets:
    facets = (
        Facet(
            "signature",
            "signature_status",
            _("search_facet_signature", default="Chữ ký số"),
            SIGNATURE_STATUS,
            multi=True,
        ),
    )

    def available(self):
        return installed()
