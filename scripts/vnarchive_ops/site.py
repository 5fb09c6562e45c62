"""The Plone site, through zconsole scripts run against the first client's zope.conf."""

from .settings import BIN
from .settings import client_conf
from .settings import ROOT
from .settings import SCRIPTS

import os
import subprocess


def zconsole(conf, script, *args):
    """The command that runs scripts/<script> in the first client's Zope."""
    return [
        str(BIN / "zconsole"),
        "run",
        client_conf(conf),
        str(SCRIPTS / script),
        *args,
    ]


def create_site(conf):
    """Create the site with the demo holdings through the first client, unless it exists
    (scripts/create_site.py; VNARCHIVE_DEMO, VNARCHIVE_ADMIN_PASSWORD)."""
    subprocess.run(
        zconsole(conf, "create_site.py"),
        check=True,
        env=dict(
            os.environ,
            VNARCHIVE_DEMO_FILE=str(ROOT / "profiles" / "demo" / "holdings.json"),
        ),
    )
