"""Dependencies point down (docs/architecture.md): read the imports under diary/ and check the layers.

audit < accounts < admin < checkins < treatments < monitoring < notifications < exports < demo.
A feature imports only features below it (a lower one tells a higher one
through diary/signals.py). The pure cores import no feature, no app-level
module and neither Flask nor SQLAlchemy nor marshmallow. The app-level
modules (extensions, errors, signals, fields...) sit below every feature; only
the wiring (create_app, the CLI registry, the scheduler) sits above them all.
No import hides inside a function unless a comment on its line names the cycle
it breaks.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIARY = ROOT / "diary"

FEATURES = (
    "audit",
    "accounts",
    "admin",
    "checkins",
    "treatments",
    "monitoring",
    "notifications",
    "exports",
    "demo",
)
PURE_CORES = ("diary.gad7", "diary.gad7_texts", "diary.relief", "diary.localtime")
WIRING = ("diary", "diary.cli", "diary.scheduler")  # with the modules of the scheduler package
# The one upward import allowed: the access log's view needs the login, which lives in
# accounts (one access resolver); audit's models and service, which accounts uses, stay below.
ALLOWED = {("diary.audit.api", "diary.accounts.models"), ("diary.audit.api", "diary.accounts.security")}
IMPURE = (
    "flask",
    "flask_sqlalchemy",
    "flask_smorest",
    "flask_login",
    "flask_limiter",
    "flask_migrate",
    "sqlalchemy",
    "marshmallow",
    "werkzeug",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports(path: Path):
    """``(imported module, line, inside a function, source line)`` for every import of the file."""
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    nested = {id(inner) for function in functions for inner in ast.walk(function) if inner is not function}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            names = [
                f"{base}.{alias.name}" if is_module(f"{base}.{alias.name}") else base for alias in node.names
            ]
        else:
            continue
        for name in names:
            yield name, node.lineno, id(node) in nested, lines[node.lineno - 1]


def layer(name: str):
    """``("feature", rank)``, ``("pure", 0)``, ``("wiring", 0)``, ``("app", 0)`` or None (not ours)."""
    if name in WIRING or name.startswith("diary.scheduler."):
        return "wiring", 0
    if name.startswith(tuple(core + "." for core in PURE_CORES)) or name in PURE_CORES:
        return "pure", 0
    parts = name.split(".")
    if parts[0] != "diary":
        return None
    if len(parts) > 1 and parts[1] in FEATURES:
        return "feature", FEATURES.index(parts[1])
    return "app", 0


def problems_of(path: Path) -> list[str]:
    name = module_name(path)
    kind, rank = layer(name)
    found = []
    for imported, line, hidden, text in imports(path):
        where = f"{path.relative_to(ROOT)}:{line}: {imported}"
        if hidden and "cycle" not in text:
            found.append(f"{where}: an import inside a function (say which cycle it breaks, or move it up)")
        target = layer(imported)
        if target is None:
            if kind == "pure" and imported.split(".")[0] in IMPURE:
                found.append(f"{where}: a pure core imports {imported.split('.')[0]}")
            continue
        target_kind, target_rank = target
        if kind == "pure" and target_kind != "pure":
            found.append(f"{where}: a pure core imports a {target_kind} module")
        elif kind == "app" and target_kind in ("feature", "wiring"):
            found.append(f"{where}: an app-level module imports a {target_kind} module")
        elif kind == "feature" and target_kind == "wiring":
            found.append(f"{where}: a feature imports the wiring above it")
        elif (
            kind == "feature"
            and target_kind == "feature"
            and target_rank > rank
            and (name, imported) not in ALLOWED
        ):
            found.append(
                f"{where}: {FEATURES[rank]} imports {FEATURES[target_rank]}, "
                "which is above it (send a signal)"
            )
    return found


MODULES = sorted(DIARY.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(path) for path in MODULES])
def test_imports_point_down(path):
    assert problems_of(path) == []


def test_every_feature_and_pure_core_is_known():
    """A new feature folder or pure core must be placed in the order above before it can be checked."""
    folders = {path.parent.name for path in DIARY.glob("*/__init__.py")}
    assert folders - {"relief", "scheduler"} <= set(FEATURES)  # a pure core and the wiring
    assert all(is_module(core) for core in PURE_CORES)
