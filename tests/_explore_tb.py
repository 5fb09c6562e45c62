from conftest import *  # noqa
from plone.app.testing import login, logout
from plone import api
def test_tb(portal, holdings):
    login(portal, "luutruvien")
    from plone.base.interfaces.syndication import IFeed, ISearchFeed
    f = IFeed(portal)
    print(type(f), f.context, "/".join(f.context.getPhysicalPath()))
    import inspect; print(inspect.getsource(type(f)._brains))
    f2 = IFeed(holdings[FONDS])
    print(type(f2), [b.getPath() for b in f2._brains()])
