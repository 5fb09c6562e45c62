"""Write versions.cfg, the buildout [versions] of constraints.txt, so buildout uses the same pins.

    python3 scripts/buildout_versions.py           write versions.cfg
    python3 scripts/buildout_versions.py --check   exit 1 if versions.cfg is not up to date

constraints.txt (pip freeze format) stays the one source of the application's pins; buildout.cfg
extends the generated versions.cfg and adds, in its own [versions], only the pins of buildout's
tool chain (zc.buildout, the recipes and their dependencies), which the application does not use.
Skipped: `pip`, the installer of .venv (zc.buildout pins its own, newer one), and the vnarchive
packages, which buildout develops from src/.
"""

from pathlib import Path

import re
import sys


ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
VERSIONS = ROOT / "versions.cfg"
SKIP = {"pip"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*$")


def pins(text):
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        if match is None:
            sys.exit(
                f"constraints.txt:{number}: not an exact pin 'name==version': {raw!r}"
            )
        name, version = match.groups()
        if name.lower() in SKIP or name.lower().startswith("vnarchive"):
            continue
        yield name, version


def render(text):
    lines = [
        "# Generated from constraints.txt by scripts/buildout_versions.py: do not edit.",
        "# Regenerate with `python3 scripts/buildout_versions.py` after `make constraints`.",
        "[versions]",
    ]
    lines += [
        f"{name} = {version}"
        for name, version in sorted(pins(text), key=lambda p: p[0].lower())
    ]
    return "\n".join(lines) + "\n"


def main(argv):
    wanted = render(CONSTRAINTS.read_text(encoding="utf-8"))
    if "--check" in argv:
        current = VERSIONS.read_text(encoding="utf-8") if VERSIONS.exists() else ""
        if current != wanted:
            sys.exit(
                "versions.cfg is not up to date: run python3 scripts/buildout_versions.py"
            )
        print("versions.cfg matches constraints.txt")
        return
    VERSIONS.write_text(wanted, encoding="utf-8")
    print(f"wrote {VERSIONS.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
