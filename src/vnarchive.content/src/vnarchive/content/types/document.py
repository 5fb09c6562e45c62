"""Tài liệu / văn bản: one document, however many pages it has."""

from Acquisition import aq_base
from plone.supermodel import model
from Products.CMFCore.utils import getToolByName
from vnarchive.content import _
from vnarchive.content import codelists
from vnarchive.content.behaviors.dating import DATE_HELP
from vnarchive.content.errors import message_text
from vnarchive.content.errors import SOURCE_LANGUAGE
from vnarchive.content.fields import CodeLine
from vnarchive.content.fields import PartialDateLine
from vnarchive.content.identifiers import check_code_notation
from vnarchive.content.identifiers import check_code_number
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.interfaces import IWriteGuard
from vnarchive.content.traversal import RecordItem
from zope import schema
from zope.interface import implementer

import logging


logger = logging.getLogger(__name__)

# Interface languages in which earlier versions composed titles (the request's language).
FORMER_TITLE_LANGUAGES = ("vi", "en", "lo")


class IArchivalDocument(model.Schema, IFileRecord):
    title = schema.TextLine(
        title=_("label_document_title", default="Tiêu đề"),
        description=_(
            "help_document_title",
            default="Để trống thì dùng tên loại, số, ký hiệu và trích yếu.",
        ),
        required=False,
        max_length=1000,
    )

    typeName = schema.Choice(
        title=_("label_type_name", default="Tên loại tài liệu"),
        vocabulary="vnarchive.vocabularies.document_type",
        required=False,
    )

    codeNumber = CodeLine(
        title=_("label_code_number", default="Số của tài liệu"),
        required=False,
        max_length=11,
        uppercase=False,
        check=check_code_number,
    )

    codeNotation = CodeLine(
        title=_("label_code_notation", default="Ký hiệu của tài liệu"),
        description=_("help_code_notation", default="Ví dụ QĐ-UBND."),
        required=False,
        max_length=30,
        uppercase=False,
        check=check_code_notation,
    )

    issuedDate = PartialDateLine(
        title=_("label_issued_date", default="Ngày tháng năm tài liệu"),
        description=DATE_HELP,
        required=False,
    )

    organName = schema.TextLine(
        title=_("label_organ_name", default="Cơ quan, tổ chức, cá nhân ban hành"),
        required=False,
        max_length=200,
    )

    subjectText = schema.Text(
        title=_("label_subject", default="Trích yếu nội dung"),
        required=True,
        max_length=500,
    )

    autograph = schema.Text(
        title=_("label_autograph", default="Bút tích"),
        description=_(
            "help_autograph", default="Bút tích, ý kiến chỉ đạo viết tay của lãnh đạo."
        ),
        required=False,
        max_length=2000,
    )

    process = schema.Bool(
        title=_("label_process", default="Có quy trình xử lý kèm theo"),
        required=False,
        default=False,
    )


def number_and_symbol(number, notation):
    """'123/QĐ-UBND', the way documents are cited (Decree 30)."""
    return "/".join(part for part in (number, notation) if part)


def join_title(kind, number, subject):
    """'Báo cáo 12/BC-UBND: Báo cáo tổng kết…': type, number-and-symbol, abstract."""
    head = " ".join(part for part in (kind, number) if part)
    return f"{head}: {subject}" if head else subject


@implementer(IArchivalDocument)
class ArchivalDocument(RecordItem):
    title = ""

    def _type_title(self, language=SOURCE_LANGUAGE):
        code = codelists.DOCUMENT_TYPE.get(self.typeName)
        return message_text(code.label, language) if code else ""

    def _subject(self):
        return " ".join((self.subjectText or "").split())

    def composed_title(self):
        """Type, number-and-symbol and abstract, for documents given no title.

        Archival metadata, not interface text: always in Vietnamese, whatever the
        language of the request and whichever path (form, REST, import) made the record.
        """
        return join_title(
            self._type_title(),
            number_and_symbol(self.codeNumber, self.codeNotation),
            self._subject(),
        )

    def former_composed_titles(self):
        """The titles earlier versions composed from the same fields.

        They translated the type into the interface language (vi, en, lo) and left it
        out when the abstract began with it, so "Report 12/BC-UBND: …" and
        "12/BC-UBND: Báo cáo …" were both composed, never typed.
        """
        number = number_and_symbol(self.codeNumber, self.codeNotation)
        subject = self._subject()
        titles = set()
        for language in FORMER_TITLE_LANGUAGES:
            kind = self._type_title(language)
            titles.add(join_title(kind, number, subject))
            if kind and subject.lower().startswith(kind.lower()):
                titles.add(join_title("", number, subject))
        return titles

    def has_composed_title(self):
        """True unless people typed the title (a composed one is kept up to date)."""
        title = self.title
        return (
            not title
            or title == getattr(aq_base(self), "_composed_title", None)
            or title in self.former_composed_titles()
        )

    def title_outdated(self):
        """A composed title that today's rule writes otherwise (or not marked as composed)."""
        if not self.has_composed_title():
            return False
        title = self.composed_title()
        marked = getattr(aq_base(self), "_composed_title", None)
        return self.title != title or marked != title

    def refresh_title(self):
        """Keep a composed title up to date; a title people typed is left alone.

        Returns True when it changed the title (or marked it as composed).
        """
        if not self.title_outdated():
            return False
        self.title = self._composed_title = self.composed_title()
        return True

    def Title(self):
        return self.title or self.composed_title()

    def name_source(self):
        return None  # named by ordinal: see naming.DossierNameChooser


TITLE_INDEXES = ("Title", "sortable_title", "SearchableText")


def recompose_titles(site):
    """Recompose the composed titles of every document in `site` by today's rule.

    For an upgrade step: titles composed by earlier versions (in the interface
    language, the type sometimes left out) become "Báo cáo 12/BC-UBND: …" in
    Vietnamese; titles people typed are left alone. Each document changed is asked of
    its write guard ("edit") first: run it inside the policy's `system_change` so that
    closed (destroyed, transferred) records are changed and journaled, not refused.
    Returns the documents changed.
    """
    catalog = getToolByName(site, "portal_catalog")
    changed = []
    for brain in catalog.unrestrictedSearchResults(
        object_provides=IArchivalDocument.__identifier__
    ):
        document = brain._unrestrictedGetObject()
        if not document.title_outdated():
            continue
        guard = IWriteGuard(document, None)
        if guard is not None:
            guard.check("edit")
        previous = document.title
        document.refresh_title()
        document.reindexObject(idxs=list(TITLE_INDEXES))
        logger.info("%s: title %r -> %r", brain.getPath(), previous, document.title)
        changed.append(document)
    return changed
