"""Helpers for the scripts run with `zconsole run <zope.conf> scripts/<name>.py`."""

import sys


def script_arguments(script_name, argv=None):
    """The arguments given after `script_name` (zconsole leaves its own before them)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for index, value in enumerate(argv):
        if value.endswith(script_name):
            return argv[index + 1 :]
    return argv
