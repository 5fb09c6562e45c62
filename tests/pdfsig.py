"""poppler's `pdfsig`, an independent second opinion on PDF signatures (Debian's
poppler-utils, NSS underneath), and `pdftotext` for the visible text of a page."""

from pathlib import Path

import re
import subprocess


def nss_database(folder, roots):
    """An NSS database in `folder` trusting the PEM files `roots` (for `pdfsig -nssdir`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    for number, root in enumerate(roots):
        subprocess.run(
            [
                "certutil", "-A", "-d", f"sql:{folder}", "-n", f"root{number}",
                "-t", "CT,C,C", "-i", str(root),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return f"sql:{folder}"


def pdfsig(data, nssdir, folder):
    """pdfsig's findings, one dict per signature in file order: "field", "signer",
    "type", "valid" (signature value and digest), "trusted" (certificate), "total"
    (covers the whole file), plus the raw "text" of the report.

    Without `-no-ocsp`: with it, poppler 22.12 reports "Unknown issue with Certificate"
    for every certificate. The test certificates name no OCSP responder, so pdfsig asks
    nothing on the network either way."""
    target = Path(folder) / "pdfsig.pdf"
    target.write_bytes(data)
    result = subprocess.run(
        ["pdfsig", "-nssdir", nssdir, str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    blocks = re.split(r"^Signature #\d+:\n", result.stdout, flags=re.MULTILINE)[1:]
    return [_finding(block) for block in blocks]


def _value(block, label):
    found = re.search(rf"^\s+- {re.escape(label)}: (.*)$", block, re.MULTILINE)
    return found.group(1).strip() if found else None


def _finding(block):
    return {
        "field": _value(block, "Signature Field Name"),
        "signer": _value(block, "Signer Certificate Common Name"),
        "type": _value(block, "Signature Type"),
        "valid": _value(block, "Signature Validation") == "Signature is Valid.",
        "trusted": _value(block, "Certificate Validation") == "Certificate is Trusted.",
        "total": "- Total document signed" in block,
        "text": block,
    }


def page_words(data, page=1):
    """The words of `page` with their boxes, as pdftotext sees the page shown (rotation
    applied): [(text, x_min, y_min, x_max, y_max)], y from the top."""
    result = subprocess.run(
        [
            "pdftotext",
            "-enc",
            "UTF-8",
            "-bbox",
            "-f",
            str(page),
            "-l",
            str(page),
            "-",
            "-",
        ],
        input=data,
        capture_output=True,
        check=True,
    )
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    )
    return [
        (text, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in pattern.findall(result.stdout.decode("utf-8"))
    ]
