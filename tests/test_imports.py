"""Every module of lms/ imports on its own, and no two modules import each other, however indirectly."""
import ast
import subprocess
import sys
from pathlib import Path

LMS = Path(__file__).resolve().parent.parent / "lms"
HELPER = Path(__file__).parent / "import_each_module.py"
#: a circle left for the courses work: courses.importer imports publish inside a function to break it
KNOWN_CIRCLES = [["lms.courses.importer", "lms.courses.publish"]]


def test_every_module_of_lms_imports_in_a_fresh_interpreter():
    """Running one test file alone once failed: lms.sessions → lms.courses → its routes → lms.sessions, half-made."""
    result = subprocess.run([sys.executable, "-W", "error", str(HELPER)], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(" modules, 0 failed")


def _import_graph() -> dict[str, set[str]]:
    """Module → the lms modules it imports anywhere in its file (in functions too: a late import is still a circle)."""
    paths = {}
    for path in LMS.rglob("*.py"):
        parts = path.relative_to(LMS.parent).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in paths.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.update(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in paths
                                else node.module for alias in node.names)
        graph[name] = {other for other in imported if other in paths and other != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other through imports (strongly connected, more than one)."""
    reaches = {name: set() for name in graph}
    for start in graph:
        todo = list(graph[start])
        while todo:
            name = todo.pop()
            if name not in reaches[start]:
                reaches[start].add(name)
                todo.extend(graph[name])
    groups = {tuple(sorted({start} | {other for other in reaches[start] if start in reaches[other]}))
              for start in graph}
    return sorted(list(group) for group in groups if len(group) > 1)


def test_no_modules_import_each_other():
    """content.sync and the importers, demo.load and demo.training, each package and its routes imported each other."""
    assert _circles(_import_graph()) == KNOWN_CIRCLES
