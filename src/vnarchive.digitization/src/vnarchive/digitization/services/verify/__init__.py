"""@verify: whether a certified copy is genuine (anyone; no personal data)."""
