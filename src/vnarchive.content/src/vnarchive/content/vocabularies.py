"""Named vocabularies built from the national code lists, one per list."""

from vnarchive.content import codelists
from zope.interface import implementer
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


PREFIX = "vnarchive.vocabularies."


def vocabulary_name(code_list):
    return PREFIX + code_list.name


@implementer(IVocabularyFactory)
class CodeListVocabulary:
    def __init__(self, code_list):
        self.code_list = code_list

    def __call__(self, context=None):
        return SimpleVocabulary(
            [
                SimpleTerm(value=code.value, token=code.value, title=code.label)
                for code in self.code_list
            ]
        )


# One factory per list; configure.zcml registers each under vocabulary_name(list).
retention = CodeListVocabulary(codelists.RETENTION)
access_mode = CodeListVocabulary(codelists.ACCESS_MODE)
reliability = CodeListVocabulary(codelists.RELIABILITY)
physical_condition = CodeListVocabulary(codelists.PHYSICAL_CONDITION)
backup_status = CodeListVocabulary(codelists.BACKUP_STATUS)
fonds_status = CodeListVocabulary(codelists.FONDS_STATUS)
language = CodeListVocabulary(codelists.LANGUAGE)
document_type = CodeListVocabulary(codelists.DOCUMENT_TYPE)
photo_kind = CodeListVocabulary(codelists.PHOTO_KIND)
photo_colour = CodeListVocabulary(codelists.PHOTO_COLOUR)
av_kind = CodeListVocabulary(codelists.AV_KIND)
