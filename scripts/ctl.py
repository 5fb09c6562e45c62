"""Start and stop vnarchive on one machine: the database, Zope clients, a load balancer.

    python scripts/ctl.py start     render instance/etc, start the database (ZEO, or PostgreSQL
                                    for RelStorage), create the site, start the clients, and
                                    nginx in front of them when there are several
    python scripts/ctl.py stop      stop everything start started (found by its pidfiles in var)
    python scripts/ctl.py status
    python scripts/ctl.py render        only render instance/etc
    python scripts/ctl.py serve-zeo     render, then run ZEO in the foreground (containers)
    python scripts/ctl.py serve-client  render, wait for the database, run client
                                        VNARCHIVE_CLIENT_NUMBER [1] in the foreground
                                        (containers; client 1 creates the site if missing)
    python scripts/ctl.py serve-worker  render, wait for the database and the site, run one
                                        digitization worker in the foreground (containers)

Settings come from the environment (defaults in brackets): VNARCHIVE_VAR [instance/var],
VNARCHIVE_ETC [instance/etc], VNARCHIVE_ZEO [127.0.0.1:8100], VNARCHIVE_HOST [127.0.0.1],
VNARCHIVE_PORT [8080], VNARCHIVE_CLIENTS [1] (clients listen on PORT, PORT+1, ...),
VNARCHIVE_ADMIN_PASSWORD [admin], VNARCHIVE_DEMO [1] (load the demo holdings when the site
is created).

Load balancer: VNARCHIVE_LB [1 when VNARCHIVE_CLIENTS > 1, else 0; 0 forces it off] runs Debian's nginx
(instance/nginx.conf.in; pid, temporary files and logs under VAR) in round robin over the
clients on VNARCHIVE_LB_HOST [VNARCHIVE_HOST]:VNARCHIVE_LB_PORT [8000].

Storage: VNARCHIVE_STORAGE [zeo] is `zeo` (a ZEO server over VAR/filestorage, blobs in
VAR/blobstorage) or `relstorage` (RelStorage on PostgreSQL, blobs in the database, one blob
cache per client; no ZEO server). With relstorage and no VNARCHIVE_PG_DSN, start initialises
once and runs a private PostgreSQL cluster from Debian's postgresql (VNARCHIVE_PG_BIN [the
newest /usr/lib/postgresql/<version>/bin]): data in VAR/postgresql/data, socket in
VAR/postgresql/run, listening on 127.0.0.1:VNARCHIVE_PG_PORT [5433], database and role
`vnarchive` with a password generated into VAR/postgresql/password; as root the server runs as
the `postgres` user, which must be able to traverse the directories above VAR. Each client
keeps its blob cache in VAR/clientN/blobcache. VNARCHIVE_PG_DSN [dbname=vnarchive user=vnarchive password=<that one>
host=127.0.0.1 port=VNARCHIVE_PG_PORT]: set it to use a PostgreSQL managed elsewhere (clients on
other machines); then no PostgreSQL is started here.

Digitization workers: start runs VNARCHIVE_WORKERS [the number of cores; 0 for none]
worker processes (scripts/worker.py: Zope clients of the same database that consume the task
queue, one page at a time each), pids in VAR/workerN.pid, logs in VAR/log/workerN.log. The
queue is SQLite in VAR/queue/huey.db, or Redis when VNARCHIVE_REDIS_URL is set
(docs/digitization.md).

Search: start also builds (solr/, Maven) and runs Apache Solr with the vnarchive core on
VNARCHIVE_SOLR_HOST [127.0.0.1]:VNARCHIVE_SOLR_PORT [8983] (index in VAR/solr, log in
VAR/log/solr.log, pid in VAR/solr.pid), then points the site's collective.solr at it and
indexes what Solr misses (scripts/solr_sync.py). VNARCHIVE_SOLR [1]: when java or mvn is
missing, or Solr does not start, start says so and switches the site to its catalog; 0 leaves
Solr and the site's search settings alone.
Solr requires BasicAuth: its login and a random password are made at its first start in
VAR/solr/credentials.json (mode 0600) and given to the site (collective.solr's solr_login and
solr_password).
VNARCHIVE_SOLR_URL [empty]: a Solr core run elsewhere (http://host:port/solr/vnarchive); then no
Solr is started here, and its credentials come from VNARCHIVE_SOLR_LOGIN and
VNARCHIVE_SOLR_PASSWORD, or from the JSON file VNARCHIVE_SOLR_CREDENTIALS
({"login": …, "password": …}). VNARCHIVE_SOLR_HEAP [512m]: Solr's Java heap. `solr-start` and
`solr-stop` run or stop Solr alone.

Running start again reuses the data; nothing here ever deletes it.

This is the command line; the work is done by scripts/vnarchive_ops/ (vnarchive_ops.control
and one module per concern: settings, processes, instance, nginx, postgresql, solr, workers).
"""

from vnarchive_ops.control import ACTIONS
from vnarchive_ops.settings import settings

import sys


def main(argv):
    action = argv[1] if len(argv) > 1 else "status"
    if action not in ACTIONS:
        sys.exit(f"usage: {argv[0]} {'|'.join(ACTIONS)}")
    ACTIONS[action](settings())


if __name__ == "__main__":
    main(sys.argv)
