"""The one registry of what the archive deliberately discloses about records people may not see.

A record a person may not View does not exist for them (see `guard`). A few later features
need a narrow, public fact about such a record: a certified copy's verification page, a
description the archive chooses to announce as "restricted — on request", the OAI-PMH header
of a deleted record. Each is declared here, as a named utility providing `IDisclosure`: the
channel (the view or REST service that answers), the fields it may show, and to whom. The
guard lets a request reach a hidden record only through a declared channel, and the generic
prober accepts in such an answer the declared fields and nothing else. Nothing else is ever
disclosed.

Declare one in ZCML::

    <utility
        component=".verification.COPY_VERIFICATION"
        provides="vnarchive.policy.trust.disclosures.IDisclosure"
        name="verify-copy"
        />

where ``COPY_VERIFICATION = Disclosure("verify-copy", fields=("archival_code",), ...)``;
the channel answers as ``@@verify-copy`` (page) and ``@verify-copy`` (REST).
"""

from dataclasses import dataclass
from zope.component import getUtilitiesFor
from zope.component import queryUtility
from zope.interface import implementer
from zope.interface import Interface


ANYONE = "anyone"
AUTHENTICATED = "authenticated"
AUDIENCES = (ANYONE, AUTHENTICATED)


class IDisclosure(Interface):
    """A declared disclosure: see `Disclosure`."""


@implementer(IDisclosure)
@dataclass(frozen=True)
class Disclosure:
    channel: str  # the view/service name, without "@" or "@@"
    fields: tuple  # the record's fields (attribute names) whose values it may show
    audience: str = ANYONE  # ANYONE or AUTHENTICATED (a logged-in person)
    purpose: str = ""  # why the archive discloses this, for the people who audit it

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}")
        if not self.channel or self.channel.startswith("@"):
            raise ValueError("channel is a view name without @ or @@")

    def admits(self, user):
        if self.audience == ANYONE:
            return True
        return user is not None and "Authenticated" in user.getRoles()


def channel_name(name):
    """`@@verify-copy`, `@verify-copy` and `verify-copy` are one channel."""
    return (name or "").lstrip("@")


def declared():
    """Every declared disclosure, by channel."""
    return dict(getUtilitiesFor(IDisclosure))


def disclosure(name):
    """The disclosure declared for the view or service `name`, or None."""
    name = channel_name(name)
    return queryUtility(IDisclosure, name=name) if name else None
