"""Bad parameters are a 400 with a message in the user's language (vnarchive.policy.errors).

Over real HTTP on the functional site (debug mode off): ZPublisher's ``:int`` converter on
our search page and REST, plone.restapi's batching on Plone's ``@search``. The answer is 400,
in Vietnamese by default, English or Lao on request, and shows no exception class, message,
path or traceback.
"""

import pytest
import requests
import transaction


TIMEOUT = 30
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}
MESSAGES = {
    "vi": "Yêu cầu có tham số không hợp lệ",
    "en": "The request has an invalid parameter",
    "lo": "ຄຳຮ້ອງຂໍມີພາລາມິເຕີທີ່ບໍ່ຖືກຕ້ອງ",
}
# What must never show: exception classes and their text, code paths.
NEVER = [
    "ValueError",
    "invalid literal",
    "int()",
    "Traceback",
    ".py",
    "site-packages",
    "/work/",
]

BAD = [
    ("@search?b_size=abc", JSON),
    ("@search?b_start=x&SearchableText=a", JSON),
    ("++api++/@search?b_size=abc", {}),
    ("@@archive-search?page_size:int=abc", HTML),
    ("@@archive-search?page_size:int=abc", {}),
    ("@archive-search?page_size:int=abc", JSON),
    ("@@search?year_from:int=19x6", HTML),
]


@pytest.fixture
def site(functional_portal):
    transaction.commit()
    return functional_portal.absolute_url()


def clean(response):
    for word in NEVER:
        assert word not in response.text, (word, response.text[:500])


@pytest.mark.parametrize(("path", "headers"), BAD)
def test_bad_parameters_are_400_in_vietnamese(site, path, headers):
    response = requests.get(f"{site}/{path}", headers=headers, timeout=TIMEOUT)
    assert response.status_code == 400, response.text[:500]
    assert MESSAGES["vi"] in response.text
    clean(response)
    if headers is JSON or path.startswith("++api++"):
        assert response.json()["type"] == "BadRequest"
    else:
        assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("language", ["en", "lo", "vi"])
@pytest.mark.parametrize(("path", "headers"), [BAD[0], BAD[3]])
def test_the_message_is_in_the_users_language(site, path, headers, language):
    for asked in (
        {"headers": dict(headers, **{"Accept-Language": f"{language},fr;q=0.5"})},
        {"headers": headers, "cookies": {"I18N_LANGUAGE": language}},
    ):
        response = requests.get(f"{site}/{path}", timeout=TIMEOUT, **asked)
        assert response.status_code == 400
        assert MESSAGES[language] in response.text
        clean(response)


def test_good_parameters_still_work(site):
    assert requests.get(f"{site}/@search?b_size=5", headers=JSON, timeout=TIMEOUT).ok
    page = requests.get(f"{site}/@@archive-search?page_size:int=5", timeout=TIMEOUT)
    assert page.status_code == 200
    data = requests.get(
        f"{site}/@archive-search?page_size:int=5", headers=JSON, timeout=TIMEOUT
    ).json()
    assert data["query"]["page_size"] == 5
