"""Upgrade steps of the vnarchive.digitization profile: one module per profile version."""
