"""GET <dossier or fonds>/@package?kind=aip|dip over HTTP: the ZIP, checked with lxml
against the schemas and byte by byte against its METS; what a DIP may hold; who may
have an AIP; the size limit; BagIt; the trust guard and the generic prober."""

from helpers import CONDITIONAL_DOCUMENT
from helpers import DEMO_PASSWORD
from helpers import FONDS
from helpers import PROCESSING_DOSSIER
from helpers import PUBLISHED_DOCUMENT
from helpers import PUBLISHED_DOSSIER
from helpers import SECRET_DOSSIER
from helpers import USERS
from lxml import etree
from plone import api
from prober import Channel
from prober import channels_for
from prober import Prober
from prober import swap_names
from prober import Target
from prober import Visitor
from vnarchive.content.files import IRecordFiles
from vnarchive.content.indexers import main_code
from vnarchive.content.interfaces import IFileRecord
from vnarchive.digitization.packages import xsd
from vnarchive.digitization.packages.validate import validate_package
from vnarchive.digitization.tasks.records import PDFA
from vnarchive.digitization.tasks.records import pdfa_name
from vnarchive.policy import fixity
from vnarchive.policy.journal import entries

import bagit
import hashlib
import io
import pytest
import re
import requests
import transaction
import zipfile


ARCHIVIST = (USERS["Archivist"], DEMO_PASSWORD)
READER = (USERS["ArchiveReader"], DEMO_PASSWORD)
CURATOR = (USERS["Curator"], DEMO_PASSWORD)
METS = "{http://www.loc.gov/METS/}"
PREMIS = "{http://www.loc.gov/premis/v3}"
XLINK = "{http://www.w3.org/1999/xlink}href"
OBJID = re.compile(r"uuid-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
MISSING_ID = "9999"

# A master with a name that is legal in the archive but must be made safe in a package:
# leading dots, Vietnamese letters, characters some file systems refuse.
ODD_MASTER = "..Tờ trình gốc: bản quét?.png"


def pdf_bytes(marker):
    """A small PDF standing for a PDF/A (its content is not what these tests check)."""
    return (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n% " + marker.encode() + b"\n%%EOF\n"
    ) * 20


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


def get(url, auth=None, **params):
    return requests.get(
        f"{url}/@package",
        params=params,
        auth=auth,
        headers={"Accept": "application/json"},
        timeout=120,
        allow_redirects=False,
    )


def opened(answer):
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["Content-Type"] == "application/zip"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    return zipfile.ZipFile(io.BytesIO(answer.content))


def objid_of(answer):
    disposition = answer.headers["Content-Disposition"]
    found = OBJID.search(disposition)
    assert found, disposition
    return found.group(0)


def everything(archive):
    """Every name and every file's text in the ZIP, to look for what must not be there."""
    parts = list(archive.namelist())
    for name in archive.namelist():
        parts.append(archive.read(name).decode("utf-8", errors="ignore"))
    return "\n".join(parts)


def hidden_markers(holdings):
    """Codes, titles, abstracts and file names of the records the public may not
    receive (and not shared with one it may)."""
    public, hidden = set(), set()
    for obj in holdings.values():
        values = {
            value
            for value in (
                main_code(obj),
                getattr(obj, "docId", None),
                getattr(obj, "subjectText", None),
                obj.Title(),
            )
            if value
        }
        if IFileRecord.providedBy(obj):
            values.update(item.name for item in IRecordFiles(obj))
        receivable = (
            api.content.get_state(obj) == "published"
            and getattr(obj, "mode", None) == "01"
        )
        (public if receivable else hidden).update(values)
    return {marker for marker in hidden if not any(marker in other for other in public)}


def test_an_aip_of_the_published_dossier_validates(site, packaged):
    dossier = packaged[PUBLISHED_DOSSIER]
    fixity.check(api.portal.get())  # a complete fixity run for PREMIS to report
    transaction.commit()
    answer = get(dossier.absolute_url(), ARCHIVIST, kind="aip")
    archive = opened(answer)
    objid = objid_of(answer)
    assert answer.headers["Content-Disposition"].startswith(
        f'attachment; filename="{objid}.zip"'
    )
    assert validate_package(archive) == []
    read = lambda name: etree.fromstring(archive.read(f"{objid}/{name}"))
    for name, schema in (
        ("METS.xml", "mets"),
        ("representations/rep1/METS.xml", "mets"),
        ("metadata/preservation/PREMIS.xml", "premis"),
        ("metadata/descriptive/EAD.xml", "national"),
    ):
        assert xsd.schema(schema).validate(read(name)), xsd.schema(schema).error_log
    descriptions = [n for n in archive.namelist() if "/EAD_doc_" in n]
    assert len(descriptions) == 3  # staff: the conditional document too
    for name in descriptions:
        assert xsd.schema("national").validate(etree.fromstring(archive.read(name)))

    # Every file the METS list has, in the ZIP, the SHA-256 and size the METS gives.
    checked = 0
    for mets_name, folder in (
        ("METS.xml", ""),
        ("representations/rep1/METS.xml", "representations/rep1/"),
    ):
        for file in read(mets_name).iter(f"{METS}file"):
            href = file.find(f"{METS}FLocat").get(XLINK)
            data = archive.read(f"{objid}/{folder}{requests.utils.unquote(href)}")
            assert hashlib.sha256(data).hexdigest() == file.get("CHECKSUM")
            assert (len(data), file.get("CHECKSUMTYPE")) == (
                int(file.get("SIZE")),
                "SHA-256",
            )
            checked += 1
    assert checked >= 10

    names = archive.namelist()
    document = packaged[PUBLISHED_DOCUMENT]
    data = f"{objid}/representations/rep1/data"
    assert (
        f"{data}/{PUBLISHED_DOSSIER}.1.pdf" in names
    )  # the national name of the PDF/A
    assert f"{data}/masters/{document.docId}/{document.docId}.png" in names
    assert f"{data}/masters/{document.docId}/Tờ trình gốc_ bản quét_.png" in names

    root = read("METS.xml")
    assert root.get("OBJID") == objid
    header = root.find(f"{METS}metsHdr")
    assert header.get("CREATEDATE").endswith("+07:00")
    assert (
        header.get("{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}OAISPACKAGETYPE")
        == "AIP"
    )

    premis = read("metadata/preservation/PREMIS.xml")
    assert all(t.text.endswith("+07:00") for t in premis.iter(f"{PREMIS}eventDateTime"))
    types = {t.text for t in premis.iter(f"{PREMIS}eventType")}
    assert {
        "creation",
        "ingestion",
        "fixity check",
        "information package creation",
    } <= types
    assert ODD_MASTER in [n.text for n in premis.iter(f"{PREMIS}originalName")]
    agents = {n.text for n in premis.iter(f"{PREMIS}agentName")}
    assert {"vnarchive", fixity.ACTOR} <= agents

    # The national names of what vnarchive stores as languageCode, formatCode, subjectText.
    first = etree.fromstring(archive.read(sorted(descriptions)[0]))
    assert first.findtext("docCode") == PUBLISHED_DOCUMENT
    assert first.findtext("subject") == document.subjectText
    assert first.findtext("language") == "01"
    assert first.findtext("format") == document.formatCode
    text = everything(archive)
    for stored in ("<languageCode>", "<formatCode>", "<subjectText>"):
        assert stored not in text

    transaction.begin()  # see what the server's transaction wrote
    last = entries(dossier)[-1]
    assert (last["action"], last["kind"], last["package"]) == (
        "package_exported",
        "AIP",
        objid,
    )


def test_anonymous_gets_a_dip_of_published_records_only(site, packaged):
    dossier = packaged[PUBLISHED_DOSSIER]
    answer = get(dossier.absolute_url(), kind="dip")
    archive = opened(answer)
    objid = objid_of(answer)
    assert validate_package(archive) == []
    names = archive.namelist()
    assert not [n for n in names if "PREMIS" in n or "/masters/" in n]
    assert len([n for n in names if "/EAD_doc_" in n]) == 2
    assert f"{objid}/representations/rep1/data/{PUBLISHED_DOSSIER}.1.pdf" in names
    text = everything(archive)
    conditional = packaged[CONDITIONAL_DOCUMENT]
    for marker in hidden_markers(packaged) | {CONDITIONAL_DOCUMENT, conditional.docId}:
        assert marker not in text, marker
    assert ODD_MASTER not in text
    assert "bản quét" not in text


@pytest.mark.parametrize("auth", [None, ARCHIVIST], ids=["anonymous", "archivist"])
def test_a_dip_of_the_fonds_holds_no_secret_conditional_or_unpublished_record(
    site, packaged, auth
):
    archive = opened(get(packaged[FONDS].absolute_url(), auth, kind="dip"))
    assert validate_package(archive) == []
    text = everything(archive)
    markers = hidden_markers(packaged)
    assert {SECRET_DOSSIER, PROCESSING_DOSSIER, f"{PUBLISHED_DOSSIER}.3.pdf"} <= markers
    for marker in markers:
        assert marker not in text, marker
    assert PUBLISHED_DOSSIER in text
    assert (
        len([n for n in archive.namelist() if n.endswith("/METS.xml")]) == 3
    )  # 2 reps


def test_who_may_have_what(site, packaged):
    published = packaged[PUBLISHED_DOSSIER].absolute_url()
    assert get(published, kind="aip").status_code == 401  # Anonymous: no AIP
    assert get(published, READER, kind="aip").status_code in (401, 403)
    assert get(published, CURATOR, kind="aip").status_code in (401, 403)
    # A DIP of what the public may not receive: refused with a reason, to staff.
    refused = get(packaged[PROCESSING_DOSSIER].absolute_url(), ARCHIVIST, kind="dip")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_public"
    bad = get(published, ARCHIVIST, kind="sip")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "bad_parameter")


