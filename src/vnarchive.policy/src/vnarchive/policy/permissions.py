"""Permissions of the site policy, by title (as checkPermission wants them).

permissions.zcml registers them; ZCML refers to them by id: vnarchive.ViewJournal,
vnarchive.DownloadMasters, vnarchive.ManageFiles, vnarchive.ReviewOCR.
"""

VIEW_JOURNAL = "vnarchive: View journal"
DOWNLOAD_MASTERS = "vnarchive: Download master files"
MANAGE_FILES = "vnarchive: Manage files"
REVIEW_OCR = "vnarchive: Review OCR"
