"""How the REST services of vnarchive are registered (as plone.restapi's are).

Every service lives in its own folder, `<package>.services.<endpoint>.<method>`, and is
registered on a browser layer: the policy's, or the add-on's own, so that an add-on's
endpoints exist only where it is installed.
"""

from plone.rest.interfaces import IService
from prober import registered_adapters
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
    from helpers import PROCESSING_DOCUMENT
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
