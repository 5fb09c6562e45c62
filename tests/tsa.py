"""A real RFC 3161 timestamp authority over HTTP on 127.0.0.1, for the B-LTA tests.

A small WSGI application answers `application/timestamp-query` POSTs with tokens signed
by the test PKI's TSA certificate (pyHanko's own token machinery, `DummyTimeStamper`),
served by wsgiref's HTTP server in a thread. pyHanko's `HTTPTimeStamper` talks to it as
to any TSA.
"""

from asn1crypto import tsp
from contextlib import contextmanager
from pyhanko.keys import load_cert_from_pemder
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from socketserver import ThreadingMixIn
from wsgiref.simple_server import make_server
from wsgiref.simple_server import WSGIRequestHandler
from wsgiref.simple_server import WSGIServer

import threading


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class TimestampAuthority:
    """The WSGI application; `requests` counts the tokens it issued."""

    def __init__(self, stamper):
        self.stamper = stamper
        self.requests = 0

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        if environ["REQUEST_METHOD"] != "POST" or not body:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"POST a TimeStampReq"]
        answer = self.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        self.requests += 1
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/timestamp-reply"),
                ("Content-Length", str(len(answer))),
            ],
        )
        return [answer]


def _stamper(pki, tmp):
    from cryptography.hazmat.primitives import serialization

    cert_path = tmp / "tsa.pem"
    cert_path.write_bytes(pki.tsa.pem)
    key = pki.tsa.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    intermediate = tmp / "tsa-chain.pem"
    intermediate.write_bytes(pki.intermediate.pem)
    return DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(cert_path)),
        tsa_key=load_private_key_from_pemder_data(key, passphrase=None),
        certs_to_embed=SimpleCertificateStore.from_certs(
            [load_cert_from_pemder(str(intermediate))]
        ),
    )


@contextmanager
def serve_tsa(pki, tmp):
    """(url, authority) of a TSA of `pki` listening on 127.0.0.1 while the context lasts."""
    authority = TimestampAuthority(_stamper(pki, tmp))
    server = make_server(
        "127.0.0.1", 0, authority, server_class=_Server, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa", authority
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
