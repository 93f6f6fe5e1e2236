"""The pure cores import neither Flask nor SQLAlchemy (ARCHITECTURE.md, rules of the house)."""
import subprocess
import sys
from pathlib import Path

import pytest

DIARY = Path(__file__).resolve().parents[2] / "diary"


@pytest.mark.parametrize("relative", ["gad7.py", "relief.py", "notifications/timing.py"])
def test_core_is_pure(relative):
    # Loaded from its file, not as diary.<name>: the package's __init__ imports Flask itself.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('core', {str(DIARY / relative)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['core'] = module\n"
        "spec.loader.exec_module(module)\n"
        "leaked = sorted(name for name in sys.modules if name.split('.')[0] in {'flask', 'sqlalchemy', 'flask_sqlalchemy'})\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
