"""Interfaces of the Solr search add-on."""

from vnarchive.policy.interfaces import IVnarchivePolicyLayer


class IVnarchiveSearchLayer(IVnarchivePolicyLayer):
    """Browser layer of the add-on (installed sites only)."""
