"""Certified copies: the test PKI with a timestamp authority and the archive's seal as
the signing settings, a published record with a signed PDF/A of three pages, the queue
run as a worker runs it, pdfsig's trust store, veraPDF."""

from copy_records import draw_seal
from copy_records import MARKER
from copy_records import published_record
from pdfsig import nss_database
from pki import make_pki
from signature_records import configure_signing
from tsa import serve_tsa
from verapdf import verapdf  # noqa: F401 - a fixture
from vnarchive.digitization.signing.settings import ENVIRONMENT
from vnarchive.digitization.signing.settings import PREFIX

import pytest


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def tsa(pki, tmp_path_factory):
    """(url, authority) of an RFC 3161 timestamp authority on 127.0.0.1."""
    with serve_tsa(pki, tmp_path_factory.mktemp("tsa")) as served:
        yield served


@pytest.fixture(scope="session")
def nssdir(pki, tmp_path_factory):
    """pdfsig's NSS database, trusting the test root."""
    return nss_database(
        tmp_path_factory.mktemp("nss"), [pki.paths["anchors"] / "root.pem"]
    )


@pytest.fixture(scope="session")
def seal(tmp_path_factory):
    return draw_seal(tmp_path_factory.mktemp("seal") / "con-dau.png")


@pytest.fixture(autouse=True)
def no_signing_environment(monkeypatch):
    """The tests say what they configure: no VNARCHIVE_SIGNING_* from the shell."""
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(PREFIX + variable, raising=False)


@pytest.fixture
def site(functional_portal, functional_holdings, queue_db):
    """The functional site with the demo holdings and a fresh queue."""
    return functional_portal


@pytest.fixture
def copying(monkeypatch, pki, tsa, seal):
    """Signing set up with the test PKI, its timestamp authority and the seal; the
    settings."""
    url, _authority = tsa
    settings = pki.settings(tsa_url=url, seal=str(seal))
    configure_signing(monkeypatch, settings)
    return settings


@pytest.fixture
def record(site, functional_holdings, copying):
    """A published document of three pages with a signed PDF/A."""
    return published_record(
        site, functional_holdings, f"Quyết định số 45 về lưu trữ {MARKER}"
    )
