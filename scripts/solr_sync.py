"""Point the site at Solr and make Solr match the catalog (`make solr-sync`, `make start`).

Run as `zconsole run instance/etc/zope-client1.conf scripts/solr_sync.py [options]` while
the database server runs:

    --configure   first set collective.solr from VNARCHIVE_SOLR_URL (empty: switch Solr
                  off, the site searches its catalog) and commit
    --full        reindex every record, not only the missing and stale ones (after a
                  schema change)

Then, when Solr is active, records missing from Solr or stale there (modification date,
workflow state, path, who may see them) are indexed and those the catalog no longer has
are deleted. Exit status: 0 in sync, 1 some records could not be indexed, 2 no site,
3 Solr is off or does not answer. Settings: VNARCHIVE_SITE_ID [vnarchive].
"""

from AccessControl.SecurityManagement import newSecurityManager
from vnarchive.policy.console import script_arguments
from zope.component.hooks import setSite

import argparse
import os
import sys
import transaction


SITE_ID = os.environ.get("VNARCHIVE_SITE_ID", "vnarchive")


def arguments():
    parser = argparse.ArgumentParser(prog="solr_sync.py", description=__doc__)
    parser.add_argument("--configure", action="store_true")
    parser.add_argument("--full", action="store_true")
    return parser.parse_args(script_arguments("solr_sync.py"))


def main(app):
    options = arguments()
    if SITE_ID not in app.objectIds():
        print(f"Không có site '{SITE_ID}'. / There is no site '{SITE_ID}'.")
        return 2
    admin = app.acl_users.getUserById("admin")
    if admin is not None:
        newSecurityManager(None, admin.__of__(app.acl_users))
    site = app[SITE_ID]
    setSite(site)
    from vnarchive.search import connection as solr
    from vnarchive.search import sync

    if options.configure:
        url = solr.url_from_environment()
        solr.configure(url)
        transaction.commit()
        if not url:
            print(
                "Solr không chạy: tìm kiếm dùng danh mục của Plone. / "
                "Solr is off: search uses the Plone catalog."
            )
            return 0
        print(f"collective.solr uses {url}")
    try:
        report = sync.sync(
            site, full=options.full, out=lambda line: print(line, flush=True)
        )
    except sync.SolrUnavailable as error:
        print(
            f"Không đồng bộ được với Solr ({error}): hãy khởi động Solr (make solr-start). / "
            f"Cannot sync with Solr ({error}): start it (make solr-start)."
        )
        return 3
    finally:
        transaction.abort()
    print(report.summary())
    if report.failed:
        print("Not indexed: " + ", ".join(report.failed[:20]))
        return 1
    print("Solr khớp với danh mục. / Solr matches the catalog.")
    return 0


sys.exit(main(app))  # noqa: F821 - zconsole provides `app`
