"""Create a record from national field names and codes: the one path for REST-like data.

Demo holdings and importers use it, so that their data passes exactly the validation a
REST client's does (field checks, invariants, code uniqueness) before anything is added.
"""

from Acquisition import aq_base
from Acquisition.interfaces import IAcquirer
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.services.content.utils import add
from plone.restapi.services.content.utils import create
from vnarchive.policy.workflow.closed import ensure_writable
from zope.component import getMultiAdapter
from zope.event import notify
from zope.globalrequest import getRequest
from zope.lifecycleevent import ObjectCreatedEvent


def create_record(container, type_name, data, request=None):
    """Validate `data` and add a new `type_name` to `container`; raises BadRequest on errors."""
    ensure_writable(
        container, "add"
    )  # nothing goes into a destroyed or transferred record
    request = request if request is not None else getRequest()
    obj = create(container, type_name)
    if IAcquirer.providedBy(obj):
        obj = obj.__of__(container)  # vocabularies and invariants look at the container
    deserializer = getMultiAdapter((obj, request), IDeserializeFromJson)
    deserializer(validate_all=True, data=data, create=True)
    obj = aq_base(obj)
    notify(ObjectCreatedEvent(obj))
    return add(container, obj, rename=True)
