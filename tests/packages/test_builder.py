"""The package builder and validator on plain data (no site): layout, safe names, the
national field mapping, identifiers and times, determinism, checksums, BagIt."""

from lxml import etree
from pathlib import PurePosixPath
from vnarchive.digitization.packages import AIP
from vnarchive.digitization.packages import DIP
from vnarchive.digitization.packages import Event
from vnarchive.digitization.packages import Package
from vnarchive.digitization.packages import PackageError
from vnarchive.digitization.packages import PackageFile
from vnarchive.digitization.packages import Unit
from vnarchive.digitization.packages import xsd
from vnarchive.digitization.packages.validate import validate_package
from vnarchive.digitization.packages.writer import build_package

import bagit
import hashlib
import io
import pytest
import re
import zipfile


OBJID = "uuid-0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"
IDENTIFIER = re.compile(
    r"^uuid-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"
)
PDF = b"%PDF-1.7\n% a PDF/A stand-in\n" * 50
SCAN = b"\x89PNG\r\n\x1a\n scan bytes"
HOSTILE = "../../../etc/Tờ trình số 5 – bản gốc?.png"


def a_file(name, data, **options):
    return PackageFile(
        name=name,
        source=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created="2026-12-01T03:04:05+00:00",
        **options,
    )


def a_package(kind=AIP, files=None):
    document = Unit(
        "document",
        "5a0e1f2d3c4b4a5968778695a4b3c2d1",
        {
            "docId": "000.00.00.H56.2010.01.TH.1",
            "docCode": "000.00.00.H56.2010.01.TH.0000001",
            "docOrdinal": 1,
            "typeName": "14",
            "subjectText": "Báo cáo tổng kết năm 2010",
            "languageCode": ["01", "lo"],
            "formatCode": "02",
            "mode": "01",
            "title": "Báo cáo 12/BC-UBND: Báo cáo tổng kết năm 2010",
        },
        files=files
        if files is not None
        else [
            a_file("000.00.00.H56.2010.01.TH.1.pdf", PDF, mime_type="application/pdf"),
            a_file(HOSTILE, SCAN, mime_type="image/png", use="master"),
        ],
        events=[
            Event("created", "2026-11-30T17:30:00+00:00", "luutruvien"),
            Event(
                "file_added",
                "2026-11-30T17:31:00+00:00",
                "luutruvien",
                {"file": HOSTILE},
            ),
            Event("viewed", "2026-11-30T17:32:00+00:00", "lanhdao"),
        ],
    )
    dossier = Unit(
        "dossier",
        "6b1f2e3d4c5b4a6978899aabbccddeef",
        {
            "fileCode": "000.00.00.H56.2010.01.TH",
            "title": "Hồ sơ hội nghị tổng kết năm 2010",
            "languageCode": ["01"],
            "formatCode": "01",
            "startDate": "05/01/2011",
            "endDate": "01/2011",
        },
        children=[document],
    )
    return Package(kind, OBJID, "2026-12-08T02:00:00+00:00", dossier, archive="Lưu trữ")


def built(package, **options):
    out = io.BytesIO()
    build_package(package, out, **options)
    out.seek(0)
    return out


def test_the_layout_of_an_aip_and_its_schemas():
    with zipfile.ZipFile(built(a_package())) as archive:
        names = archive.namelist()
        assert names[:4] == [
            f"{OBJID}/METS.xml",
            f"{OBJID}/metadata/descriptive/EAD.xml",
            f"{OBJID}/metadata/preservation/PREMIS.xml",
            f"{OBJID}/representations/rep1/METS.xml",
        ]
        assert (
            f"{OBJID}/representations/rep1/metadata/descriptive/EAD_doc_1.xml" in names
        )
        assert (
            f"{OBJID}/representations/rep1/data/000.00.00.H56.2010.01.TH.1.pdf" in names
        )
        assert f"{OBJID}/schemas/premis.xsd" in names
        for name, schema in (
            ("METS.xml", "mets"),
            ("representations/rep1/METS.xml", "mets"),
            ("metadata/preservation/PREMIS.xml", "premis"),
            ("metadata/descriptive/EAD.xml", "national"),
            ("representations/rep1/metadata/descriptive/EAD_doc_1.xml", "national"),
        ):
            tree = etree.fromstring(archive.read(f"{OBJID}/{name}"))
            assert xsd.schema(schema).validate(tree), (
                name,
                xsd.schema(schema).error_log,
            )
        # Already compressed files are stored, XML deflated.
        pdf = archive.getinfo(
            f"{OBJID}/representations/rep1/data/000.00.00.H56.2010.01.TH.1.pdf"
        )
        assert pdf.compress_type == zipfile.ZIP_STORED
        assert (
            archive.getinfo(f"{OBJID}/METS.xml").compress_type == zipfile.ZIP_DEFLATED
        )


def test_a_dip_has_no_premis_nor_premis_schema():
    names = zipfile.ZipFile(built(a_package(DIP))).namelist()
    assert not [name for name in names if "PREMIS" in name or "premis" in name]
    assert validate_package(built(a_package(DIP))) == []


