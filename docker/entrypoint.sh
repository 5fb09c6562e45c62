#!/bin/sh
# vnarchive container entry point: render instance/etc from the templates, then run in the
# foreground either the ZEO server or a Zope client (which first creates the site if missing).
#   zeo      scripts/ctl.py serve-zeo     (runzeo)
#   client   scripts/ctl.py serve-client  (create_site.py once, then runwsgi)
#   worker   scripts/ctl.py serve-worker  (a digitization worker: queue in Redis)
#   anything else is run as a command, e.g. `bash` or `python`.
set -e
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
PYTHON=${VNARCHIVE_PYTHON:-python}
case "${1:-client}" in
    zeo) exec "$PYTHON" "$ROOT/scripts/ctl.py" serve-zeo ;;
    client) exec "$PYTHON" "$ROOT/scripts/ctl.py" serve-client ;;
    worker) exec "$PYTHON" "$ROOT/scripts/ctl.py" serve-worker ;;
    *) exec "$@" ;;
esac
