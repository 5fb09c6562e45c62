"""Bad input gets a clear message and loses nothing: every refusal is a `SigningError`
with a Vietnamese message for people (i18n, domain "vnarchive"), and the input bytes are
as they were."""

from pki import ARCHIVE
from pki import PIN
from vnarchive.digitization.signing import sign_pdf
from vnarchive.digitization.signing import SigningError
from vnarchive.digitization.signing import SigningSettings
from vnarchive.digitization.signing import verify_pdf

import io
import os
import pickle
import pikepdf
import pytest


def refused(data, settings, code):
    """sign_pdf's refusal of `data` (given as a bytearray, checked unchanged)."""
    original = bytes(data)
    given = bytearray(original)
    with pytest.raises(SigningError) as caught:
        sign_pdf(given, settings)
    assert bytes(given) == original
    error = caught.value
    assert error.code == code
    message = error.doc()
    assert message.domain == "vnarchive"
    assert message == f"signing_error_{code}"
    assert "Traceback" not in str(error)
    return str(error)


def test_broken_pdf(pdfa, pki):
    text = refused(pdfa[: len(pdfa) // 2], pki.settings(), "corrupt")
    assert "bị hỏng" in text
    refused(b"not a pdf at all", pki.settings(), "corrupt")
    with pytest.raises(SigningError) as caught:
        verify_pdf(pdfa[: len(pdfa) // 2])
    assert caught.value.code == "corrupt"


def test_encrypted_pdf(pdfa, pki):
    encrypted = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="", owner="chu-so-huu"))
    text = refused(encrypted.getvalue(), pki.settings(), "encrypted")
    assert "mã hóa" in text


def test_wrong_passphrase(pdfa, pki, tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not-the-passphrase\n")
    text = refused(pdfa, pki.settings(passphrase_file=str(wrong)), "passphrase")
    assert "mật khẩu sai" in text


def test_missing_key_file(pdfa, pki, tmp_path):
    missing = str(tmp_path / "nowhere.p12")
    text = refused(pdfa, pki.settings(pkcs12_path=missing), "file")
    assert missing in text


def test_expired_certificate(pdfa, pki):
    text = refused(pdfa, pki.settings(p12="expired"), "expired")
    assert "hết" in text or "không còn hiệu lực" in text


def test_revoked_certificate(pdfa, pki):
    text = refused(pdfa, pki.settings(p12="revoked"), "revoked")
    assert "thu hồi" in text


def test_untrusted_certificate(pdfa, pki):
    settings = pki.settings(trust_anchors=str(pki.paths["other_anchors"]))
    refused(pdfa, settings, "untrusted")


def test_no_revocation_data(pdfa, pki):
    refused(pdfa, pki.settings(revocation=""), "revocation")


def test_wrong_pin(pdfa, pki, token, tmp_path):
    wrong = tmp_path / "pin.txt"
    wrong.write_text(PIN[::-1])
    text = refused(pdfa, pki.token_settings(pin_file=str(wrong)), "pin")
    assert "PIN" in text


def test_missing_token(pdfa, pki, token):
    text = refused(
        pdfa, pki.token_settings(token_label="USB-vắng-mặt"), "token_missing"
    )
    assert "USB-vắng-mặt" in text


def test_missing_key_on_the_token(pdfa, pki, token):
    refused(pdfa, pki.token_settings(key_label="khong-co"), "key_missing")


def test_missing_pkcs11_module(pdfa, pki, token):
    refused(pdfa, pki.token_settings(pkcs11_module="/nonexistent/pkcs11.so"), "module")


def test_agency_name_the_font_cannot_write(pdfa, pki):
    refused(pdfa, pki.settings(agency="Lưu trữ ສາທາລະນະລັດ"), "font_letters")


def test_errors_survive_the_worker_boundary():
    error = SigningError("pin", token="t", secret="/s")
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, str(again)) == (error.code, str(error))


def test_not_configured():
    for environ in ({}, {"VNARCHIVE_SIGNING_KIND": "none"}):
        with pytest.raises(SigningError) as caught:
            SigningSettings.from_environ(environ)
        assert caught.value.code == "not_configured"
        assert "VNARCHIVE_SIGNING_KIND" in str(caught.value)
    incomplete = {"VNARCHIVE_SIGNING_KIND": "pkcs12", "VNARCHIVE_SIGNING_AGENCY": "A"}
    with pytest.raises(SigningError) as caught:
        SigningSettings.from_environ(incomplete)
    assert "VNARCHIVE_SIGNING_PKCS12" in str(caught.value)
    with pytest.raises(SigningError):
        sign_pdf(b"%PDF-1.7", SigningSettings(kind="pkcs11", agency=ARCHIVE))


def test_settings_from_the_environment(pki, pdfa):
    environ = {
        "VNARCHIVE_SIGNING_KIND": "PKCS12",
        "VNARCHIVE_SIGNING_AGENCY": ARCHIVE,
        "VNARCHIVE_SIGNING_PKCS12": str(pki.paths["archive"]),
        "VNARCHIVE_SIGNING_PASSPHRASE_FILE": str(pki.paths["passphrase"]),
        "VNARCHIVE_SIGNING_CHAIN": os.pathsep.join([str(pki.paths["chain"]), ""]),
        "VNARCHIVE_SIGNING_TRUST_ANCHORS": str(pki.paths["anchors"]),
        "VNARCHIVE_SIGNING_REVOCATION": str(pki.paths["revocation"]),
    }
    settings = SigningSettings.from_environ(environ)
    assert settings == pki.settings()
    (report,) = verify_pdf(sign_pdf(pdfa, settings), settings)
    assert report.status == "valid", report.problem
