"""Permissions declared by the content model (permissions.zcml registers them)."""

ADD_FONDS = "vnarchive.AddFonds"
ADD_DOSSIER = "vnarchive.AddDossier"
ADD_RECORD = "vnarchive.AddRecord"
# Field-level write permissions of the life-cycle behavior (retention, access mode).
MODIFY_RETENTION = "vnarchive.ModifyRetention"
MODIFY_ACCESS_MODE = "vnarchive.ModifyAccessMode"
