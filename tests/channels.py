"""What the access tests share: the hidden records, the searches that would find them, the
site as a visitor sees it (`Site` of `Record`s) and the leak check."""

from dataclasses import dataclass
from helpers import CONDITIONAL_DOCUMENT
from helpers import CONDITIONAL_DOSSIER
from helpers import DEMO_PASSWORD
from helpers import PROCESSING_DOCUMENT
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from helpers import SECRET_DOCUMENT
from helpers import SECRET_DOSSIER
from helpers import UNDER_REVIEW_DOCUMENT
from helpers import USERS
from plone import api
from prober import text_of


TIMEOUT = 30
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
VISITORS = {"anonymous": None, "reader": READER}

# The records not published that the tests ask for by name; every other unpublished record
# of the demo is looked for too, in every answer.
HIDDEN = [
    SECRET_DOSSIER,
    SECRET_DOCUMENT,
    CONDITIONAL_DOSSIER,
    CONDITIONAL_DOCUMENT,
    UNDER_REVIEW_DOCUMENT,
    PROCESSING_DOSSIER,
    PROCESSING_DOCUMENT,
]
HIDDEN_DOCUMENTS = [
    SECRET_DOCUMENT,
    CONDITIONAL_DOCUMENT,
    UNDER_REVIEW_DOCUMENT,
    PROCESSING_DOCUMENT,
]

# Words only in the OCR text given below to a page of the secret document.
SECRET_OCR = "Tọa độ kho lưu giữ tài liệu mật tại đồn biên phòng Lao Bảo"
SECRET_OCR_WORDS = "tọa độ đồn biên phòng Lao Bảo"

# Searched words -> (hidden records the Archivist finds with them, published ones anyone finds).
SEARCHES = {
    "bí mật": ({SECRET_DOSSIER, SECRET_DOCUMENT}, set()),
    SECRET_OCR_WORDS: ({SECRET_DOCUMENT}, set()),
    "tổng kết": ({CONDITIONAL_DOCUMENT}, {PUBLISHED_DOSSIER, PUBLISHED_DOCUMENT}),
    "bổ nhiệm": ({CONDITIONAL_DOSSIER}, set()),
    "chuyển đổi số": ({PROCESSING_DOSSIER}, set()),
    "giấy mời họp giao ban": ({UNDER_REVIEW_DOCUMENT}, set()),
}


# -- The site --------------------------------------------------------------------------------


@dataclass
class Record:
    code: str
    title: str
    texts: tuple  # abstract, description: distinctive words of the record
    url: str
    state: str
    doc_id: str = None

    @property
    def path(self):
        """The URL without scheme and host, as listings may write it either way."""
        return "/" + self.url.split("/", 3)[3]

    def markers(self, urls=True):
        found = [self.code, self.title, *self.texts]
        return [*found, self.path] if urls else found


@dataclass
class Site:
    url: str
    records: dict  # code -> Record

    def __getitem__(self, code):
        return self.records[code]

    @property
    def hidden(self):
        return [
            record for record in self.records.values() if record.state != "published"
        ]

    @property
    def published(self):
        return [
            record for record in self.records.values() if record.state == "published"
        ]


def record_texts(obj):
    """The abstract and description: long enough to be the record's own words."""
    values = (getattr(obj, name, None) for name in ("subjectText", "description"))
    return tuple(
        value for value in values if isinstance(value, str) and len(value) > 20
    )


def describe(records):
    """{code: Record} of the records {code: object}, as the tests look for them."""
    return {
        code: Record(
            code=code,
            title=obj.Title(),
            texts=record_texts(obj),
            url=obj.absolute_url(),
            state=api.content.get_state(obj),
            doc_id=getattr(obj, "docId", None),
        )
        for code, obj in records.items()
    }


def leaks(response, records, urls=True):
    """Which titles, abstracts, codes (and URLs) of `records` the answer (or text) shows."""
    text = response if isinstance(response, str) else text_of(response)
    return [
        f"{record.code} ({record.state}): {marker!r}"
        for record in records
        for marker in record.markers(urls)
        if marker in text
    ]
