from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IVnarchivePolicyLayer(IDefaultBrowserLayer):
    """Browser layer of the vnarchive site policy."""
