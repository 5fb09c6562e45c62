"""The layout of vnarchive.digitization: no import cycle among its modules, small files.

Imports are read with `ast` (module level and inside functions alike): an import inside a
function to dodge a cycle is still a cycle.
"""

from pathlib import Path

import ast
import subprocess
import sys


PACKAGE = "vnarchive.digitization"
ROOT = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "vnarchive.digitization"
    / "src"
    / "vnarchive"
    / "digitization"
)


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


def modules():
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported(name, path, known):
    """The modules of the package that module `name` imports (anywhere in it)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (
                    package.rsplit(".", node.level - 1)[0]
                    if node.level > 1
                    else package
                )
                base = f"{anchor}.{base}" if base else anchor
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # `from vnarchive.digitization import _` imports the package itself
            while target and target not in known:
                target = target.rpartition(".")[0]
            # the package itself (`_`, its message factory) is imported by every module;
            # it imports only its compatibility shims at start-up.
            if target and target not in (name, PACKAGE):
                found.add(target)
    return found


def graph():
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.add(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_among_the_modules_of_the_add_on():
    assert cycles(graph()) == []


def test_the_queue_knows_no_job():
    edges = graph()
    assert not {f"{PACKAGE}.worker", f"{PACKAGE}.tasks"} & edges[f"{PACKAGE}.queue"]


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
    assert sorted(names) == ["build", "import", "page", "sweep", "upload"]
    # "sweep" the worker runs itself when idle; the others come through the queue.
    assert sent_job_names() | {upload} == set(names) - {"sweep"}
