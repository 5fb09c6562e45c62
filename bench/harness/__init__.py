"""What the benchmarks under bench/ share.

    instance   a temporary vnarchive instance (scripts/ctl.py start/stop, zconsole runs)
    load       driving load (wrk, timed single requests) and where the CPU went meanwhile
    report     the machine, figures, Markdown tables, the JSON file

Each benchmark (bench/web.py, bench/search.py, bench/ocr.py) is a script that imports these
(bench/ is the script's directory, hence first on sys.path); the scripts run inside Zope
(bench/vanilla_site.py, bench/search_site.py) find bench/ through PYTHONPATH, which
Instance.zconsole sets.
"""