@pytest.mark.parametrize(
    "auth", [None, READER, CURATOR], ids=["anonymous", "reader", "curator"]
)
def test_a_secret_dossier_has_no_package(site, packaged, auth):
    secret = packaged[SECRET_DOSSIER].absolute_url()
    missing = f"{secret.rsplit('/', 1)[0]}/{MISSING_ID}"
    for kind in ("dip", "aip"):
        hidden = get(secret, auth, kind=kind)
        twin = get(missing, auth, kind=kind)
        assert (hidden.status_code, twin.status_code) == (404, 404)
        assert swap_names(hidden.text, [(secret, missing)]) == twin.text
        assert SECRET_DOSSIER not in hidden.text


def test_over_the_limit_is_a_413_for_the_workers(site, packaged):
    api.portal.set_registry_record("vnarchive.digitization.package_max_bytes", 1024)
    transaction.commit()
    answer = get(packaged[PUBLISHED_DOSSIER].absolute_url(), ARCHIVIST, kind="aip")
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "too_large"
    assert error["max_bytes"] == 1024
    assert error["estimated_bytes"] > 1024
    assert "tiến trình nền" in error["message"]  # the workers build it
    assert "Traceback" not in answer.text


def test_a_bag_for_transport(site, packaged, tmp_path):
    answer = get(
        packaged[PUBLISHED_DOSSIER].absolute_url(),
        ARCHIVIST,
        kind="aip",
        transport="bagit",
    )
    archive = opened(answer)
    objid = objid_of(answer)
    assert f"{objid}.bag.zip" in answer.headers["Content-Disposition"]
    archive.extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / objid))
    bag.validate()
    assert bag.info["External-Identifier"] == objid
    assert validate_package(tmp_path / objid / "data") == []


