"""Run one digitization worker in the foreground (`make worker`; ctl.py starts several).

    .venv/bin/python scripts/worker.py [--conf instance/etc/zope-client1.conf] [--burst]

See src/vnarchive.digitization/src/vnarchive/digitization/worker.py and docs/digitization.md.
"""

from vnarchive.digitization.worker import main

import sys


if __name__ == "__main__":
    sys.exit(main())
