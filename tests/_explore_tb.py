from conftest import *  # noqa
from plone.app.testing import login
def test_tb(portal, holdings):
    login(portal, "luutruvien")
    fonds = holdings[FONDS]
    from zope.interface import alsoProvides
    from vnarchive.policy.interfaces import IVnarchivePolicyLayer
    alsoProvides(portal.REQUEST, IVnarchivePolicyLayer)
    view = fonds.restrictedTraverse("@@view")
    view()
