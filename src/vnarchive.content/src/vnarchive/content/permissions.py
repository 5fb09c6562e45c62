"""Permissions declared by the content model (permissions.zcml registers them)."""

# Codes are what people cite: they can be changed only while the record is in processing.
MODIFY_IDENTIFIERS = "vnarchive.ModifyIdentifiers"

ADD_FONDS = "vnarchive.AddFonds"
ADD_DOSSIER = "vnarchive.AddDossier"
ADD_RECORD = "vnarchive.AddRecord"
