"""Assigning archival codes to records, unique across the site and frozen after processing.

Uniqueness is enforced by the database, not hoped for: every code a record holds is a
key in one site-wide BTree (code -> record UID). Two transactions claiming the same code
write the same bucket, so one of them conflicts, is retried, and then finds it taken.
"""

from Acquisition import aq_base
from Acquisition import aq_chain
from Acquisition import aq_inner
from Acquisition import aq_parent
from BTrees.OOBTree import OOBTree
from plone import api
from plone.uuid.interfaces import IUUID
from vnarchive.content import _
from vnarchive.content import identifiers
from vnarchive.content.annotations import annotated_tree
from vnarchive.content.identifiers import InvalidCode
from vnarchive.content.interfaces import IDossierRecord
from vnarchive.content.interfaces import IFondsRecord
from vnarchive.content.interfaces import IHasRecordCodes
from zope.component.hooks import getSite


REGISTRY_KEY = "vnarchive.content.codes"


class CodeInUse(InvalidCode):
    """The code is held by another record."""


class CodesFrozen(InvalidCode):
    """The record has left processing; its codes can no longer change."""


def _site(context=None):
    for item in aq_chain(context) if context is not None else ():
        if getattr(aq_base(item), "portal_type", None) == "Plone Site":
            return item
    return getSite()


def code_registry(context=None, create=False):
    registry = annotated_tree(_site(context), REGISTRY_KEY, create)
    return registry if registry is not None else OOBTree()


def code_holder(code, context=None):
    """UID of the record holding `code`, or None."""
    return code_registry(context).get(code)


def _describe(uid, context):
    brains = api.content.find(context=_site(context), UID=uid, unrestricted=True)
    return brains[0].Title if brains else uid


def ensure_code_free(code, own_uid=None, context=None):
    holder = code_holder(code, context)
    if holder is not None and holder != own_uid:
        raise CodeInUse(
            _(
                "error_code_in_use",
                default="Mã “${code}” đã được dùng cho “${holder}”. Mã lưu trữ là duy nhất "
                "và không thay đổi; hãy chọn số khác.",
                mapping={"code": code, "holder": _describe(holder, context)},
            )
        )


def held_code(record):
    """The code `record` holds in the registry (None before it is added)."""
    return getattr(aq_base(record), "_claimed_code", None)


def is_frozen(record):
    return bool(getattr(aq_base(record), "_codes_frozen", False))


def freeze_codes(record):
    record._codes_frozen = True


def frozen_error(record):
    return CodesFrozen(
        _(
            "error_codes_frozen",
            default="Không thể đổi mã “${code}”: hồ sơ, tài liệu đã rời khâu chỉnh lý "
            "nên mã đã cố định.",
            mapping={"code": held_code(record)},
        )
    )


def refuse_frozen_change(context, kind, code, prefix=None):
    """For a frozen record of `kind`: raise if the data would give it another code.

    Compared with the code it holds, not with its fields: REST writes the fields before
    it validates, so the old field values are gone by then.
    """
    if context is None or not kind.providedBy(context) or not is_frozen(context):
        return False
    held = aq_base(context)
    if code != held_code(context) or (
        prefix is not None and prefix != getattr(held, "_code_prefix", prefix)
    ):
        raise frozen_error(context)
    return True


def _claim(record, code):
    """Give `record` the code `code`; returns True when its code changed."""
    previous = held_code(record)
    if code == previous:
        return False
    if is_frozen(record):
        raise frozen_error(record)
    uid = IUUID(record)
    ensure_code_free(code, uid, record)
    registry = code_registry(record, create=True)
    registry[code] = uid
    if previous and registry.get(previous) == uid:
        del registry[previous]
    record._claimed_code = code
    return True


def frozen_move_message(record):
    return _(
        "error_frozen_move",
        default="Không thể chuyển “${code}” sang nơi khác: mã đã cố định sau khâu "
        "chỉnh lý.",
        mapping={"code": held_code(record)},
    )


