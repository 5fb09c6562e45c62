"""The public verification page (`@@verify/<number>`) and `@verify`, for anyone: genuine
or not (register, revocation, stored hash, signature checked by pyHanko), what the copy
certifies while its record is public, never any personal data; an uploaded copy (or its
SHA-256) compared byte for byte, a tampered one refused; a copy of a record since made
secret says when it was issued and that it is genuine, nothing else."""

from copy_records import ARCHIVIST
from copy_records import download
from copy_records import get_json
from copy_records import HEAD
from copy_records import issue
from copy_records import issued_copy
from copy_records import make_secret
from copy_records import MARKER
from copy_records import READER
from copy_records import REQUESTER
from copy_records import run_jobs
from helpers import USERS
from pki import ARCHIVE
from vnarchive.content.indexers import main_code
from vnarchive.digitization.copies import register

import base64
import hashlib
import pytest
import re
import requests


TIMEOUT = 120
VERDICT = re.compile(r'data-verdict="([a-z_]+)"')
IDENTICAL = re.compile(r'data-identical="(yes|no)"')
VALID = re.compile(r'data-valid="(yes|no)"')


def page(site, number, auth=None, **params):
    return requests.get(
        f"{site.absolute_url()}/@@verify/{number}",
        params=params,
        auth=auth,
        timeout=TIMEOUT,
    )


def verdict(answer):
    found = VERDICT.search(answer.text)
    return found.group(1) if found else None


def tampered(data):
    """The copy with one letter changed in its XMP metadata (inside the signed bytes):
    still a readable PDF, no longer what the archive signed."""
    marker = b"vnarchive (WeasyPrint"
    assert marker in data
    return data.replace(marker, b"vnarchivf (WeasyPrint", 1)


def personal_data_absent(text):
    for value in (*REQUESTER.values(), USERS["Archivist"]):
        assert value not in text, value


def test_a_genuine_copy_says_so_and_what_it_certifies(site, record):
    number = issued_copy(site, record, pages="1-2")
    answer = page(site, number)  # Anonymous
    assert answer.status_code == 200
    assert verdict(answer) == "genuine"
    assert "Bản sao hợp lệ" in answer.text
    assert main_code(record) in answer.text
    assert MARKER in answer.text  # the title: the record is public
    assert ARCHIVE in answer.text
    personal_data_absent(answer.text)

    data = get_json(f"{site.absolute_url()}/@verify/{number}").json()
    assert data["genuine"] is True
    assert data["verdict"] == "genuine"
    assert data["issuer"] == ARCHIVE
    assert data["record_public"] is True
    certifies = data["certifies"]
    assert certifies["archival_code"] == main_code(record)
    assert (certifies["pages"], certifies["total_pages"]) == ("1–2", 3)
    assert certifies["kind"] == "extract"
    assert certifies["signature"]["status"] == "valid"
    assert certifies["signature"]["signer"] == ARCHIVE
    assert certifies["sha256"] == register.get_entry(site, number).sha256
    personal_data_absent(str(data))

    # The number typed in the form (any case) is the same question.
    typed = requests.get(
        f"{site.absolute_url()}/@@verify",
        params={"number": number.lower()},
        timeout=TIMEOUT,
    )
    assert verdict(typed) == "genuine"


