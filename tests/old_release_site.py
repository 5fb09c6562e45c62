"""Make a database with the previous release's code, then open and upgrade it with today's.

Run by tests/test_old_database.py, once per mode, each in its own Python:

    python tests/old_release_site.py old <work> <old tree>
        with the code of <old tree> (`git archive` of the previous release: its src and
        profiles) only, make <work>/Data.fs: a site with vnarchive.policy installed, the demo
        holdings, a digitization batch, an approved OCR review, import checksums of a
        dossier and a Solr host of its own; print what it holds
    python tests/old_release_site.py new <work>
        with today's code, open <work>/Data.fs, upgrade vnarchive.policy as the Zope admin,
        and print what the site holds then

What is found is printed as one line `RESULT <json>` on stdout.
"""

import json
import os
import sys


SITE_ID = "vnarchive"
SOLR_HOST = "solr.old-release.example"
SOLR_PORT = 8999
BATCH_TITLE = "Lô quét của bản phát hành trước"
REVIEW_COMMENT = "Duyệt trước khi nâng cấp"
OCR_TEXT = "Ủy ban nhân dân tỉnh Quảng Trị: văn bản nhận dạng của bản phát hành trước"
SEARCH_TERM = "uy ban"  # folded: finds "Ủy ban"
# Module paths the previous release pickled objects under, none of which exists today.
OLD_MODULES = (
    "vnarchive.policy.digitization",
    "vnarchive.policy.solr",
    "vnarchive.policy.review",
    "vnarchive.policy.viewer",
    "vnarchive.content.digitization",
)
# Distributions made since the previous release.
NEW_DISTRIBUTIONS = ("vnarchive.digitization", "vnarchive.search")
# Demo records (tests/helpers.py names them too).
PUBLISHED_DOCUMENT = "000.00.00.H56.2010.01.TH.0000001"  # published, has a master scan
PROCESSING_DOSSIER = "000.00.00.H56.2024.02.KH"
PROCESSING_DOCUMENT = "000.00.00.H56.2024.02.KH.0000001"
RECORD_TYPES = [
    "Fonds",
    "Dossier",
    "ArchivalDocument",
    "PhotoRecord",
    "AudioVisualRecord",
]


def old_code_only(old_tree):
    """sys.path with the old tree's vnarchive.content and vnarchive.policy, and none of this
    checkout's src/vnarchive.*/src (editable installs put them there through .pth files).
    Must run before anything of the `vnarchive` namespace is imported."""
    assert not any(name.split(".")[0] == "vnarchive" for name in sys.modules)
    current = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "src"))
    sys.path[:] = [
        entry
        for entry in sys.path
        if not os.path.realpath(entry or ".").startswith(current + os.sep)
    ]
    for package in ("vnarchive.policy", "vnarchive.content"):
        sys.path.insert(0, os.path.join(old_tree, "src", package, "src"))
    hide_new_distributions()


def hide_new_distributions():
    """The add-ons made since are installed (their metadata is in site-packages) but their
    code is not on sys.path: plone.autoinclude must not see their entry points. It
    tolerates a module it cannot import only for z3c.autoinclude entry points
    (AUTOINCLUDE_ALLOW_MODULE_NOT_FOUND_ERROR), not for its own."""
    from plone.autoinclude import loader

    everything = loader.distributions

    def distributions():
        return [
            dist
            for dist in everything()
            if (dist.metadata["Name"] or "").replace("_", ".") not in NEW_DISTRIBUTIONS
        ]

    loader.distributions = distributions


def write_zope_conf(work):
    """A Zope with one FileStorage: <work>/Data.fs, blobs in <work>/blobs."""
    for name in ("blobs", "client", "var"):
        os.makedirs(os.path.join(work, name), exist_ok=True)
    path = os.path.join(work, "zope.conf")
    with open(path, "w", encoding="utf-8") as conf:
        conf.write(
            f"""\
%define INSTANCEHOME {work}
instancehome $INSTANCEHOME
%define CLIENTHOME {work}/client
clienthome $CLIENTHOME
debug-mode off
security-policy-implementation C
verbose-security off
default-zpublisher-encoding utf-8

<environment>
  CHAMELEON_CACHE {work}/client
  VNARCHIVE_VAR {work}/var
</environment>

<zodb_db main>
  mount-point /
  <filestorage>
    path {work}/Data.fs
    blob-dir {work}/blobs
  </filestorage>
</zodb_db>
"""
        )
    return path


def start_zope(work):
    """The Zope root with a request, as `zconsole run` gives it to scripts."""
    from Testing.makerequest import makerequest
    from zope.globalrequest import setRequest
    from Zope2.Startup.run import make_wsgi_app

    import Zope2

    make_wsgi_app({}, write_zope_conf(work))
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    return app


def as_admin(app):
    from AccessControl.SecurityManagement import newSecurityManager

    if app.acl_users.getUserById("admin") is None:
        app.acl_users._doAddUser("admin", "admin", ["Manager"], [])
    newSecurityManager(None, app.acl_users.getUserById("admin").__of__(app.acl_users))


