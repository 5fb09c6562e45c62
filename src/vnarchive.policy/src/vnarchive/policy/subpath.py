"""Views and services that take the rest of the URL as parameters (`@batches/<id>/retry`)."""

from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class SubpathParams:
    """Mixin: each name after the view's own is appended to `self.params`."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self
