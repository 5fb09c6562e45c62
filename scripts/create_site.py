"""Create the Plone site `vnarchive` once, with demo holdings; later runs change nothing.

Run by scripts/ctl.py as `zconsole run instance/etc/zope-client1.conf scripts/create_site.py`
(`app` is the Zope root). Settings: VNARCHIVE_SITE_ID [vnarchive], VNARCHIVE_ADMIN_PASSWORD
[admin], VNARCHIVE_DEMO [1], VNARCHIVE_DEMO_FILE [profiles/demo/holdings.json],
VNARCHIVE_DEMO_BATCH [1] (with the demo, also start a small digitization batch generated
into VAR/demo-batch: vnarchive.digitization.demo_batch).
"""

from AccessControl.SecurityManagement import newSecurityManager
from pathlib import Path
from zope.component.hooks import setSite

import os
import transaction


DEMO_FILE = Path(os.environ.get("VNARCHIVE_DEMO_FILE", "profiles/demo/holdings.json"))
SITE_ID = os.environ.get("VNARCHIVE_SITE_ID", "vnarchive")
ADMIN_PASSWORD = os.environ.get("VNARCHIVE_ADMIN_PASSWORD", "admin")
LOAD_DEMO = os.environ.get("VNARCHIVE_DEMO", "1") == "1"
DEMO_BATCH = os.environ.get("VNARCHIVE_DEMO_BATCH", "1") == "1"


def start_demo_batch(site):
    """Start the demo digitization batch (VAR/demo-batch) as admin; never fail the site."""
    from vnarchive.digitization import demo_batch

    folder = demo_batch.default_folder()
    if folder is None:
        print("No VNARCHIVE_VAR: no demo digitization batch.")
        return
    savepoint = transaction.savepoint()
    try:
        batch = demo_batch.start(site, "admin", folder)
    except Exception as error:  # the demo scans are a bonus; the site must be created
        savepoint.rollback()
        print(f"No demo digitization batch ({type(error).__name__}: {error}).")
        return
    print(f"Started the demo digitization batch {batch.id} ({folder}).")


def main(app):
    if app.acl_users.getUserById("admin") is None:
        app.acl_users._doAddUser("admin", ADMIN_PASSWORD, ["Manager"], [])
        print("Created the Zope user 'admin'.")
    admin = app.acl_users.getUserById("admin").__of__(app.acl_users)
    newSecurityManager(None, admin)
    if SITE_ID in app.objectIds():
        print(f"The site '{SITE_ID}' exists; its data is kept as it is.")
        return
    from plone.base.utils import get_installer
    from Products.CMFPlone.factory import addPloneSite

    site = addPloneSite(
        app,
        SITE_ID,
        title="Kho lưu trữ số",
        distribution_name="classic",
        default_language="vi",
        portal_timezone="Asia/Ho_Chi_Minh",
        setup_content=False,
    )
    setSite(site)
    # The classic distribution ignores extension profiles: install ours explicitly, the
    # core and both add-ons (digitization, Solr search).
    installer = get_installer(site)
    for product in ("vnarchive.policy", "vnarchive.digitization", "vnarchive.search"):
        installer.install_product(product)
    if LOAD_DEMO:
        from vnarchive.policy import demo

        records = demo.load(site, DEMO_FILE)
        print(f"Loaded {len(records)} demo records.")
        if DEMO_BATCH:
            start_demo_batch(site)
    transaction.commit()
    print(f"Created the site '{SITE_ID}'.")


main(app)  # noqa: F821 - zconsole provides `app`