def enter_site(site):
    """The site as the current one, the request marked with its browser layers."""
    from zope.component.hooks import setSite
    from zope.event import notify
    from zope.traversing.interfaces import BeforeTraverseEvent

    setSite(site)
    notify(BeforeTraverseEvent(site, site.REQUEST))


def records(site):
    catalog = site.portal_catalog
    return {
        brain.archival_code: brain._unrestrictedGetObject()
        for brain in catalog.unrestrictedSearchResults(portal_type=RECORD_TYPES)
    }


def catalog_state(site):
    catalog = site.portal_catalog
    found = catalog.unrestrictedSearchResults(SearchableText=SEARCH_TERM)
    return {
        "catalog_count": len(catalog),
        "search_hits": sorted(brain.getPath() for brain in found),
    }


def masters(record):
    from vnarchive.content.files import IRecordFiles

    return {item.name: item.sha256 for item in IRecordFiles(record).masters()}


def solr_setting(name):
    from plone import api

    return api.portal.get_registry_record(f"collective.solr.{name}")


def emit(result):
    print("RESULT " + json.dumps(result, sort_keys=True, default=str), flush=True)


# -- The previous release ---------------------------------------------------------------


def make_old_site(work, old_tree):
    old_code_only(old_tree)
    import vnarchive.content
    import vnarchive.policy

    for module in (vnarchive.policy, vnarchive.content):
        where = os.path.realpath(module.__file__)
        assert where.startswith(os.path.realpath(old_tree) + os.sep), (
            f"{module.__name__} comes from {where}, not from the old tree {old_tree}"
        )

    import transaction

    app = start_zope(work)
    as_admin(app)
    from plone import api
    from plone.base.utils import get_installer
    from Products.CMFPlone.factory import addPloneSite

    site = addPloneSite(
        app,
        SITE_ID,
        title="Kho lưu trữ số (bản phát hành trước)",
        distribution_name="classic",
        default_language="vi",
        setup_content=False,
    )
    enter_site(site)
    get_installer(site).install_product("vnarchive.policy")

    from vnarchive.policy import demo

    demo.load(site, os.path.join(old_tree, "profiles", "demo", "holdings.json"))
    holdings = records(site)
    published = holdings[PUBLISHED_DOCUMENT]
    processing = holdings[PROCESSING_DOCUMENT]
    dossier = holdings[PROCESSING_DOSSIER]

    # A batch with a document and two pages, one of them done.
    from vnarchive.policy.digitization import batches

    batch = batches.add_batch(
        site, "folder", os.path.join(work, "scans"), "admin", title=BATCH_TITLE
    )
    batch.state = batches.PROCESSING
    document = batch.add_document("doc-1", processing.Title(), 0)
    document.uid = processing.UID()
    document.state = batches.DOC_PROCESSING
    first = batch.add_page(document, 1, "scan.tif", 1)
    batch.add_page(document, 2, "scan.tif", 2)
    document.pages = (1, 2)
    token = first.take("worker-old")
    assert first.token == token
    batch.page_done(first, confidence=91.5)

    # OCR text on a document, approved by a reviewer (the review is kept on the record).
    from vnarchive.content.files import IRecordFiles
    from vnarchive.policy.review import actions

    IRecordFiles(processing).page(1, create=True).set_text(
        OCR_TEXT, source="ocr", confidence=91.5, language="vi"
    )
    processing.reindexObject()
    actions.approve(processing, REVIEW_COMMENT)

    # The importer's memory of the files it imported into a dossier (re-runs find them).
    from vnarchive.policy.digitization import importer

    checksum = "0" * 63 + "1"
    importer._checksums(dossier, create=True)[checksum] = processing.UID()

    # Solr somewhere else than the profile's default.
    registry = api.portal.get_tool("portal_registry")
    registry["collective.solr.host"] = SOLR_HOST
    registry["collective.solr.port"] = SOLR_PORT

    transaction.commit()
    result = {
        "policy_file": vnarchive.policy.__file__,
        "content_file": vnarchive.content.__file__,
        "policy_version": ".".join(
            site.portal_setup.getLastVersionForProfile("vnarchive.policy:default")
        ),
        "records": len(holdings),
        "batch": {
            "id": batch.id,
            "class": f"{type(batch).__module__}.{type(batch).__name__}",
            "documents": len(batch.documents),
            "pages": len(batch.pages),
            "pages_done": batch.pages_done(),
        },
        "published_path": "/".join(published.getPhysicalPath()),
        "published_masters": masters(published),
        "reviewed_path": "/".join(processing.getPhysicalPath()),
        "review_state": actions.review_state(processing),
        "dossier_path": "/".join(dossier.getPhysicalPath()),
        "checksum": checksum,
        "solr_host": solr_setting("host"),
        "solr_port": solr_setting("port"),
        "lexicon": [
            f"{type(element).__module__}.{type(element).__name__}"
            for element in site.portal_catalog.plone_lexicon._pipeline
        ],
        **catalog_state(site),
    }
    app._p_jar.db().close()
    emit(result)


