"""The search benchmark's steps inside Zope, as admin on the site `vnarchive`.

Run by bench/search.py as `zconsole run <etc>/zope-client1.conf bench/search_site.py
COMMAND [ARGUMENT]` while client1 serves the instance (`app` is the Zope root):

    index N       N records through vnarchive's create_record, each with a page of OCR
                  text (catalog + collective.solr, one commit per 100)
    fill N        N more records in the catalog only, quickly (plone.api, Solr off)
    params FILE   the Solr parameters the search service sends for each query planned in
                  FILE (JSON), as Anonymous
    solr on|off   collective.solr on or off
    count         the number of records in the catalog

It prints one JSON line prefixed `BENCH `.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from harness.instance import SITE
from pathlib import Path
from search_data import page_text
from search_data import record_fields
from search_data import SEED
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest

import json
import random
import sys
import time
import transaction


def processing_dossier():
    from plone import api

    catalog = api.portal.get_tool("portal_catalog")
    brain = catalog.unrestrictedSearchResults(
        portal_type="Dossier", review_state="processing"
    )[0]
    return brain._unrestrictedGetObject()


def index(count):
    from vnarchive.content.files import IRecordFiles
    from vnarchive.policy.records import create_record

    dossier = processing_dossier()
    rng = random.Random(SEED + 2)
    started = time.perf_counter()
    for number in range(1, count + 1):
        fields = record_fields(number, rng)
        document = create_record(dossier, "ArchivalDocument", fields)
        # Its OCR text, as the digitization worker sets it (one index operation per
        # document and transaction: CMFCore's queue merges them).
        IRecordFiles(document).page(1, create=True).set_text(page_text(rng), "ocr")
        document.reindexObject()
        if number % 100 == 0:
            transaction.commit()
    transaction.commit()
    return {"docs": count, "seconds": time.perf_counter() - started}


def fill(count):
    """`count` more documents in the catalog, quickly: plone.api's content.create (the
    events, the journal and the catalog, but not the REST validation of create_record),
    with Solr off (they are for the catalog fallback)."""
    from plone import api
    from vnarchive.content.files import IRecordFiles

    solr(False)
    dossier = processing_dossier()
    rng = random.Random(SEED + 3)
    started = time.perf_counter()
    for number in range(1, count + 1):
        fields = record_fields(number, rng)
        del fields["numberOfPage"]
        document = api.content.create(
            container=dossier, type="ArchivalDocument", id=f"fill-{number}", **fields
        )
        IRecordFiles(document).page(1, create=True).set_text(page_text(rng), "ocr")
        document.reindexObject()
        if number % 200 == 0:
            transaction.commit()
    transaction.commit()
    solr(True)
    return {"docs": count, "seconds": time.perf_counter() - started}


def params(plan_file):
    """The Solr parameters the search service sends for each planned query, as Anonymous."""
    from plone import api
    from vnarchive.policy.search.query import parse
    from vnarchive.search import backend

    noSecurityManager()
    catalog = api.portal.get_tool("portal_catalog")
    _manager, _connection, search_utility = backend.solr_connection()
    security = backend.solr_permission_filters(catalog, search_utility)
    plan = json.loads(Path(plan_file).read_text())
    return {
        kind: [
            backend.solr_params(parse(query, staff=False), security) for query in items
        ]
        for kind, items in plan.items()
    }


def solr(active):
    from plone import api

    api.portal.set_registry_record("collective.solr.active", active)
    transaction.commit()
    return {"active": active}


def count():
    from plone import api

    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(portal_type="ArchivalDocument")
    return {"records": len(found)}


def main(app, command, *args):
    app = makerequest(app)
    site = app[SITE]
    setSite(site)
    setRequest(app.REQUEST)
    app.REQUEST["PARENTS"] = [site]
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    steps = {
        "index": lambda number: index(int(number)),
        "fill": lambda number: fill(int(number)),
        "params": params,
        "solr": lambda state: solr(state == "on"),
        "count": count,
    }
    result = steps[command](*args)
    print("BENCH " + json.dumps(result, ensure_ascii=False))


# zconsole provides `app`; its argv: zconsole run CONF SCRIPT COMMAND [ARGUMENT]
main(app, *sys.argv[4:])  # noqa: F821