def test_the_generic_prober_finds_no_leak_in_packages(site, packaged):
    dossier = packaged[SECRET_DOSSIER]
    url = dossier.absolute_url()
    channel = Channel("service", "@package")
    # The prober's own enumeration offers the endpoint: nothing lists it for the guard.
    assert channel in channels_for(dossier)
    record = dossier.objectValues()[0]
    markers = (main_code(dossier), dossier.Title(), dossier.UID(), main_code(record))
    prober = Prober(
        [Visitor("anonymous"), Visitor("reader", READER), Visitor("curator", CURATOR)],
        workers=2,
    )
    target = Target("secret", url, markers=markers, params={"kind": "aip"})
    twin = Target(
        "missing", f"{url.rsplit('/', 1)[0]}/{MISSING_ID}", params={"kind": "aip"}
    )
    plain = Target("secret", url, markers=markers)
    plain_twin = Target("missing", f"{url.rsplit('/', 1)[0]}/{MISSING_ID}")
    report = prober.probe(
        [(target, twin, [channel], markers), (plain, plain_twin, [channel], markers)]
    )
    assert report.probes == 12  # three visitors, two questions, the record and its twin
    assert report.failures == set()
    assert report.leaks == [], [str(leak) for leak in report.leaks]


def test_an_aip_of_the_fonds_holds_every_dossier_as_a_representation(site, packaged):
    fonds = packaged[FONDS]
    answer = get(fonds.absolute_url(), ARCHIVIST, kind="aip")
    archive = opened(answer)
    objid = objid_of(answer)
    assert validate_package(archive) == []
    root = etree.fromstring(archive.read(f"{objid}/metadata/descriptive/EAD.xml"))
    assert root.findtext("fondsCode") == FONDS
    dossiers = [obj for obj in packaged.values() if obj.portal_type == "Dossier"]
    representations = {
        n.split("/")[2]
        for n in archive.namelist()
        if n.startswith(f"{objid}/representations/")
    }
    assert len(representations) == len(dossiers)  # the archivist may View them all
    codes = {
        etree.fromstring(
            archive.read(f"{objid}/representations/{rep}/metadata/descriptive/EAD.xml")
        ).findtext("arcFileCode")
        for rep in representations
    }
    assert codes == {main_code(dossier) for dossier in dossiers}


def test_a_dip_is_the_same_until_its_content_changes(site, packaged):
    dossier = packaged[PUBLISHED_DOSSIER]
    url = dossier.absolute_url()
    journaled = len(entries(dossier))
    first, again = get(url), get(url, ARCHIVIST)
    assert first.content == again.content  # byte for byte, whoever asks
    assert objid_of(first) == objid_of(again)
    transaction.begin()
    assert len(entries(dossier)) == journaled  # a DIP of published records: no entry
    with api.env.adopt_roles(["Manager"]):
        IRecordFiles(packaged[PUBLISHED_DOCUMENT]).set_derivative(
            f"{PUBLISHED_DOSSIER}.1.pdf",
            pdf_bytes("changed"),
            "application/pdf",
            kind=PDFA,
        )
    transaction.commit()
    changed = get(url)
    assert objid_of(changed) != objid_of(first)
    assert validate_package(opened(changed)) == []
