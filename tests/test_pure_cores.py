"""The pure cores import neither Flask nor SQLAlchemy nor marshmallow (docs/architecture.md, house rules).

At run time, in a fresh interpreter, so an import behind a third-party package counts too
(tests/test_layering.py reads the direct imports without starting a process). Hence `process`.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process

DIARY = Path(__file__).resolve().parents[1] / "diary"
PURE_CORES = ["diary.gad7", "diary.gad7_texts", "diary.relief", "diary.localtime"]


@pytest.mark.parametrize("module", PURE_CORES)
def test_core_is_pure(module):
    # `diary` is stood in for by an empty package: its real __init__ builds the Flask app.
    code = (
        "import sys, types\n"
        "for name in ('diary', 'diary.notifications'):\n"
        "    package = types.ModuleType(name)\n"
        f"    package.__path__ = [{str(DIARY)!r} + name[len('diary'):].replace('.', '/')]\n"
        "    sys.modules[name] = package\n"
        f"import importlib; importlib.import_module({module!r})\n"
        "impure = {'flask', 'sqlalchemy', 'flask_sqlalchemy', 'marshmallow'}\n"
        "leaked = sorted(n for n in sys.modules if n.split('.')[0] in impure)\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