def release_codes(record):
    """Free the code of a record removed while still in processing."""
    code = held_code(record)
    if not code or is_frozen(record):
        return
    registry = code_registry(record)
    if registry.get(code) == IUUID(record, None):
        del registry[code]
    record._claimed_code = None


def forget_codes(record):
    """A copy starts without the original's codes; it is given its own when added."""
    for name in ("_claimed_code", "_codes_frozen"):
        if name in record.__dict__:
            delattr(record, name)
    if IHasRecordCodes.providedBy(record):
        record.docOrdinal = record.docId = record.docCode = None


def find_fonds(context):
    for item in aq_chain(aq_inner(context)):
        if IFondsRecord.providedBy(item):
            return item
    return None


def fonds_prefix(fonds):
    """The agency identifier, or for a closed fonds without one, the fonds code."""
    return fonds.agencyCode or fonds.fondsCode


def update_fonds_codes(fonds):
    previous_prefix = getattr(aq_base(fonds), "_code_prefix", None)
    if _claim(fonds, fonds.fondsCode):
        fonds.reindexObject()
    fonds._code_prefix = fonds_prefix(fonds)
    if previous_prefix not in (None, fonds._code_prefix):
        for item in fonds.objectValues():
            if IDossierRecord.providedBy(item):
                update_dossier_codes(item)


def update_dossier_codes(dossier):
    fonds = find_fonds(aq_parent(aq_inner(dossier)))
    if fonds is None:
        return
    code = identifiers.dossier_code(
        fonds_prefix(fonds), dossier.fileYear, dossier.fileNumber
    )
    if not _claim(dossier, code):
        return
    dossier.fileCode = code
    dossier.reindexObject()
    for item in dossier.objectValues():
        if IHasRecordCodes.providedBy(item):
            update_record_codes(item)


def next_ordinal(dossier):
    return getattr(aq_base(dossier), "_last_ordinal", 0) + 1


def update_record_codes(record):
    dossier = aq_parent(aq_inner(record))
    if not IDossierRecord.providedBy(dossier) or not dossier.fileCode:
        return
    if record.docOrdinal is None:
        record.docOrdinal = next_ordinal(dossier)
    dossier._last_ordinal = max(next_ordinal(dossier) - 1, record.docOrdinal)
    code = identifiers.document_id(dossier.fileCode, record.docOrdinal)
    if _claim(record, code):
        record.docId = code
        record.docCode = identifiers.document_code(dossier.fileCode, record.docOrdinal)
        record.reindexObject()


def _own_uid(context, kind):
    return IUUID(context, None) if kind.providedBy(context) else None


def check_dossier_code_free(context, year, number):
    """Form and REST check: would this year and number give a code already in use?"""
    if context is None or year is None or not number:
        return
    fonds = find_fonds(context)
    if fonds is None:
        return
    code = identifiers.dossier_code(fonds_prefix(fonds), year, number)
    if refuse_frozen_change(context, IDossierRecord, code):
        return
    ensure_code_free(code, _own_uid(context, IDossierRecord), context)


def check_record_ordinal_free(context, ordinal):
    if context is None:
        return
    if IHasRecordCodes.providedBy(context):
        dossier = aq_parent(aq_inner(context))
    else:
        dossier = context
    if not IDossierRecord.providedBy(dossier) or not dossier.fileCode:
        return
    code = identifiers.document_id(dossier.fileCode, ordinal) if ordinal else None
    if refuse_frozen_change(context, IHasRecordCodes, code) or code is None:
        return
    ensure_code_free(code, _own_uid(context, IHasRecordCodes), context)


def check_fonds_code_free(context, fonds_code, agency_code):
    prefix = agency_code or fonds_code
    if refuse_frozen_change(context, IFondsRecord, fonds_code, prefix):
        return
    if context is None or not fonds_code:
        return
    ensure_code_free(fonds_code, _own_uid(context, IFondsRecord), context)
