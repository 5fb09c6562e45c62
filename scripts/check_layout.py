"""Check the layout rules of the house (`make lint` runs this; tests/setup/test_layout.py too).

- No Python file in src/, scripts/ or bench/ over MAX_LINES lines: split it where it divides.
- Imports go one way between the distributions: content <- policy <- add-ons.
- No import cycle between the modules of vnarchive, counting imports inside functions too
  (an import moved into a function to dodge a cycle is still a cycle).

    .venv/bin/python scripts/check_layout.py      # exit status 1 and the reasons on failure
"""

from pathlib import Path

import ast
import sys


ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
CHECKED_FOLDERS = ("src", "scripts", "bench")

# What each distribution may import (content <- policy <- add-ons).
ALLOWED = {
    "content": {"content"},
    "policy": {"content", "policy"},
    "digitization": {"content", "policy", "digitization"},
    "search": {"content", "policy", "search"},
}


def long_files(root=ROOT):
    """(path, lines) of every Python file over MAX_LINES."""
    found = []
    for folder in CHECKED_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            if ".venv" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                found.append((path.relative_to(root), lines))
    return found


def module_name(path, package_root):
    parts = list(path.relative_to(package_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path, module, modules):
    """The vnarchive modules `path` imports, resolved to modules that exist."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                candidate = f"{origin}.{alias.name}"
                targets.add(candidate if candidate in modules else origin)
        elif isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
    return {target for target in targets if target in modules}


def import_graph(root=ROOT):
    """{module: set of vnarchive modules it imports} over every distribution in src/."""
    files = {}
    for distribution in sorted((root / "src").glob("vnarchive.*")):
        package_root = distribution / "src"
        for path in package_root.rglob("*.py"):
            files[module_name(path, package_root)] = path
    graph = {}
    for module, path in files.items():
        imported = imported_modules(path, module, files)
        # A package's __init__ is imported with each of its modules: not an edge to follow.
        graph[module] = {
            target for target in imported if not module.startswith(target + ".")
        }
    return graph


def wrong_way(graph):
    found = []
    for module, targets in sorted(graph.items()):
        distribution = module.split(".")[1]
        for target in sorted(targets):
            if target.split(".")[1] not in ALLOWED.get(distribution, {distribution}):
                found.append(f"{module} imports {target}")
    return found


def cycles(graph):
    """Each strongly connected group of more than one module (Tarjan), sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = _pop_group(stack, on_stack, node)
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def _pop_group(stack, on_stack, root):
    """Take the group whose first-visited module is `root` off Tarjan's stack."""
    group = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        group.append(member)
        if member == root:
            return group


def problems(root=ROOT):
    graph = import_graph(root)
    found = [
        f"{path}: {lines} lines (at most {MAX_LINES})"
        for path, lines in long_files(root)
    ]
    found += [f"one-way imports: {item}" for item in wrong_way(graph)]
    found += [f"import cycle: {' <-> '.join(group)}" for group in cycles(graph)]
    return found


def main():
    found = problems()
    for item in found:
        print(item)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
