"""The pure cores import neither Flask nor SQLAlchemy nor marshmallow (ARCHITECTURE.md, house rules).

Read from the source rather than by importing in a fresh interpreter, so the test needs no
subprocess: a core (every module of it, when it is a package) may import the standard library
and other pure cores, nothing else. That is stricter than "no Flask": no third-party package
can drag a framework in behind it.
"""

import ast
import sys
from pathlib import Path

import pytest

DIARY = Path(__file__).resolve().parents[1] / "diary"
PURE_CORES = ["diary.gad7", "diary.relief", "diary.localtime", "diary.courses"]


def source_files(module):
    path = DIARY.parent.joinpath(*module.split("."))
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path.with_suffix(".py")]


def imported_modules(file):
    """Absolute names of the modules ``file`` imports, at any depth (inside functions too)."""
    package = ".".join(file.relative_to(DIARY.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(file.read_text(), filename=str(file))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                # `from diary import gad7` imports the module diary.gad7, not only the package.
                submodule = f"{base}.{alias.name}"
                yield submodule if is_module(submodule) else base


def is_module(name):
    if name.split(".")[0] != DIARY.name:
        return False
    path = DIARY.parent.joinpath(*name.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def is_allowed(name, core):
    top = name.split(".")[0]
    if top in sys.stdlib_module_names:
        return True
    return any(name == other or name.startswith(other + ".") for other in [core, *PURE_CORES])


@pytest.mark.parametrize("module", PURE_CORES)
def test_core_is_pure(module):
    files = source_files(module)
    assert all(file.is_file() for file in files), files
    leaked = sorted(
        f"{file.relative_to(DIARY.parent)}: {name}"
        for file in files
        for name in imported_modules(file)
        if not is_allowed(name, module)
    )
    assert leaked == []
