"""vnarchive.content is the bottom layer: no import cycle inside it, nothing above it.

Every module is read with `ast`, so imports inside functions count as much as those at
the top: a cycle dodged by a function-level import is still a cycle. Imports go one way,
content ← policy ← add-ons, so content imports no other vnarchive package.
"""

from pathlib import Path

import ast
import importlib.util
import pytest


PACKAGE = "vnarchive.content"


def package_root(package=PACKAGE):
    """The folder of `package`, found without importing it."""
    return Path(importlib.util.find_spec(package).origin).parent


def module_names(root, package):
    """{module name: file} of every module under `root` (packages by their __init__)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([package, *parts])] = path
    return modules


def _absolute(module, path, node):
    """The dotted name an ImportFrom names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base.pop()  # a module's relative imports start from its package
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imported_names(module, path):
    """[(dotted name, line)] of every import in the file, wherever it stands.

    `from a import b` yields a.b as well as a: b may be a module. String imports
    (importlib.import_module("…"), __import__("…")) count too.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path, node)
            names.append((base, node.lineno))
            names.extend((f"{base}.{alias.name}", node.lineno) for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append((node.args[0].value, node.lineno))
    return names


def _target(name, modules):
    """The most specific module of the package that `name` designates, or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(root, package):
    """({module: {imported module: first line}}, [(module, foreign name, line)])."""
    modules = module_names(root, package)
    graph = {module: {} for module in modules}
    foreign = []
    top = package.split(".")[0]
    for module, path in modules.items():
        for name, line in imported_names(module, path):
            if name == package or name.startswith(package + "."):
                target = _target(name, modules)
                if target is not None and target != module:
                    graph[module].setdefault(target, line)
            elif name.startswith(
                top + "."
            ):  # `from vnarchive import x` gives vnarchive.x
                foreign.append((module, name, line))
    return graph, foreign


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index = {}
    low = {}
    stack = []
    on_stack = set()
    found = []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(component, graph, root, package):
    modules = module_names(root, package)
    lines = []
    for module in component:
        for target, line in sorted(graph[module].items()):
            if target in component:
                where = modules[module].relative_to(root)
                lines.append(f"  {module} -> {target} ({where}:{line})")
    return "\n".join(lines)


# -- the package itself --------------------------------------------------------------


def test_vnarchive_content_has_no_import_cycle():
    root = package_root()
    graph, _foreign = import_graph(root, PACKAGE)
    assert len(graph) > 20  # the walk found the modules
    found = cycles(graph)
    assert not found, "Import cycles in vnarchive.content:\n" + "\n\n".join(
        describe(component, graph, root, PACKAGE) for component in found
    )


def test_vnarchive_content_imports_no_other_vnarchive_package():
    _graph, foreign = import_graph(package_root(), PACKAGE)
    assert not foreign, "vnarchive.content imports packages above it:\n" + "\n".join(
        f"  {module} imports {name} (line {line})" for module, name, line in foreign
    )


def test_coding_depends_on_interfaces_not_on_the_types():
    graph, _foreign = import_graph(package_root(), PACKAGE)
    coding = set(graph["vnarchive.content.coding"])
    assert "vnarchive.content.interfaces" in coding
    assert not coding & {
        "vnarchive.content.types.fonds",
        "vnarchive.content.types.dossier",
        "vnarchive.content.behaviors.record_codes",
    }


# -- the checker finds what it is meant to find ---------------------------------------


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def fake(tmp_path):
    root = tmp_path / "fake"
    write(root, {"__init__.py": "", "sub/__init__.py": ""})
    return root


def test_a_cycle_through_a_function_level_import_is_found(fake):
    write(
        fake,
        {
            "a.py": "from vnarchive.content.sub import b\n",
            "sub/b.py": "def f():\n    from vnarchive.content import a\n",
        },
    )
    graph, _foreign = import_graph(fake, PACKAGE)
    assert cycles(graph) == [["vnarchive.content.a", "vnarchive.content.sub.b"]]


def test_a_cycle_through_relative_imports_is_found(fake):
    write(
        fake,
        {
            "a.py": "from .sub.b import thing\n",
            "sub/b.py": "from ..a import other\n",
            "sub/c.py": "from . import b\n",
        },
    )
    graph, _foreign = import_graph(fake, PACKAGE)
    assert set(graph["vnarchive.content.sub.c"]) == {
        "vnarchive.content.sub",
        "vnarchive.content.sub.b",
    }
    assert cycles(graph) == [["vnarchive.content.a", "vnarchive.content.sub.b"]]


def test_a_longer_cycle_is_found(fake):
    write(
        fake,
        {
            "a.py": "import vnarchive.content.b\n",
            "b.py": "import importlib\nimportlib.import_module('vnarchive.content.c')\n",
            "c.py": "class C:\n    def m(self):\n        from vnarchive.content.a import x\n",
            "d.py": "from vnarchive.content import a\n",
        },
    )
    graph, _foreign = import_graph(fake, PACKAGE)
    assert cycles(graph) == [
        ["vnarchive.content.a", "vnarchive.content.b", "vnarchive.content.c"]
    ]


def test_imports_without_a_cycle_pass(fake):
    write(
        fake,
        {
            "a.py": "from vnarchive.content import b\nfrom vnarchive.content import _\n",
            "b.py": "from vnarchive import content\nimport zope.interface\n",
        },
    )
    graph, foreign = import_graph(fake, PACKAGE)
    assert cycles(graph) == []
    assert foreign == []


@pytest.mark.parametrize(
    "text",
    [
        "from vnarchive.policy import demo\n",
        "def f():\n    import vnarchive.digitization.queue\n",
        "from vnarchive import search\n",
    ],
)
def test_an_import_of_another_vnarchive_package_is_found(fake, text):
    write(fake, {"a.py": text})
    _graph, foreign = import_graph(fake, PACKAGE)
    assert {module for module, _name, _line in foreign} == {"vnarchive.content.a"}
