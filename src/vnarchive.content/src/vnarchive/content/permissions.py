"""Permissions declared by the content model (permissions.zcml registers them)."""

ADD_FONDS = "vnarchive.AddFonds"
ADD_DOSSIER = "vnarchive.AddDossier"
ADD_RECORD = "vnarchive.AddRecord"