def test_hostile_names_stay_inside_their_folder():
    with zipfile.ZipFile(built(a_package())) as archive:
        names = archive.namelist()
        premis = archive.read(f"{OBJID}/metadata/preservation/PREMIS.xml").decode()
    for name in names:
        path = PurePosixPath(name)
        assert not path.is_absolute(), name
        assert ".." not in path.parts, name
        assert name.startswith(f"{OBJID}/")
    masters = [name for name in names if "/data/masters/" in name]
    assert masters == [
        f"{OBJID}/representations/rep1/data/masters/000.00.00.H56.2010.01.TH.1/"
        "_.._.._etc_Tờ trình số 5 – bản gốc_.png"
    ]
    assert f"<originalName>{HOSTILE}</originalName>" in premis  # the name as received
    assert validate_package(built(a_package())) == []


def test_national_names_of_the_stored_fields():
    with zipfile.ZipFile(built(a_package())) as archive:
        document = etree.fromstring(
            archive.read(
                f"{OBJID}/representations/rep1/metadata/descriptive/EAD_doc_1.xml"
            )
        )
        dossier = etree.fromstring(
            archive.read(f"{OBJID}/metadata/descriptive/EAD.xml")
        )
    assert document.tag == "simpledc"
    assert [e.text for e in document.iter("language")] == ["01", "11"]  # lo is 11
    assert document.findtext("format") == "02"
    assert document.findtext("subject") == "Báo cáo tổng kết năm 2010"
    for stored in ("languageCode", "formatCode", "subjectText"):
        assert document.find(stored) is None
    # An AIP writes the dossier code as arcFileCode, a DIP as fileCode.
    assert dossier.findtext("arcFileCode") == "000.00.00.H56.2010.01.TH"
    with zipfile.ZipFile(built(a_package(DIP))) as archive:
        dip = etree.fromstring(archive.read(f"{OBJID}/metadata/descriptive/EAD.xml"))
    assert dip.findtext("fileCode") == "000.00.00.H56.2010.01.TH"
    assert dip.find("arcFileCode") is None


def test_identifiers_and_times():
    with zipfile.ZipFile(built(a_package())) as archive:
        mets = etree.fromstring(archive.read(f"{OBJID}/representations/rep1/METS.xml"))
        premis = etree.fromstring(
            archive.read(f"{OBJID}/metadata/preservation/PREMIS.xml")
        )
    files = mets.findall(".//{http://www.loc.gov/METS/}file")
    assert files
    assert all(IDENTIFIER.match(file.get("ID")) for file in files)
    assert {file.get("CREATED") for file in files} == {"2026-12-01T10:04:05+07:00"}
    values = [
        e.text
        for e in premis.iter("{http://www.loc.gov/premis/v3}objectIdentifierValue")
    ]
    assert "uuid-5A0E1F2D-3C4B-4A59-6877-8695A4B3C2D1" in values
    times = [e.text for e in premis.iter("{http://www.loc.gov/premis/v3}eventDateTime")]
    assert times
    assert all(time.endswith("+07:00") for time in times)
    types = [e.text for e in premis.iter("{http://www.loc.gov/premis/v3}eventType")]
    # created, file received, the packing's fixity check and creation; no "viewed".
    assert types == [
        "creation",
        "ingestion",
        "fixity check",
        "information package creation",
    ]


def test_the_same_input_gives_the_same_bytes():
    assert built(a_package()).getvalue() == built(a_package()).getvalue()


def test_bytes_that_changed_stop_the_package():
    changed = a_file("x.pdf", PDF, mime_type="application/pdf")
    changed.source = PDF + b"tampered"
    with pytest.raises(PackageError, match="not those recorded"):
        build_package(a_package(files=[changed]), io.BytesIO())


def test_validation_reports_every_problem():
    original = built(a_package())
    tampered = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".pdf"):
                data += b"!"
            if info.filename.endswith("EAD.xml"):
                continue  # a missing file
            target.writestr(info, data)
        target.writestr(f"{OBJID}/smuggled.txt", b"?")
        target.writestr("../outside.txt", b"?")
    codes = {
        (problem.code, problem.path.rsplit("/", 1)[-1])
        for problem in validate_package(tampered)
    }
    assert codes == {
        ("size_mismatch", "000.00.00.H56.2010.01.TH.1.pdf"),
        ("checksum_mismatch", "000.00.00.H56.2010.01.TH.1.pdf"),
        ("missing_file", "EAD.xml"),
        ("unlisted_file", "smuggled.txt"),
        ("unsafe_path", "outside.txt"),
    }


def test_xml_with_a_doctype_is_refused():
    original = built(a_package(DIP))
    hostile = io.BytesIO()
    entity = (
        b'<?xml version="1.0"?><!DOCTYPE simpledc [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<simpledc><fileCode>&x;</fileCode></simpledc>"
    )
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(
                info, entity if info.filename.endswith("/EAD.xml") else data
            )
    problems = validate_package(hostile)
    assert "doctype" in {problem.code for problem in problems}
    assert "root:" not in str(problems)  # nothing of /etc/passwd was read


def test_a_bag_for_transport(tmp_path):
    with zipfile.ZipFile(built(a_package(), transport="bagit")) as archive:
        archive.extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / OBJID))
    bag.validate()  # every payload checksum and the tag manifest
    assert bag.info["External-Identifier"] == OBJID
    assert (tmp_path / OBJID / "data" / OBJID / "METS.xml").exists()
    assert validate_package(tmp_path / OBJID / "data") == []
