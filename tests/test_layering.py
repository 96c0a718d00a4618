"""The package boundaries, read from the modules' own imports (``ast``): the core never imports the loaders,
no two project modules import each other in a circle, writes go through the writer, the store backend is
chosen inside graph/store only, and pages link through the URL builder."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ("graph", "loaders")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = modules()


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """(module imported, line) of every import that runs (those under ``if TYPE_CHECKING`` do not)."""
    tree = ast.parse(path.read_text(), str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            skipped.update(id(n) for inner in node.body for n in ast.walk(inner))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # "from pkg import module" imports the module
                sub = f"{node.module}.{alias.name}"
                yield (sub if sub in MODULES else node.module), node.lineno


def project_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges[name] = {m for m, _line in imports(path) if m in MODULES and m != name}
    return edges


def test_the_core_never_imports_the_loaders() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for name, path in MODULES.items()
        if name.startswith("graph")
        for module, line in imports(path)
        if module == "loaders" or module.startswith("loaders.")
    ]
    assert found == []


def test_no_import_circles() -> None:
    edges = project_edges()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)


def test_the_circle_check_finds_a_circle(tmp_path: Path) -> None:
    """The check above can fail: two modules importing each other make an edge each way."""
    (tmp_path / "a.py").write_text("from graph import writer\n")
    assert ("graph.writer", 1) in list(imports(tmp_path / "a.py"))
    (tmp_path / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import graph.web\n")
    assert list(imports(tmp_path / "b.py")) == [("typing", 1)]


STORE_WRITES = {"add", "remove", "replace_graphs", "bulk_load", "update"}
WRITERS_OF_THE_STORE = {"graph.ingest", "graph.submissions"}  # the writer's validated commit; the private queue


def test_every_write_goes_through_the_writer() -> None:
    """Only the writer's commit (graph/ingest.py, used by graph/writer.py alone) writes to the public store."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            ingestor = isinstance(node, ast.ImportFrom) and any(a.name == "Ingestor" for a in node.names)
            if ingestor and getattr(node, "module", "") == "graph.ingest" and name != "graph.writer":
                found.append(f"{name}:{getattr(node, 'lineno', 0)} imports the Ingestor")
            if name.startswith("graph.store") or name in WRITERS_OF_THE_STORE:
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in STORE_WRITES:
                target = node.func.value
                owner = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if owner.endswith("store"):
                    found.append(f"{name}:{node.lineno} calls {owner}.{node.func.attr}")
    assert found == []


def test_the_backend_is_chosen_in_graph_store_only() -> None:
    found = []
    for name, path in MODULES.items():
        if name.startswith("graph.store") or name == "graph.submissions":  # the private queue is always embedded
            continue
        text = path.read_text()
        for word in ("EmbeddedStore", "RemoteStore", "QueryPool", "DelegatedQueries"):
            if re.search(rf"\b{word}\b", text):
                found.append(f"{name} names {word}")
    assert found == []


def test_templates_link_through_the_url_builder() -> None:
    """A literal site path in a template ignores the root path the service is served at."""
    literal = re.compile(r"""(href|src|action)=["']/""")
    found = [
        f"{path.name}:{n}"
        for path in sorted((ROOT / "graph/web/templates").glob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert found == []
