"""The records the site already holds: found by code or by the checksums of their files.

A re-run of a batch finds the records of the first run and reuses them; `reuse_problem`
says when the files of a row may not go to such a record.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from plone.app.uuid.utils import uuidToObject
from vnarchive.content import coding
from vnarchive.content.annotations import annotated_tree
from vnarchive.content.files import IRecordFiles
from vnarchive.content.interfaces import IFileRecord
from vnarchive.content.types.dossier import IDossier
from vnarchive.digitization import _


# a dossier's annotation: sha256 of each file imported into it -> UID of its record
CHECKSUMS_KEY = "vnarchive.digitization.checksums"


def holder(site, code):
    """The record holding `code` in the site-wide code registry, or None."""
    if not code:
        return None
    uid = coding.code_holder(code, site)
    return uuidToObject(uid, unrestricted=True) if uid else None


def imported_checksums(dossier, create=False):
    """sha256 -> record UID of the files imported into `dossier` (None: none yet)."""
    return annotated_tree(dossier, CHECKSUMS_KEY, create)


def record_by_checksums(dossier, checksums):
    """A record of `dossier` imported earlier with one of these files (a re-run)."""
    mapping = imported_checksums(dossier) if IDossier.providedBy(dossier) else None
    if not mapping:
        return None
    for checksum in checksums:
        uid = mapping.get(checksum)
        record = uuidToObject(uid, unrestricted=True) if uid else None
        if in_dossier(record, dossier):
            return record
    return None


def in_dossier(record, dossier):
    return (
        record is not None
        and IFileRecord.providedBy(record)
        and aq_base(aq_parent(aq_inner(record))) is aq_base(dossier)
    )


def reuse_problem(record, checksums):
    """(code, message) when the files may not go to the existing `record`, else None.

    A record found by its identifier is reused. New masters are refused when its codes
    are frozen (it left processing), and when it already holds other masters and none
    of these: that is not a re-run of the same row but an ordinal typed wrong.
    """
    held = {item.sha256 for item in IRecordFiles(record).masters()}
    missing = [checksum for checksum in checksums if checksum not in held]
    if not missing:
        return None
    code = coding.held_code(record) or record.getId()
    if coding.is_frozen(record):
        return "frozen", _(
            "import_error_frozen",
            default="“${code}” đã rời khâu chỉnh lý; không thêm tệp gốc mới vào được. Hãy đưa "
            "tệp vào một tài liệu khác hoặc bỏ khỏi lô.",
            mapping={"code": code},
        )
    if held and len(missing) == len(checksums):
        return "duplicate_identifier", _(
            "import_error_other_files",
            default="Tài liệu “${code}” đã có trong hệ thống với các tệp gốc khác; không tệp nào "
            "của dòng này trùng. Hãy kiểm tra số thứ tự (docOrdinal) của dòng.",
            mapping={"code": code},
        )
    return None
