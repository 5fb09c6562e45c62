"""Creating and reading every record type over REST with the national field names."""

from helpers import DEMO_PASSWORD
from helpers import USERS
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import pytest
import requests


class Client:
    def __init__(self, base, auth):
        self.base, self.auth = base, auth

    def _send(self, method, path, **kwargs):
        url = path if path.startswith("http") else f"{self.base}/{path}".rstrip("/")
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        return requests.request(
            method, url, auth=self.auth, headers=headers, timeout=60, **kwargs
        )

    def get(self, path, **kwargs):
        return self._send("GET", path, **kwargs)

    def post(self, path, json, **kwargs):
        return self._send("POST", path, json=json, **kwargs)

    def patch(self, path, json, **kwargs):
        return self._send("PATCH", path, json=json, **kwargs)


@pytest.fixture
def admin(site):
    return Client(site, (SITE_OWNER_NAME, SITE_OWNER_PASSWORD))


@pytest.fixture
def archivist(site, functional_holdings):
    return Client(site, (USERS["Archivist"], DEMO_PASSWORD))


@pytest.fixture
def head(site, functional_holdings):
    return Client(site, (USERS["ArchiveHead"], DEMO_PASSWORD))


FONDS = {
    "@type": "Fonds",
    "title": "Sở Nội vụ tỉnh Quảng Trị",
    "fondsCode": "SNV",
    "agencyCode": "000.00.11.H56",
    "maintenance": "01",
    "mode": "01",
    "startDate": "1989",
    "endDate": "2020",
    "languageCode": ["01"],
}
DOSSIER = {
    "@type": "Dossier",
    "title": "Hồ sơ thi đua khen thưởng năm 2019",
    "fileYear": 2019,
    "fileNumber": "10.TĐKT",
    "maintenance": "04",
    "mode": "02",
    "confidenceLevel": "02",
    "paperFileCode": "H56.K2/04/11.10",
    "languageCode": ["01"],
    "startDate": "01/2019",
    "endDate": "12/2019",
    "formatCode": "01",
    "numberOfPaper": 20,
}
DOCUMENT = {
    "@type": "ArchivalDocument",
    "typeName": "02",
    "codeNumber": "123",
    "codeNotation": "QĐ-SNV",
    "issuedDate": "2019-05-15",
    "organName": "Sở Nội vụ tỉnh Quảng Trị",
    "subjectText": "Quyết định tặng giấy khen cho các tập thể, cá nhân",
    "languageCode": ["01"],
    "numberOfPage": 4,
    "maintenance": "04",
    "mode": "02",
}
PHOTO = {
    "@type": "PhotoRecord",
    "title": "Lễ trao giấy khen năm 2019",
    "photoKind": "02",
    "dateTaken": "12/2019",
    "photographer": "Lê Văn Tâm",
    "colour": "01",
    "maintenance": "04",
    "mode": "01",
}
AUDIOVISUAL = {
    "@type": "AudioVisualRecord",
    "title": "Ghi âm hội nghị tổng kết",
    "avKind": "01",
    "recordedDate": "20/12/2019",
    "playTime": "01:25:30",
    "languageCode": ["01"],
    "maintenance": "04",
    "mode": "01",
}


def error_text(response):
    """plone.restapi puts the list of field errors, as text, in `message`."""
    return str(response.json()["message"])


def token(value):
    return value["token"] if isinstance(value, dict) else value


def test_create_and_read_every_type(admin):
    fonds = admin.post("", FONDS)
    assert fonds.status_code == 201, fonds.text
    assert fonds.json()["fondsCode"] == "SNV"
    dossier = admin.post(fonds.json()["@id"], DOSSIER)
    assert dossier.status_code == 201, dossier.text
    assert dossier.json()["fileCode"] == "000.00.11.H56.2019.10.TĐKT"
    created = [
        admin.post(dossier.json()["@id"], data)
        for data in (DOCUMENT, PHOTO, AUDIOVISUAL)
    ]
    assert [response.status_code for response in created] == [201, 201, 201]
    document, photo, audiovisual = (response.json() for response in created)
    assert document["docOrdinal"] == 1
    assert document["docId"] == "000.00.11.H56.2019.10.TĐKT.1"
    assert document["docCode"] == "000.00.11.H56.2019.10.TĐKT.0000001"
    assert photo["docCode"].endswith(".0000002")
    assert audiovisual["docId"].endswith(".3")
    read = admin.get(document["@id"]).json()
    assert token(read["typeName"]) == "02"
    assert token(read["maintenance"]) == "04"
    assert [token(value) for value in read["languageCode"]] == ["01"]
    assert read["issuedDate"] == "15/05/2019"  # ISO input, national form stored
    assert read["title"] == (  # the type stays, even when the abstract starts with it
        "Quyết định 123/QĐ-SNV: Quyết định tặng giấy khen cho các tập thể, cá nhân"
    )
    assert read["review_state"] == "processing"


def test_duplicate_dossier_code_is_refused_and_nothing_is_saved(admin):
    fonds = admin.post("", FONDS).json()["@id"]
    assert admin.post(fonds, DOSSIER).status_code == 201
    again = admin.post(fonds, dict(DOSSIER, title="Bản sao"))
    assert again.status_code == 400
    assert "đã được dùng" in error_text(again)
    assert admin.get(fonds).json()["items_total"] == 1


