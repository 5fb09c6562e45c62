"""Reporting: the machine, figures, Markdown tables and the JSON file of a benchmark."""

from pathlib import Path

import json
import os
import platform
import subprocess


def tool_version(*command):
    """The first line `command` (e.g. `wrk -v`) prints, on stdout or stderr."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).split("\n")[0].strip()


def _os_name():
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def machine():
    """Cores, CPU model, memory, OS, kernel, Python and the load average right now."""
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": _os_name(),
        "python": platform.python_version(),
        "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
    }


def fmt(value, digits=1):
    """1,234.5; `–` for no value."""
    return "–" if value is None else f"{value:,.{digits}f}"


def percentile(values, fraction):
    """The nearest-rank percentile (`fraction` 0.95 for p95)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def table(header, rows, align):
    """A Markdown table; `align` has one letter per column, l(eft) or r(ight)."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(path, figures):
    """The figures as JSON (UTF-8, indented), for comparing runs."""
    Path(path).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
