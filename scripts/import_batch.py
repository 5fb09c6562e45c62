"""Import a batch of scans with a progress bar (`make import BATCH=/path [VALIDATE=1]`).

    .venv/bin/python scripts/import_batch.py /srv/scans/lo-12 [--validate] [--user ID]

See src/vnarchive.digitization/src/vnarchive/digitization/cli.py and docs/digitization.md.
"""

from vnarchive.digitization.cli import main

import sys


if __name__ == "__main__":
    sys.exit(main())
