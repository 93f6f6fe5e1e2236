"""What ``pip install .`` installs: the diary package and the top-level config module it imports."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process
ROOT = Path(__file__).resolve().parent.parent


def test_the_build_holds_config_py_beside_the_package(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "config.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "diary", source / "diary", ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "lib"
    # setuptools' build_py is the step of building a wheel that picks the modules; no network needed.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(built),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (built / "config.py").is_file()
    assert (built / "diary" / "__init__.py").is_file()
    assert (built / "diary" / "accounts" / "common_passwords.txt").is_file()
