"""The guard in tests/support/process_guard.py refuses processes to unmarked tests only."""

import os
import subprocess
import sys

import pytest


def test_an_unmarked_test_cannot_start_a_process():
    with pytest.raises(RuntimeError, match="mark it @pytest.mark.process"):
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    with pytest.raises(RuntimeError, match="os.system"):
        os.system("true")


@pytest.mark.process
def test_a_process_test_can():
    assert (
        subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True).stdout
        == "42\n"
    )
