"""The layout of vnarchive.digitization: the queue knows jobs by name only."""

from pathlib import Path

import ast
import subprocess
import sys


sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import check_layout


PACKAGE = "vnarchive.digitization"
ROOT = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "vnarchive.digitization"
    / "src"
    / "vnarchive"
    / "digitization"
)


def test_the_queue_knows_no_job():
    """Jobs are looked up by name: the queue imports neither the worker nor the tasks.

    (No cycle, and no file over 600 lines, anywhere: tests/test_layout.py.)"""
    imported = check_layout.import_graph()[f"{PACKAGE}.queue"]
    assert not {
        name
        for name in imported
        if name.startswith((f"{PACKAGE}.worker", f"{PACKAGE}.tasks"))
    }


def sent_job_names():
    """The job names the add-on sends: the constant first arguments of `enqueue*` calls."""
    names = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) in ("enqueue", "enqueue_now")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


def test_a_worker_registers_every_job_the_add_on_sends():
    """The queue sends a job's name only: the worker imports the modules defining them."""
    registered = subprocess.run(
        [
            sys.executable,
            "-c",
            "from vnarchive.digitization import jobs, uploads, worker; "
            "print(' '.join(sorted(jobs.JOBS)), uploads.UPLOAD_JOB)",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    *names, upload = registered
    assert sorted(names) == [
        "build",
        "copy",
        "import",
        "page",
        "sign",
        "sweep",
        "upload",
        "verify_signatures",
    ]
    # "sweep" the worker runs itself when idle; the others come through the queue.
    assert sent_job_names() | {upload} == set(names) - {"sweep"}
