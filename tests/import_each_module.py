"""Import each module of lms/ on its own, in a process that has imported no other module of lms/.

Run as a script by test_imports.py. It imports the third-party libraries once, then forks a child per module, so
each import starts clean but quickly. Prints one line per module that fails, with its error; exit 1 if any did.
"""
import ast
import importlib
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"lms", "config", "tests"}


def lms_modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "lms").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def third_party_imports(names: list[str]) -> set[str]:
    """The libraries the modules import, so the forked children need not each import them again."""
    found = set()
    for name in names:
        path = ROOT / (name.replace(".", "/") + ".py")
        path = path if path.exists() else ROOT / name.replace(".", "/") / "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    return {name for name in found if name.split(".")[0] not in OWN}


def start_import(name: str) -> tuple[int, int]:
    """Fork a child that imports `name` and writes any error to a pipe; return its pid and the pipe's end."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - report whatever stops the import
            os.write(write, traceback.format_exc(limit=-3).encode()[:60_000])  # fits the pipe: never blocks
            os._exit(1)
        os._exit(0)
    os.close(write)
    return pid, read


def import_each(names: list[str], at_once: int) -> dict[str, str]:
    """Import every module in a child of its own, `at_once` children at a time; return the errors by module."""
    waiting, running, errors = list(names), {}, {}
    while waiting or running:
        while waiting and len(running) < at_once:
            name = waiting.pop(0)
            pid, read = start_import(name)
            running[pid] = (name, read)
        pid, status = os.wait()
        name, read = running.pop(pid)
        with os.fdopen(read, "rb") as pipe:
            error = pipe.read().decode()
        if os.waitstatus_to_exitcode(status) != 0:
            errors[name] = error or f"exit status {status}"
    return errors


def main() -> int:
    sys.path.insert(0, str(ROOT))
    names = lms_modules()
    for library in sorted(third_party_imports(names)):
        importlib.import_module(library)
    assert not [name for name in sys.modules if name.split(".")[0] in OWN], "the parent must import none of lms"
    failures = import_each(names, at_once=os.cpu_count() or 1).items()
    for name, error in failures:
        print(f"{name}: {error.strip().splitlines()[-1]}\n{error}")
    print(f"{len(names)} modules, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
