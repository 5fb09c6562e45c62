"""What is refused, with a reason people can act on and nothing registered: a record that
is not published (a secret one), pages the record does not have (a form error), signing
or the seal not set up, no requester, a form without its CSRF token, people who do not
issue copies."""

from copy_records import APPRAISER
from copy_records import ARCHIVIST
from copy_records import CURATOR
from copy_records import draw_seal
from copy_records import get_json
from copy_records import HEAD
from copy_records import issue
from copy_records import issued_copy
from copy_records import READER
from copy_records import REQUESTER
from copy_records import TIMEOUT
from copy_records import token_of
from helpers import PUBLISHED_DOCUMENT
from helpers import SECRET_DOCUMENT
from vnarchive.digitization import queue
from vnarchive.digitization.copies import register

import pytest
import requests
import transaction


def registered(site):
    transaction.begin()
    found = register.get_register(site)
    return [] if found is None else list(found.entries)


def form(record, auth=ARCHIVIST):
    return requests.get(
        f"{record.absolute_url()}/@@issue-copy", auth=auth, timeout=TIMEOUT
    )


def post_form(record, token, auth=ARCHIVIST, **values):
    data = {**REQUESTER, "pages": "", **values}
    if token:
        data["_authenticator"] = token
    return requests.post(
        f"{record.absolute_url()}/@@issue-copy",
        data=data,
        auth=auth,
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def test_a_secret_record_is_not_copied(site, functional_holdings, copying):
    secret = functional_holdings[SECRET_DOCUMENT]
    answer = issue(secret, HEAD)
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "CopyRefused"
    assert "đã công bố" in answer.json()["error"]["message"]
    page = form(secret, HEAD)
    assert page.status_code == 200
    assert "Chỉ cấp bản sao chứng thực cho tài liệu đã công bố" in page.text
    assert 'name="identity"' not in page.text  # no form to fill in
    assert registered(site) == []
    assert queue.length() == 0
    # For people who may not see it, it does not exist (the trust guard).
    for auth in (None, READER, CURATOR):
        assert form(secret, auth).status_code == 404
        assert issue(secret, auth).status_code == 404


def test_pages_out_of_range_are_a_form_error(site, record):
    token = token_of(form(record).text)
    answer = post_form(record, token, pages="2-9")
    assert answer.status_code == 200
    assert "Tài liệu không có trang 9: tài liệu có 3 trang (từ 1 đến 3)." in answer.text
    assert 'value="2-9"' in answer.text  # what was typed stays in the form
    assert REQUESTER["name"] in answer.text
    unclear = post_form(record, token, pages="1, ba")
    assert "Không hiểu “ba”" in unclear.text
    rest = issue(record, pages=[0])
    assert rest.status_code == 400
    assert "không có trang 0" in rest.json()["error"]["message"]
    assert registered(site) == []
    assert queue.length() == 0

    done = post_form(record, token, pages="3, 1")
    assert done.status_code == 302
    (number,) = registered(site)
    listed = form(record).text
    assert number in listed
    assert REQUESTER["identity"] in listed  # the register, for staff
    assert register.get_entry(site, number).pages == (1, 3)


def test_a_form_post_without_its_token_is_refused(site, record):
    answer = post_form(record, None)
    assert answer.status_code == 403
    assert registered(site) == []
    assert queue.length() == 0


def test_a_requester_is_named(site, record):
    answer = issue(record, requester={"name": "Trần Văn Bình", "identity": " "})
    assert answer.status_code == 400
    assert "số giấy tờ tùy thân" in answer.json()["error"]["message"]
    assert registered(site) == []


def test_signing_and_the_seal_must_be_set_up(site, record, monkeypatch, tmp_path):
    monkeypatch.delenv("VNARCHIVE_SIGNING_KIND")
    answer = issue(record)
    assert answer.status_code == 400
    assert "VNARCHIVE_SIGNING_KIND" in answer.json()["error"]["message"]
    page = form(record)
    assert "VNARCHIVE_SIGNING_KIND" in page.text
    assert 'name="identity"' not in page.text

    monkeypatch.setenv("VNARCHIVE_SIGNING_KIND", "pkcs12")
    monkeypatch.delenv("VNARCHIVE_SIGNING_SEAL")
    answer = issue(record)
    assert answer.status_code == 400
    assert "VNARCHIVE_SIGNING_SEAL" in answer.json()["error"]["message"]
    assert "hình con dấu" in answer.json()["error"]["message"]

    not_png = tmp_path / "con-dau.jpg"
    draw_seal(tmp_path / "seal.png")
    from PIL import Image

    Image.open(tmp_path / "seal.png").convert("RGB").save(not_png, format="JPEG")
    monkeypatch.setenv("VNARCHIVE_SIGNING_SEAL", str(not_png))
    answer = issue(record)
    assert answer.status_code == 400
    assert "tệp PNG" in answer.json()["error"]["message"]
    assert registered(site) == []
    assert queue.length() == 0


@pytest.mark.parametrize(
    ("auth", "allowed"),
    [
        (ARCHIVIST, True),
        (HEAD, True),
        (CURATOR, False),
        (APPRAISER, False),
        (READER, False),
        (None, False),
    ],
    ids=["archivist", "head", "curator", "appraiser", "reader", "anonymous"],
)
def test_who_issues_copies_and_sees_the_register(site, record, auth, allowed):
    url = record.absolute_url()
    answer = get_json(f"{url}/@copies", auth)
    assert (answer.status_code == 200) is allowed
    if not allowed:
        assert answer.status_code in (401, 403)
        assert REQUESTER["name"] not in answer.text
    page = requests.get(
        f"{url}/@@issue-copy", auth=auth, allow_redirects=False, timeout=TIMEOUT
    )
    assert (page.status_code == 200) is allowed


def test_the_file_of_a_copy_is_for_staff(site, record, functional_holdings):
    number = issued_copy(site, record)
    url = f"{record.absolute_url()}/@@issue-copy/{number}.pdf"
    for auth in (None, READER, CURATOR):
        answer = requests.get(url, auth=auth, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code != 200
        assert not answer.content.startswith(b"%PDF")
    assert requests.get(url, auth=HEAD, timeout=TIMEOUT).content.startswith(b"%PDF")
    # Under another record, the number names nothing.
    other = functional_holdings[PUBLISHED_DOCUMENT].absolute_url()
    answer = requests.get(
        f"{other}/@@issue-copy/{number}.pdf", auth=HEAD, timeout=TIMEOUT
    )
    assert answer.status_code == 404
