"""Test layers: the vnarchive site as `make start` installs it (the core and both add-ons)."""

from pathlib import Path
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGIServer

import vnarchive.content
import vnarchive.digitization
import vnarchive.policy
import vnarchive.search


DEMO_FILE = (
    Path(__file__).resolve().parent.parent / "profiles" / "demo" / "holdings.json"
)

# What `make start` installs: the core and both add-ons.
ADDONS = ("vnarchive.digitization", "vnarchive.search")


class VnarchiveLayer(PloneSandboxLayer):
    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import plone.restapi

        self.loadZCML(package=plone.restapi)
        self.loadZCML(package=vnarchive.content)
        self.loadZCML(package=vnarchive.policy)
        self.loadZCML(package=vnarchive.digitization)
        self.loadZCML(package=vnarchive.search)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "vnarchive.policy:default")
        for addon in ADDONS:
            applyProfile(portal, f"{addon}:default")


VNARCHIVE_FIXTURE = VnarchiveLayer()


class DemoHoldingsLayer(PloneSandboxLayer):
    """The demo holdings (profiles/demo/holdings.json) loaded once for the whole run.

    Every integration test starts from them and every functional test sees them committed;
    what a test changes is rolled back (integration) or thrown away with its DemoStorage
    (functional), so loading them per test bought nothing but time."""

    defaultBases = (VNARCHIVE_FIXTURE,)

    def setUpPloneSite(self, portal):
        from plone.app.testing import login
        from plone.app.testing import setRoles
        from plone.app.testing import TEST_USER_ID
        from plone.app.testing import TEST_USER_NAME
        from Products.CMFCore.indexing import processQueue
        from vnarchive.policy import demo
        from zope.globalrequest import setRequest

        setRequest(portal.REQUEST)
        # A real Manager: workflow guards read roles in context (adopt_roles does not set them).
        setRoles(portal, TEST_USER_ID, ["Manager"])
        login(portal, TEST_USER_NAME)
        demo.load(portal, DEMO_FILE)
        # The catalog's queue is processed at commit by a hook of the transaction the
        # layer does not commit through: index what the demo queued now.
        processQueue()
        setRoles(portal, TEST_USER_ID, ["Member"])
        setRequest(None)


FIXTURE = DemoHoldingsLayer()


class VnarchiveWSGIServer(WSGIServer):
    """plone.testing's WSGI server with the filters of instance/zope.ini.in."""

    pipeline = [
        ("Zope", "paste.filter_app_factory", "httpexceptions", {}),
        ("vnarchive.policy", "paste.filter_app_factory", "bad_path", {}),
    ]


WSGI_SERVER_FIXTURE = VnarchiveWSGIServer(name="Vnarchive:WSGIServer")

INTEGRATION_TESTING = IntegrationTesting(
    bases=(FIXTURE,), name="Vnarchive:IntegrationTesting"
)
FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(FIXTURE, WSGI_SERVER_FIXTURE), name="Vnarchive:FunctionalTesting"
)