def test_duplicate_ordinal_is_refused(admin):
    fonds = admin.post("", FONDS).json()["@id"]
    dossier = admin.post(fonds, DOSSIER).json()["@id"]
    assert admin.post(dossier, dict(DOCUMENT, docOrdinal=5)).status_code == 201
    again = admin.post(dossier, dict(DOCUMENT, docOrdinal=5))
    assert again.status_code == 400
    assert "000.00.11.H56.2019.10.TĐKT.5" in error_text(again)
    following = admin.post(dossier, DOCUMENT).json()
    assert following["docOrdinal"] == 6


def test_codes_change_with_the_dossier_number_while_in_processing(admin):
    fonds = admin.post("", FONDS).json()["@id"]
    dossier = admin.post(fonds, DOSSIER).json()["@id"]
    document = admin.post(dossier, DOCUMENT).json()["@id"]
    assert admin.patch(dossier, {"fileNumber": "11.TĐKT"}).status_code == 204
    assert admin.get(dossier).json()["fileCode"] == "000.00.11.H56.2019.11.TĐKT"
    assert admin.get(document).json()["docId"] == "000.00.11.H56.2019.11.TĐKT.1"


def test_codes_are_frozen_after_processing(admin, archivist, functional_holdings):
    dossier = functional_holdings["000.00.00.H56.2010.01.TH"].absolute_url()
    response = archivist.patch(dossier, {"fileNumber": "99.TH", "title": "Tiêu đề mới"})
    assert response.status_code == 400, response.text
    assert "đã cố định" in error_text(response)
    assert archivist.patch(dossier, {"title": "Tiêu đề mới"}).status_code == 204
    read = archivist.get(dossier).json()
    assert read["fileCode"] == "000.00.00.H56.2010.01.TH"
    assert read["fileNumber"] == "01.TH"
    assert read["title"] == "Tiêu đề mới"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"fileNumber": "01 TH"}, "fileNumber", "Số và ký hiệu hồ sơ"),
        ({"fileYear": 3000}, "fileYear", "không hợp lệ"),
        ({"startDate": "31/02/2001"}, "startDate", "không tồn tại"),
        ({"startDate": "2019", "endDate": "2018"}, None, "không được sau"),
        ({"title": "x" * 1001}, "title", None),
        ({"paperFileCode": "H56 K2"}, "paperFileCode", "Mã hồ sơ gốc giấy"),
        ({"maintenance": "99"}, "maintenance", None),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    admin, archivist, changes, field, message
):
    fonds = admin.post("", FONDS).json()["@id"]
    response = archivist.post(fonds, dict(DOSSIER, **changes))
    assert response.status_code == 400
    assert "traceback" not in response.json()  # shown to Managers only
    text = error_text(response)
    if field:
        assert field in text
    if message:
        assert message in text
    assert admin.get(fonds).json()["items_total"] == 0


def test_messages_in_english_for_english_readers(admin):
    fonds = admin.post("", FONDS).json()["@id"]
    response = admin.post(
        fonds, dict(DOSSIER, startDate="31/02/2001"), cookies={"I18N_LANGUAGE": "en"}
    )
    assert response.status_code == 400
    assert "does not exist" in error_text(response)


def test_published_record_stays_public(head, functional_holdings):
    # Only the head of the archive changes the access mode of a published record.
    document = functional_holdings["000.00.00.H56.2010.01.TH.0000001"].absolute_url()
    response = head.patch(document, {"mode": "03"})
    assert response.status_code == 400
    assert "thu hồi công bố" in error_text(response)
    assert token(head.get(document).json()["mode"]) == "01"


def test_add_master_file_over_rest(archivist, functional_holdings):
    import base64
    import hashlib

    document = functional_holdings["000.00.00.H56.2024.02.KH.0000001"].absolute_url()
    data = b"II*\x00 a scanned page"
    payload = {
        "filename": "trang-1.tif",
        "content-type": "image/tiff",
        "data": base64.b64encode(data).decode(),
    }
    created = archivist.post(f"{document}/@record-files", payload)
    assert created.status_code == 201, created.text
    assert created.json()["sha256"] == hashlib.sha256(data).hexdigest()
    again = archivist.post(f"{document}/@record-files", payload)
    assert again.status_code == 400
    assert "không được ghi đè" in again.json()["error"]["message"]
    empty = archivist.post(
        f"{document}/@record-files", dict(payload, filename="rong.tif", data="")
    )
    assert empty.status_code == 400
    assert "rỗng" in empty.json()["error"]["message"]
    garbage = archivist.post(
        f"{document}/@record-files", dict(payload, filename="x.tif", data="***")
    )
    assert garbage.status_code == 400
    listed = archivist.get(f"{document}/@record-files").json()
    assert [item["name"] for item in listed["items"]] == ["trang-1.tif"]
    assert listed["items"][0] == created.json()  # one JSON for a file, in every answer
    download = requests.get(
        listed["items"][0]["download"], auth=archivist.auth, timeout=60
    )
    assert download.content == data


def test_a_file_name_is_one_step_of_its_download_link(archivist, functional_holdings):
    """A name with spaces, `#` or `?` is quoted in `download` (serializer.file_url)."""
    import base64

    document = functional_holdings["000.00.00.H56.2024.02.KH.0000001"].absolute_url()
    data = b"II*\x00 trang hai"
    name = "Trang 2 #bản?gốc.tif"
    created = archivist.post(
        f"{document}/@record-files",
        {"filename": name, "data": base64.b64encode(data).decode()},
    )
    assert created.status_code == 201, created.text
    link = created.json()["download"]
    assert link == (
        f"{document}/@@record-file/Trang%202%20%23b%E1%BA%A3n%3Fg%E1%BB%91c.tif"
    )
    download = requests.get(link, auth=archivist.auth, timeout=60)
    assert download.status_code == 200
    assert download.content == data
