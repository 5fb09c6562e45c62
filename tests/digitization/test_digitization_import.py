"""Batch import: manifests (CSV, XLSX), validate-only planning, idempotent import."""

from batches import BAD_KINDS
from batches import document
from batches import document_fields
from batches import make_batch
from batches import scan
from batches import STANDARD_FILES
from batches import STANDARD_PAGES
from helpers import as_user
from helpers import by_code
from helpers import PROCESSING_DOSSIER
from helpers import USERS
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from vnarchive.content.coding import code_registry
from vnarchive.content.files import IRecordFiles
from vnarchive.digitization.importing import apply
from vnarchive.digitization.importing.apply import import_document
from vnarchive.digitization.importing.plan import ImportRefused
from vnarchive.digitization.importing.plan import PlannedDocument
from vnarchive.digitization.importing.planner import plan_batch
from vnarchive.digitization.manifest import read_manifest

import hashlib
import pytest
import transaction
import unicodedata


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# -- the manifest, without Zope --------------------------------------------------------


def test_csv_manifest_with_vietnamese_text_semicolons_and_bom(tmp_path):
    nfd = unicodedata.normalize("NFD", "Báo cáo tổng kết; năm 2010")
    text = (
        "\ufeffLoại;Hồ sơ;Tệp;subjectText;issuedDate;languageCode;docOrdinal\r\n"
        f'tài liệu;000.00.00.H56.2010.01.TH;"hop 1\\trang-1.tif; trang-2.tif";"{nfd}";'
        "10/01/2011;01,lo;3\r\n"
        ";;;;;;\r\n"
        "hồ sơ;;;Hồ sơ hội nghị;;;\r\n"
    )
    path = tmp_path / "manifest.csv"
    path.write_bytes(text.encode("utf-8"))
    manifest = read_manifest(path)
    assert manifest.problems == []
    assert manifest.columns[:3] == ["kind", "dossier", "files"]
    first, second = manifest.rows
    assert (first.number, second.number) == (2, 4)  # spreadsheet rows, blanks skipped
    assert (first.kind, first.type_name) == ("document", "ArchivalDocument")
    assert first.dossier == "000.00.00.H56.2010.01.TH"
    assert first.files == ["hop 1/trang-1.tif", "trang-2.tif"]
    assert first.fields == {
        "subjectText": "Báo cáo tổng kết; năm 2010",  # NFC
        "issuedDate": "10/01/2011",
        "languageCode": "01,lo",
        "docOrdinal": "3",
    }
    assert second.kind == "dossier"
    assert second.fields == {"subjectText": "Hồ sơ hội nghị"}


def test_csv_manifest_with_commas_and_no_bom(tmp_path):
    path = tmp_path / "danh-muc.csv"
    path.write_text(
        'kind,dossier,files,subjectText\ndocument,X,a.png,"Tờ trình, đề nghị"\n',
        encoding="utf-8",
    )
    manifest = read_manifest(path)
    assert manifest.problems == []
    assert manifest.rows[0].fields == {"subjectText": "Tờ trình, đề nghị"}


def test_xlsx_manifest_with_vietnamese_text_numbers_and_dates(tmp_path):
    import datetime
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["kind", "dossier", "files", "subjectText", "issuedDate", "docOrdinal"]
    )
    sheet.append(
        [
            "document",
            "000.00.00.H56.2010.01.TH",
            "quyết-định.tif;phụ lục.pdf",
            "Quyết định khen thưởng tập thể, cá nhân",
            datetime.datetime(2011, 1, 25),
            7,
        ]
    )
    sheet.append([])
    sheet.append(["ảnh", "000.00.00.H56.1977.05.HT", "ảnh/lễ.jpg", None, "1977", 4.0])
    workbook.save(tmp_path / "manifest.xlsx")
    manifest = read_manifest(tmp_path / "manifest.xlsx")
    assert manifest.problems == []
    first, photo = manifest.rows
    assert first.files == ["quyết-định.tif", "phụ lục.pdf"]
    assert first.fields["issuedDate"] == "25/01/2011"  # a date cell, national form
    assert first.fields["docOrdinal"] == "7"
    assert first.fields["subjectText"] == "Quyết định khen thưởng tập thể, cá nhân"
    assert (photo.number, photo.kind, photo.fields["docOrdinal"]) == (4, "photo", "4")


