"""Interfaces of the digitization add-on."""

from vnarchive.policy.interfaces import IVnarchivePolicyLayer


class IVnarchiveDigitizationLayer(IVnarchivePolicyLayer):
    """Browser layer: the add-on's pages and services exist only where it is installed."""
