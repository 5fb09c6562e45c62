"""vnarchive's operations on one machine: the code behind scripts/ctl.py and scripts/backup.py.

The two scripts are the command lines; this package is what they share, by concern:

    settings     the environment (VNARCHIVE_*): paths VAR and ETC, ports, storage, names
    processes    pidfiles in VAR, starting in the background, waiting, stopping
    templates    instance/*.in rendered with the settings (`#if key=value` blocks)
    instance     instance/etc: zeo.conf, zope-clientN.conf and .ini
    nginx        the load balancer in front of several clients
    postgresql   the private PostgreSQL cluster of RelStorage (initdb, postgres, psql)
    site         zconsole scripts against the first client: the site's creation
    solr         Solr beside the site (scripts/solrctl.py) and the site's search settings
    workers      the digitization workers (scripts/worker.py)
    control      the actions of ctl.py: start, stop, status, render, serve-*
    backup       the actions of backup.py: backup, restore, verify, list

It is imported as `vnarchive_ops`: Python puts the directory of the running script
(scripts/) first on sys.path, so scripts/ctl.py and scripts/backup.py find it, and so does
`import solrctl` in vnarchive_ops.solr. Anything else (tests) puts scripts/ on sys.path first.
"""