# -- Today's code -------------------------------------------------------------------------


def old_names_in_storage(storage):
    """oid (hex) -> the old module paths the current record of that object still names
    (every object of a packed storage: those the site refers to)."""
    oids = set()
    for txn in storage.iterator():
        for record in txn:
            oids.add(record.oid)
    found = {}
    for oid in oids:
        try:
            data = storage.load(oid)[0]
        except Exception:  # deleted objects (packed away) have no record
            continue
        names = [name for name in OLD_MODULES if name.encode() in data]
        if names:
            found[oid.hex()] = {"names": names, "record": data[:120].decode("latin-1")}
    return found


def upgrade_old_site(work):
    import transaction

    app = start_zope(work)
    as_admin(app)
    site = app[SITE_ID]
    enter_site(site)
    setup = site.portal_setup
    before = ".".join(setup.getLastVersionForProfile("vnarchive.policy:default"))
    setup.upgradeProfile("vnarchive.policy:default")
    transaction.commit()

    # Everything again from a new connection: what the upgrade wrote, not what it cached;
    # packed, so that the storage holds only what the site still refers to.
    db = app._p_jar.db()
    db.pack()
    connection = db.open()
    from Testing.makerequest import makerequest
    from zope.globalrequest import setRequest

    app = makerequest(connection.root()["Application"])
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    as_admin(app)
    site = app[SITE_ID]
    enter_site(site)
    setup = site.portal_setup

    from plone.base.utils import get_installer
    from vnarchive.digitization import batches
    from vnarchive.digitization.importing.existing import record_by_checksums
    from vnarchive.digitization.review import actions

    installer = get_installer(site)
    holdings = records(site)
    catalog = site.portal_catalog

    all_batches = batches.all_batches(site)
    batch_info = None
    if all_batches:
        batch = all_batches[0]
        document = batch.documents["doc-1"]
        page = batch.pages[("doc-1", 1)]
        pickles = {
            name: db.storage.load(obj._p_oid)[0]
            for name, obj in (("batch", batch), ("document", document), ("page", page))
        }
        batch_info = {
            "id": batch.id,
            "title": batch.title,
            "class": f"{type(batch).__module__}.{type(batch).__name__}",
            "classes": sorted(
                {type(obj).__module__ for obj in (batch, document, page)}
            ),
            "documents": len(batch.documents),
            "pages": len(batch.pages),
            "pages_done": batch.pages_done(),
            "page_state": page.state,
            "progress": batch.progress(),
            "old_names_in_pickles": {
                name: b"vnarchive.policy.digitization" in data
                for name, data in pickles.items()
            },
        }

    review_index = catalog._catalog.indexes.get("ocr_review_state")
    reviewed = holdings[PROCESSING_DOCUMENT]
    reviewed_rid = catalog.getrid("/".join(reviewed.getPhysicalPath()))
    published = holdings[PUBLISHED_DOCUMENT]
    page = published.restrictedTraverse("@@view")()

    result = {
        "policy_file": __import__("vnarchive.policy").policy.__file__,
        "version_before": before,
        "policy_version": ".".join(
            setup.getLastVersionForProfile("vnarchive.policy:default")
        ),
        "policy_version_newest": setup.getVersionForProfile("vnarchive.policy:default"),
        "upgrades_left": [
            step["title"] for step in setup.listUpgrades("vnarchive.policy:default")
        ],
        "installed": {
            name: installer.is_product_installed(name)
            for name in (
                "vnarchive.policy",
                "vnarchive.digitization",
                "vnarchive.search",
            )
        },
        "records": len(holdings),
        "solr_host": solr_setting("host"),
        "solr_port": solr_setting("port"),
        "batch": batch_info,
        "lexicon": [
            f"{type(element).__module__}.{type(element).__name__}"
            for element in catalog.plone_lexicon._pipeline
        ],
        "published_masters": masters(published),
        "record_page": {
            "title_shown": published.Title() in page,
            "length": len(page),
        },
        "review_index": review_index.meta_type if review_index is not None else None,
        "review_indexed": (
            review_index.getEntryForObject(reviewed_rid)
            if review_index is not None and reviewed_rid is not None
            else None
        ),
        "review_state": actions.review_state(reviewed),
        "review_decision": actions.decision(reviewed),
        "checksum_finds": (
            record_by_checksums(holdings[PROCESSING_DOSSIER], ["0" * 63 + "1"])
            is not None
        ),
        "old_names_in_storage": old_names_in_storage(db.storage),
        **catalog_state(site),
    }
    transaction.abort()  # rendering and reading may have touched objects: keep nothing
    connection.close()
    db.close()
    emit(result)


if __name__ == "__main__":
    mode, work = sys.argv[1], os.path.realpath(sys.argv[2])
    if mode == "old":
        make_old_site(work, os.path.realpath(sys.argv[3]))
    elif mode == "new":
        upgrade_old_site(work)
    else:
        sys.exit(f"usage: {sys.argv[0]} old <work> <old tree> | new <work>")