def test_an_uploaded_copy_is_compared_byte_for_byte(site, record):
    number = issued_copy(site, record)
    data = download(record, number)
    url = f"{site.absolute_url()}/@@verify/{number}"

    genuine = requests.post(
        url, files={"file": ("ban-sao.pdf", data, "application/pdf")}, timeout=TIMEOUT
    )
    assert genuine.status_code == 200
    assert IDENTICAL.search(genuine.text).group(1) == "yes"
    assert VALID.search(genuine.text).group(1) == "yes"

    forged = requests.post(
        url,
        files={"file": ("ban-sao.pdf", tampered(data), "application/pdf")},
        timeout=TIMEOUT,
    )
    assert IDENTICAL.search(forged.text).group(1) == "no"
    assert VALID.search(forged.text).group(1) == "no"
    assert "KHÔNG trùng khớp" in forged.text

    # REST: the PDF as the body, or base64 in JSON; a hash alone.
    rest = f"{site.absolute_url()}/@verify/{number}"
    as_body = requests.post(
        rest,
        data=tampered(data),
        headers={"Content-Type": "application/pdf", "Accept": "application/json"},
        timeout=TIMEOUT,
    ).json()["compared"]
    assert (as_body["identical"], as_body["signature_valid"]) == (False, False)
    assert as_body["problem"]
    as_json = requests.post(
        rest,
        json={"data": base64.b64encode(data).decode()},
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    ).json()["compared"]
    assert (as_json["identical"], as_json["signature_valid"]) == (True, True)
    by_hash = get_json(rest, sha256=hashlib.sha256(data).hexdigest()).json()
    assert by_hash["compared"]["identical"] is True
    other = get_json(rest, sha256="0" * 64).json()
    assert other["compared"]["identical"] is False


@pytest.mark.parametrize(
    "number",
    ["BS-2026-999999", "khong-phai-so", "<b>BS</b>"],
    ids=["unknown", "not-a-number", "markup"],
)
def test_an_unknown_copy_is_a_plain_404_in_vietnamese(site, number):
    answer = page(site, number)
    assert answer.status_code == 404
    assert "Không có bản sao nào mang số" in answer.text
    assert "Traceback" not in answer.text
    assert "<b>BS</b>" not in answer.text  # what was typed is shown as text
    assert 'name="number"' in answer.text  # the form to try another number

    rest = get_json(f"{site.absolute_url()}/@verify/{number}")
    assert rest.status_code == 404
    assert "Không có bản sao nào mang số" in rest.json()["error"]["message"]
    missing = get_json(f"{site.absolute_url()}/@verify")
    assert missing.status_code == 400


def test_a_revoked_copy_is_no_longer_genuine(site, record):
    number = issued_copy(site, record)
    reason = "Cấp nhầm cho người khác zqlydothuhoi"
    answer = requests.post(
        f"{record.absolute_url()}/@copies/{number}/revoke",
        json={"reason": reason},
        auth=HEAD,
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "revoked"
    shown = page(site, number)
    assert verdict(shown) == "revoked"
    assert "thu hồi" in shown.text
    assert reason not in shown.text  # the archive's reason is for staff
    assert (
        get_json(f"{site.absolute_url()}/@verify/{number}").json()["genuine"] is False
    )
    # Revoked once is revoked: a second time is refused.
    again = requests.post(
        f"{record.absolute_url()}/@copies/{number}/revoke",
        json={"reason": reason},
        auth=HEAD,
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert again.status_code == 400


@pytest.mark.parametrize(
    "auth", [None, READER, ARCHIVIST], ids=["anon", "reader", "staff"]
)
def test_a_copy_of_a_record_made_secret_shows_nothing_of_it(site, record, auth):
    number = issued_copy(site, record)
    code, title, uid, path = (
        main_code(record),
        record.Title(),
        record.UID(),
        "/".join(record.getPhysicalPath()),
    )
    make_secret(site, record)

    answer = page(site, number, auth)
    assert answer.status_code == 200
    assert verdict(answer) == "genuine"  # issued, not revoked, signature valid
    assert "không công khai" in answer.text
    for marker in (MARKER, code, title, uid, path):
        assert marker not in answer.text, marker
    data = get_json(f"{site.absolute_url()}/@verify/{number}", auth).json()
    assert data["genuine"] is True
    assert data["issued"]
    assert (data["record_public"], data["certifies"]) == (False, None)
    for marker in (MARKER, code, title, uid, path):
        assert marker not in str(data), marker
    personal_data_absent(str(data))


def test_a_record_withdrawn_before_the_copy_is_made_gets_no_copy(site, record):
    answer = issue(record)
    number = answer.json()["number"]
    make_secret(site, record)
    assert run_jobs(site) == [("copy", "failed")]
    entry = register.get_entry(site, number)
    assert entry.state == "failed"
    assert "công bố" in entry.error
    assert entry.blob is None
    shown = page(site, number)
    assert verdict(shown) == "failed"
    assert MARKER not in shown.text
