"""Test layers: the vnarchive site as `make start` installs it (the core and both add-ons)."""

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


FIXTURE = VnarchiveLayer()


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
