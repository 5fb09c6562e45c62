"""Signatures: the test PKI, a real PDF/A of the add-on, a SoftHSM2 token, a local TSA,
and pdfsig's trust store; made once per run (session scope), each in its own tmp folder."""

from pdfsig import nss_database
from pki import make_pki
from pki import softhsm_token
from tsa import serve_tsa
from vnarchive.digitization.ocr import ocr_page
from vnarchive.digitization.pdfa import build_pdfa
from vnarchive.digitization.pdfa import PdfPage
from vnarchive.digitization.samples import render_page
from vnarchive.digitization.samples import SAMPLE_TEXTS
from vnarchive.digitization.signing.settings import ENVIRONMENT
from vnarchive.digitization.signing.settings import PREFIX

import io
import pytest


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def pdfa():
    """A two-layer PDF/A-2b made by the add-on (page image + Vietnamese OCR text)."""
    page = render_page(SAMPLE_TEXTS["vi"], "vi", dpi=200, size="a6")
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    text = ocr_page(page, "vie", 200)
    return build_pdfa(
        [PdfPage(buffer.getvalue(), 200, text)], "Quyết định về công tác lưu trữ", "vi"
    )


@pytest.fixture(scope="session")
def token(pki, tmp_path_factory):
    """The archive's key and certificate on a SoftHSM2 token (its own SOFTHSM2_CONF)."""
    with softhsm_token(tmp_path_factory.mktemp("softhsm"), pki) as conf:
        yield conf


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


@pytest.fixture(autouse=True)
def no_signing_environment(monkeypatch):
    """The tests say what they configure: no VNARCHIVE_SIGNING_* from the shell."""
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(PREFIX + variable, raising=False)
