"""`sign_pdf`: the archive's PAdES signature on a PDF/A, as an incremental update.

The bytes given are never changed: the signed file is those bytes followed by one
incremental update (signature field with the national appearance, the signature, and the
Document Security Store with the certificates and revocation data that validate it), and,
with a timestamp authority, a second one (the document timestamp of PAdES B-LTA).

Before signing, the signer's certificate is validated offline at the signing time
(`allow_fetching=False`) against the configured trust anchors, intermediates and
revocation data: an expired, revoked or untrusted certificate, or one whose revocation
data is missing or out of date, is refused with a `SigningError` that says so. What that
validation used is what goes into the DSS, so the signature validates offline later.

Levels (ETSI EN 319 142-1): with `tsa_url` the signature has a signature timestamp, its
validation data and a document timestamp: B-LTA. Without one it carries the same
validation data (DSS) but no proof of time, which ETSI calls B-B (B-LT presupposes B-T's
timestamp); `verify_pdf` reports what it finds.
"""

from io import BytesIO
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_signer import DSSContentSettings
from pyhanko.sign.signers.pdf_signer import SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper
from vnarchive.digitization.signing import appearance
from vnarchive.digitization.signing import fonts
from vnarchive.digitization.signing.documents import first_page
from vnarchive.digitization.signing.documents import open_document
from vnarchive.digitization.signing.documents import readable
from vnarchive.digitization.signing.explain import explain_signing_error
from vnarchive.digitization.signing.keys import open_signer
from vnarchive.digitization.signing.material import load_trust
from vnarchive.digitization.signing.material import validation_context

import logging


FIELD_PREFIX = "ChuKySo"  # "digital signature": ChuKySo1, ChuKySo2…
TSA_TIMEOUT = 30  # seconds


class _Expected(logging.Filter):
    """Drops the warnings every signing would log about what is done on purpose: the
    validation data is embedded without fetching (it comes from the archive's files),
    and fontTools drops a table of Liberation Serif that a PDF subset does not need."""

    NOTES = ("fetching is not allowed", "FFTM NOT subset")

    def filter(self, record):
        message = record.getMessage()
        return not any(note in message for note in self.NOTES)


for _logger in ("pyhanko.sign.signers.pdf_signer", "fontTools.subset"):
    logging.getLogger(_logger).addFilter(_Expected())


def field_name(reader):
    """A signature field name not yet used in the document."""
    taken = {name for name, _, _ in fields.enumerate_sig_fields(reader)}
    number = 1
    while f"{FIELD_PREFIX}{number}" in taken:
        number += 1
    return f"{FIELD_PREFIX}{number}"


class _PdfSigner(signers.PdfSigner):
    """pyHanko's signer, signing at a given time (the one printed on the page)."""

    def __init__(self, *args, moment, **kwargs):
        super().__init__(*args, **kwargs)
        self.moment = moment

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.moment
        return session


def _metadata(name, settings, context):
    return signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        use_pades_lta=bool(settings.tsa_url),
        validation_context=context,
        # the DSS goes into the signature's own revision: one revision is B-LT for
        # every validator, even those that do not analyse incremental updates
        dss_settings=DSSContentSettings(
            include_vri=False,
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
        ),
    )


def _appearance(reader, settings, moment, seal):
    """(placement, stamp style, page index): the national appearance on page 1, or a
    certified copy's seal in the box it names (`seal`: (Seal, its image))."""
    if seal is None:
        box, rotation = first_page(reader)
        placement = appearance.place(box, rotation, settings.agency, moment)
        return placement, appearance.stamp_style(placement), 0
    seal, image = seal
    placement = appearance.place_sealed(seal, settings.agency, moment)
    return placement, appearance.sealed_style(placement, image), seal.page


def _pdf_signer(reader, signer, settings, trust, moment, seal=None):
    placement, style, page = _appearance(reader, settings, moment, seal)
    name = field_name(reader)
    pdf_signer = _PdfSigner(
        _metadata(name, settings, validation_context(trust, moment)),
        signer,
        moment=moment,
        timestamper=(
            HTTPTimeStamper(settings.tsa_url, timeout=TSA_TIMEOUT)
            if settings.tsa_url
            else None
        ),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=name, on_page=page, box=placement.rect
        ),
    )
    return pdf_signer, placement


def sign_pdf(data, settings, *, when=None, seal=None):
    """`data` (a PDF, normally the PDF/A of a record) signed by the archive as `settings`
    say, at `when` (now when None; a naive time is Vietnam time). Returns the new bytes;
    raises `SigningError` and changes nothing when it cannot sign.

    `seal` (an `appearance.Seal`): a certified copy's appearance, the archive's seal
    image with its name and the time in the box the seal names, instead of the national
    appearance of digitized files (top right of page 1, no seal)."""
    settings.check()
    if seal is not None:  # a bad seal is a set-up problem: say so before the token
        seal = (seal, appearance.load_seal(seal.image))
    data = bytes(data)
    moment = appearance.vietnam_time(when)
    reader = open_document(data)
    trust = load_trust(
        settings.trust_anchors, settings.revocation, settings.chain_paths
    )
    fonts.font_path()  # a missing font is a set-up problem: say so before the token
    with (
        open_signer(settings, trust) as signer,
        explain_signing_error(signer, settings),
    ):
        pdf_signer, placement = _pdf_signer(
            reader, signer, settings, trust, moment, seal
        )
        with readable():
            writer = IncrementalPdfFileWriter(BytesIO(data), strict=True)
            output = pdf_signer.sign_pdf(
                writer, appearance_text_params=placement.text_params
            )
    return output.getvalue()
