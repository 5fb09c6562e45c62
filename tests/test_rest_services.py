"""How the REST services of vnarchive are registered (as plone.restapi's are).

Every service lives in its own folder, `<package>.services.<endpoint>.<method>`, and is
registered on a browser layer: the policy's, or the add-on's own, so that an add-on's
endpoints exist only where it is installed.
"""

from plone.rest.interfaces import IService
from prober import registered_adapters
from test_review import http  # noqa: F401 - the fixture
from vnarchive.digitization.interfaces import IVnarchiveDigitizationLayer
from vnarchive.policy.interfaces import IVnarchivePolicyLayer
from zope.component import getGlobalSiteManager

import re


METHOD_MODULES = {"GET": "get", "POST": "post", "PATCH": "patch", "DELETE": "delete"}
ENDPOINT_MODULE = re.compile(
    r"^vnarchive\.(?P<package>\w+)\.services\.(?P<folder>\w+)\.(?P<method>\w+)$"
)


def our_services():
    """(endpoint name, method, class written in vnarchive, registered for, layer)."""
    found = []
    for registration in registered_adapters(getGlobalSiteManager()):
        factory = registration.factory
        if not (isinstance(factory, type) and IService.implementedBy(factory)):
            continue
        written = factory.__mro__[1]  # plone.rest wraps the class it was given
        if not written.__module__.startswith("vnarchive."):
            continue
        method = factory.method
        name = registration.name.split("_", 3)[-1]  # GET_application_json_@journal
        found.append((name, method, written, *registration.required))
    return found


def test_services_are_found(portal):
    names = {(name, method) for name, method, *_rest in our_services()}
    assert {
        ("@journal", "GET"),
        ("@record-files", "POST"),
        ("@archive-search", "GET"),
        ("@batches", "POST"),
        ("@ocr-pages", "PATCH"),
    } <= names


def test_one_folder_per_endpoint(portal):
    for name, method, written, _for, _layer in our_services():
        match = ENDPOINT_MODULE.match(written.__module__)
        assert match, (
            f"{name} ({method}): {written.__module__} is not services/<endpoint>/"
        )
        assert match["method"] == METHOD_MODULES[method], (name, written.__module__)
        expected = (name or "content").lstrip("@").replace("-", "_")
        assert match["folder"] == expected, (name, written.__module__)


def test_every_service_is_on_a_layer_of_its_package(portal):
    layers = {
        "policy": IVnarchivePolicyLayer,
        "digitization": IVnarchiveDigitizationLayer,
    }
    for name, method, written, _for, layer in our_services():
        package = written.__module__.split(".")[1]
        assert layer is layers[package], (name, method, layer)


# -- Errors a service reports itself: one shape (vnarchive.policy.errors.service_error) -----


def test_service_error_is_plone_restapis_shape(portal):
    from vnarchive.policy import _
    from vnarchive.policy.errors import service_error

    request = portal.REQUEST
    message = _("test_no_such", default="Không có trang ${n}.", mapping={"n": 7})
    assert service_error(request, 404, message) == {
        "error": {"type": "NotFound", "message": "Không có trang 7."}
    }
    assert request.response.getStatus() == 404
    assert service_error(request, 409, "Đã sửa.", kind="ReviewError", code="x") == {
        "error": {"type": "ReviewError", "message": "Đã sửa.", "code": "x"}
    }
    assert request.response.getStatus() == 409


def test_services_answer_their_errors_in_that_shape(functional_holdings):
    from conftest import PROCESSING_DOCUMENT
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD

    import requests
    import transaction

    document = functional_holdings[PROCESSING_DOCUMENT].absolute_url()
    transaction.commit()

    def send(method, url, body):
        response = requests.request(
            method,
            url,
            json=body,
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=60,
        )
        return response.status_code, response.json()["error"]

    status, error = send(
        "POST", f"{document}/@record-files", {"filename": "a.tif", "data": "***"}
    )
    assert (status, error["type"]) == (400, "BadRequest")
    assert error["message"] == "Dữ liệu tệp phải được mã hóa base64."
    status, error = send("POST", f"{document}/@ocr-review/publish", {})
    assert (status, error["type"]) == (404, "NotFound")
    assert "@ocr-review/approve" in error["message"]
    status, error = send("PATCH", f"{document}/@ocr-pages/abc", {"text": "x"})
    assert (status, error["type"]) == (400, "ReviewError")
    assert error["code"]
    assert "không phải là số trang" in error["message"]


# -- Listings in batches: plone.restapi's `batching` block -----------------------------------


def test_review_queue_comes_in_batches(http):
    archivist = http["archivist"]
    whole = archivist.request("GET", "@ocr-review").json()
    codes = [item["code"] for item in whole["items"]]
    assert whole["items_total"] == len(codes) == 4
    assert "batching" not in whole  # one batch: no links, as in plone.restapi

    first = archivist.request("GET", "@ocr-review?b_size=3").json()
    assert first["items_total"] == 4
    assert [item["code"] for item in first["items"]] == codes[:3]
    links = first["batching"]
    assert set(links) == {"@id", "first", "last", "next"}
    assert "b_start=3" in links["next"]
    assert "b_start=3" in links["last"]
    second = archivist.request("GET", links["next"]).json()
    assert [item["code"] for item in second["items"]] == codes[3:]
    assert set(second["batching"]) == {"@id", "first", "last", "prev"}
    middle = archivist.request("GET", "@ocr-review?b_size=2&b_start=1").json()
    assert [item["code"] for item in middle["items"]] == codes[1:3]

    assert len(archivist.request("GET", "@ocr-review?b_size=1000").json()["items"]) == 4
    bad = archivist.request("GET", "@ocr-review?b_size=abc")
    assert bad.status_code == 400
    assert "Traceback" not in bad.text
