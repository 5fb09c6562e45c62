"""Upgrade steps of the vnarchive.policy profile: one module per profile version."""