def test_manifest_problems_name_row_column_and_are_vietnamese(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text(
        "kind,dossier,files,title,title\n"
        "tài liệu,X,../ngoai-lo.tif,A,B\n"
        "thư mục,X,a.tif,C\n"
        "document,X,/etc/passwd,D,,thừa\n",
        encoding="utf-8",
    )
    manifest = read_manifest(path)
    found = {(p.code, p.row, p.column) for p in manifest.problems}
    assert ("duplicate_column", 1, "title") in found
    assert ("bad_path", 2, "files") in found
    assert ("unknown_kind", 3, "kind") in found
    assert ("bad_path", 4, "files") in found
    assert ("no_column", 4, None) in found
    texts = " ".join(p.text() for p in manifest.problems)
    assert "xuất hiện hai lần" in texts
    assert "không hợp lệ" in texts
    assert "Loại “thư mục” không rõ" in texts


def test_manifest_not_utf8_is_one_clear_problem(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_bytes("kind,subjectText\ndocument,Báo cáo\n".encode("cp1258"))
    manifest = read_manifest(path)
    assert manifest.rows == []
    assert [p.code for p in manifest.problems] == ["encoding"]
    assert "CSV UTF-8" in manifest.problems[0].text()


# -- planning and importing in the site ------------------------------------------------


@pytest.fixture
def archivist(portal, holdings):
    as_user(portal, USERS["Archivist"])
    return holdings


def counts(portal):
    catalog = api.portal.get_tool("portal_catalog")
    return (
        len(catalog.unrestrictedSearchResults()),
        dict(code_registry(portal).items()),
    )


def test_plan_of_a_good_batch(portal, archivist, tmp_path):
    batch = make_batch(tmp_path / "lo")
    plan = plan_batch(portal, batch.folder)
    assert [str(p) for p in plan.problems] == []
    assert len(plan.documents) == 4
    assert (plan.files_total, plan.pages_total) == (STANDARD_FILES, STANDARD_PAGES)
    report = plan.documents[1]
    assert report.type_name == "ArchivalDocument"
    assert report.container == PROCESSING_DOSSIER
    assert [(f.path, f.pages, f.dpi) for f in report.files] == [
        ("hop-01/bc-102.tif", 2, 300),
        ("hop-01/bc-102-phu-luc.jpg", 1, 300),
    ]
    assert report.files[0].sha256 == sha256(batch.files["hop-01/bc-102.tif"])
    assert report.fields["numberOfPage"] == 3  # counted when the manifest is silent
    assert report.fields["languageCode"] == ["01"]
    assert plan.documents[2].identifier == PROCESSING_DOSSIER + ".40"
    assert plan.documents[3].type_name == "PhotoRecord"


def test_validate_only_reports_every_problem_and_creates_nothing(
    portal, archivist, tmp_path
):
    batch = make_batch(tmp_path / "lo", bad=list(BAD_KINDS))
    before = counts(portal)
    transaction.savepoint(optimistic=True)  # what the fixtures wrote is set aside
    plan = plan_batch(portal, batch.folder)
    assert portal._p_jar._registered_objects == []  # not one object written
    assert counts(portal) == before  # catalog and code registry unchanged

    found = {(p.code, p.row, p.file) for p in plan.problems}
    manifest = batch.manifest.name
    for expected in batch.expected:
        where = expected.file if expected.code not in ("no_files",) else manifest
        if expected.code in ("unknown_dossier", "invalid_date", "duplicate_identifier"):
            where = manifest  # the row is wrong, not the file
        assert (expected.code, expected.row, where) in found, expected
    codes = {p.code for p in plan.problems}
    assert codes == {expected.code for expected in batch.expected}
    # the good documents are still planned, the bad rows are not
    assert [doc.row for doc in plan.documents] == [
        built.row for built in batch.documents
    ] + [
        batch.expected[-1].row - 1  # the first holder of ordinal 77
    ]
    assert set(plan.refused_rows) == {e.row for e in batch.expected if e.row}
    # every message is Vietnamese, names what is wrong and what to do
    texts = {p.code: p.text() for p in plan.problems}
    assert "bị hỏng hoặc không đọc được" in texts["corrupt"]
    assert "rỗng (0 byte)" in texts["empty"]
    assert "mã hóa" in texts["encrypted"]
    assert "quá lớn" in texts["too_large"]
    assert "không được hỗ trợ" in texts["unsupported"]
    assert "150 dpi thấp hơn mức tối thiểu 200 dpi" in texts["low_dpi"]
    assert "Không tìm thấy tệp hong/khong-co.tif" in texts["file_missing"]
    assert "không có trong danh mục" in texts["file_unlisted"]
    assert "không ghi tệp nào" in texts["no_files"]
    assert (
        "Không có hồ sơ mã “000.00.00.H56.1999.99.KHONGCO”" in texts["unknown_dossier"]
    )
    assert "Ngày tháng năm tài liệu" in texts["invalid_date"]
    assert "không tồn tại trong lịch" in texts["invalid_date"]
    assert "trùng với dòng" in texts["duplicate_identifier"]


def test_plan_finds_codes_clashing_with_the_site(portal, archivist, tmp_path):
    batch = make_batch(
        tmp_path / "lo",
        documents=[
            {
                "kind": "dossier",
                "fonds": "UBQT",
                "fileYear": 2010,
                "fileNumber": "01.TH.1",  # its code would be a document's id
                "title": "Hồ sơ trùng mã",
            },
            {
                "kind": "dossier",
                "fonds": "KHONGCO",
                "fileYear": 2020,
                "fileNumber": "1",
            },
            document(scan("a.png"), **document_fields(1, typeName="99", bogus="x")),
        ],
    )
    transaction.savepoint(optimistic=True)
    plan = plan_batch(portal, batch.folder)
    assert portal._p_jar._registered_objects == []
    found = {(p.code, p.row, p.column) for p in plan.problems}
    assert ("duplicate_identifier", 2, "fileNumber") in found
    assert ("unknown_fonds", 3, "fonds") in found
    assert ("invalid_code", 4, "typeName") in found
    assert ("unknown_column", 4, "bogus") in found
    assert plan.documents == []
    messages = " ".join(p.text() for p in plan.problems)
    assert "đã được dùng" in messages
    assert "Các mã hợp lệ: 01, 02" in messages


def import_all(portal, plan):
    return [import_document(portal, planned) for planned in plan.documents]


def test_import_creates_records_with_masters_bit_for_bit(portal, archivist, tmp_path):
    batch = make_batch(tmp_path / "lo")
    plan = plan_batch(portal, batch.folder)
    results = import_all(portal, plan)
    assert all(result.created for result in results)
    records = [api.content.get(UID=result.uid) for result in results]
    dossier = by_code(portal)[PROCESSING_DOSSIER]
    assert all(record.__parent__ == dossier for record in records)
    # the existing processing document holds ordinal 1; ordinal 40 was asked for
    assert [record.docOrdinal for record in records] == [2, 3, 40, 41]
    assert records[2].docId == PROCESSING_DOSSIER + ".40"
    assert records[3].portal_type == "PhotoRecord"
    for built, record in zip(batch.documents, records, strict=True):
        masters = IRecordFiles(record).masters()
        stored = {item.name: item for item in masters}
        assert len(masters) == len(built.files)
        for path, data in built.files.items():
            item = stored[path.rsplit("/", 1)[-1]]
            assert item.sha256 == sha256(data)
            assert item.read() == data  # bit for bit
            assert item.verify()
    second = results[1]
    assert [(ref.file, ref.file_page, ref.number) for ref in second.pages] == [
        ("bc-102.tif", 1, 1),
        ("bc-102.tif", 2, 2),
        ("bc-102-phu-luc.jpg", 1, 3),
    ]
    assert records[1].numberOfPage == 3
    assert records[1].subjectText.startswith("Quyết định số 102")


def test_import_again_creates_nothing_and_returns_the_same_records(
    portal, archivist, tmp_path
):
    batch = make_batch(tmp_path / "lo", manifest="xlsx")
    first = import_all(portal, plan_batch(portal, batch.folder))
    before = counts(portal)
    files_before = {
        result.uid: [
            m.sha256 for m in IRecordFiles(api.content.get(UID=result.uid)).masters()
        ]
        for result in first
    }
    again_plan = plan_batch(portal, batch.folder)
    assert again_plan.problems == []
    assert [doc.existing for doc in again_plan.documents] == [r.uid for r in first]
    again = import_all(portal, again_plan)
    assert [r.uid for r in again] == [r.uid for r in first]
    assert not any(r.created for r in again)
    assert [r.pages for r in again] == [r.pages for r in first]
    assert counts(portal) == before
    for result in again:
        masters = IRecordFiles(api.content.get(UID=result.uid)).masters()
        assert [m.sha256 for m in masters] == files_before[result.uid]


def test_a_batch_that_stopped_half_way_resumes(portal, archivist, tmp_path):
    """Documents imported before a stop are reused; the rest are created."""
    batch = make_batch(tmp_path / "lo")
    plan = plan_batch(portal, batch.folder)
    done = [import_document(portal, planned) for planned in plan.documents[:2]]
    plan = plan_batch(portal, batch.folder)  # e.g. a new worker after a crash
    results = import_all(portal, plan)
    assert [r.created for r in results] == [False, False, True, True]
    assert [r.uid for r in results[:2]] == [r.uid for r in done]


def test_bad_files_refuse_their_documents_only(portal, archivist, tmp_path):
    batch = make_batch(tmp_path / "lo", bad=["corrupt", "encrypted", "low_dpi"])
    plan = plan_batch(portal, batch.folder)
    assert {p.file for p in plan.problems} == {e.file for e in batch.expected}
    # the good documents import; the refused rows are not in the plan
    results = import_all(portal, plan)
    assert [r.created for r in results] == [True] * 4
    # a file damaged after planning refuses its document, leaving nothing behind
    second = make_batch(
        tmp_path / "lo2",
        documents=[
            document(scan("x-1.png"), **document_fields(61)),
            document(scan("x-2.tif", pages=2), scan("x-3.png"), **document_fields(62)),
        ],
    )
    planned = plan_batch(portal, second.folder).documents
    (tmp_path / "lo2" / "x-3.png").write_bytes(b"\x89PNG broken")
    before = counts(portal)
    with pytest.raises(ImportRefused) as refused:
        import_document(portal, planned[1])
    assert counts(portal) == before  # not the record, not its first master
    [problem] = refused.value.problems
    assert (problem.code, problem.file, problem.row) == ("changed", "x-3.png", 3)
    assert "đã thay đổi sau khi lô được kiểm tra" in problem.text()
    assert import_document(portal, planned[0]).created  # the batch goes on


def test_failure_after_creation_rolls_the_document_back(portal, archivist, tmp_path):
    batch = make_batch(
        tmp_path / "lo",
        documents=[document(scan("a.png"), scan("b.png"), **document_fields(71))],
    )
    [planned] = plan_batch(portal, batch.folder).documents
    before = counts(portal)
    original = apply.add_master_file
    calls = []

    def second_fails(record, name, data, content_type=None):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("đĩa đầy")
        return original(record, name, data, content_type)

    apply.add_master_file = second_fails
    try:
        with pytest.raises(OSError, match="đĩa đầy"):
            import_document(portal, planned)
    finally:
        apply.add_master_file = original
    assert counts(portal) == before
    assert import_document(portal, planned).created


def test_manifest_creates_fonds_and_dossiers_idempotently(portal, holdings, tmp_path):
    setRoles(portal, TEST_USER_ID, ["Manager"])
    dossier_code = "000.06.16.G09.2025.03.SH"
    rows = [
        document(scan("so-hoa/cv-1.png"), dossier=dossier_code, **document_fields(1)),
        {
            "kind": "dossier",
            "fonds": "SNV",
            "fileYear": 2025,
            "fileNumber": "03.SH",
            "title": "Hồ sơ số hóa tài liệu năm 2025",
            "startDate": "01/2025",
            "endDate": "03/2025",
            "maintenance": "01",
            "mode": "01",
        },
        {
            "kind": "phông",
            "fondsCode": "SNV",
            "agencyCode": "000.06.16.G09",
            "title": "Sở Nội vụ",
        },
    ]
    batch = make_batch(tmp_path / "lo", documents=rows, delimiter=";")
    plan = plan_batch(portal, batch.folder)
    assert plan.problems == []
    assert [d.type_name for d in plan.documents] == [
        "Fonds",
        "Dossier",
        "ArchivalDocument",
    ]
    assert [d.identifier for d in plan.documents] == ["SNV", dossier_code, None]
    assert by_code(portal).get(dossier_code) is None  # planning created nothing
    first = import_all(portal, plan)
    assert [r.created for r in first] == [True, True, True]
    document_record = api.content.get(UID=first[2].uid)
    assert document_record.docId == dossier_code + ".1"
    again = import_all(portal, plan_batch(portal, batch.folder))
    assert [r.uid for r in again] == [r.uid for r in first]
    assert [r.created for r in again] == [False, False, False]


def test_plan_survives_a_round_trip_through_plain_data(portal, archivist, tmp_path):
    import json

    batch = make_batch(tmp_path / "lo")
    planned = plan_batch(portal, batch.folder).documents[1]
    data = json.loads(json.dumps(planned.to_dict()))
    assert PlannedDocument.from_dict(data) == planned
    assert import_document(portal, data).created


def test_existing_records_are_completed_but_never_mixed_up(portal, archivist, tmp_path):
    """An ordinal of the site: scans go to a record without files, never elsewhere."""
    from helpers import PROCESSING_DOCUMENT
    from helpers import PUBLISHED_DOSSIER

    first = make_batch(
        tmp_path / "lo1",
        documents=[document(scan("so-50.png"), **document_fields(50, docOrdinal=50))],
    )
    [earlier] = import_all(portal, plan_batch(portal, first.folder))
    batch = make_batch(
        tmp_path / "lo2",
        documents=[
            # the demo's processing document has no scan yet: it receives this one
            document(scan("bo-sung.tif", pages=2), **document_fields(1, docOrdinal=1)),
            # a published document: its codes are frozen
            document(
                scan("muon.png"),
                dossier=PUBLISHED_DOSSIER,
                **document_fields(2, docOrdinal=1),
            ),
            # ordinal 50 holds other scans: a typing error, not a re-run
            document(scan("khac.png"), **document_fields(3, docOrdinal=50)),
        ],
    )
    plan = plan_batch(portal, batch.folder)
    found = {(p.code, p.row) for p in plan.problems}
    assert found == {("frozen", 3), ("duplicate_identifier", 4)}
    texts = " ".join(p.text() for p in plan.problems)
    assert "đã rời khâu chỉnh lý" in texts
    assert "Hãy kiểm tra số thứ tự" in texts
    [completed] = plan.documents
    target = by_code(portal)[PROCESSING_DOCUMENT]
    assert completed.existing == target.UID()
    [result] = import_all(portal, plan)
    assert (result.uid, result.created) == (target.UID(), False)
    assert [m.name for m in IRecordFiles(target).masters()] == ["bo-sung.tif"]
    assert len(result.pages) == 2
    assert api.content.get(UID=earlier.uid).docOrdinal == 50


def test_a_file_belongs_to_one_document_once(portal, archivist, tmp_path):
    batch = make_batch(
        tmp_path / "lo",
        documents=[
            document(scan("a.png"), **document_fields(1)),
            document("a.png", **document_fields(2)),  # the file of row 2 again
            document(scan("b.png"), "b.png", **document_fields(3)),  # twice in a row
        ],
    )
    plan = plan_batch(portal, batch.folder)
    found = {(p.code, p.row, p.file) for p in plan.problems}
    assert found == {("file_duplicate", 3, "a.png"), ("file_duplicate", 4, "b.png")}
    assert [doc.row for doc in plan.documents] == [2]


def test_the_manifest_is_found_in_a_folder_inside_or_given_itself(
    portal, archivist, tmp_path
):
    batch = make_batch(tmp_path / "giai-nen" / "lo-2025")  # a ZIP made of a folder
    (tmp_path / "giai-nen" / "__MACOSX").mkdir()
    for where in (tmp_path / "giai-nen", batch.manifest):
        plan = plan_batch(portal, where)
        assert plan.problems == []
        assert plan.folder == str(batch.folder)
        assert len(plan.documents) == 4
    (tmp_path / "trong").mkdir()
    plan = plan_batch(portal, tmp_path / "trong")
    assert [p.code for p in plan.problems] == ["manifest_missing"]
    assert "không có tệp danh mục manifest.csv" in plan.problems[0].text()
    assert plan.documents == []
