"""Information packages: the demo holdings with PDF/A files, committed for the HTTP server."""

from helpers import CONDITIONAL_DOCUMENT
from helpers import PUBLISHED_DOCUMENT
from plone import api
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.tasks.records import PDFA
from vnarchive.digitization.tasks.records import pdfa_name

import pytest
import transaction


# A master with a name that is legal in the archive but must be made safe in a package:
# leading dots, Vietnamese letters, characters some file systems refuse.
ODD_MASTER = "..Tờ trình gốc: bản quét?.png"


def pdf_bytes(marker):
    """A small PDF standing for a PDF/A (its content is not what these tests check)."""
    return (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n% " + marker.encode() + b"\n%%EOF\n"
    ) * 20


@pytest.fixture
def site(functional_portal):
    transaction.commit()
    return functional_portal.absolute_url()


@pytest.fixture
def packaged(functional_portal, functional_holdings):
    """The published document and the conditional one of the published dossier get a
    PDF/A; the published one also an oddly named master. Committed."""
    with api.env.adopt_roles(["Manager"]):
        for code in (PUBLISHED_DOCUMENT, CONDITIONAL_DOCUMENT):
            record = functional_holdings[code]
            IRecordFiles(record).set_derivative(
                pdfa_name(record),
                pdf_bytes(code),
                "application/pdf",
                kind=PDFA,
                source="ocr",
            )
        IRecordFiles(functional_holdings[PUBLISHED_DOCUMENT]).add_master(
            ODD_MASTER, b"\x89PNG\r\n\x1a\n odd master", "image/png"
        )
    transaction.commit()
    return functional_holdings
