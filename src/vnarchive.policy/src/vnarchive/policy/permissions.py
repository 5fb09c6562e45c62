"""Permissions of the site policy (permissions.zcml registers them)."""

VIEW_JOURNAL = "vnarchive.ViewJournal"
DOWNLOAD_MASTERS = "vnarchive.DownloadMasters"
MANAGE_FILES = "vnarchive.ManageFiles"
