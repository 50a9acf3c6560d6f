"""The examples in examples/ run as documented and print what they promise."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_custom_agent_example_runs():
    out = subprocess.run(
        [sys.executable, "examples/custom_agent.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rates = re.search(
        r"win rates: \{'us': '([\d.]+)%', 'china': '([\d.]+)%', 'draw': '([\d.]+)%'\}", out.stdout
    )
    assert rates, out.stdout
    assert abs(sum(float(x) for x in rates.groups()) - 100.0) < 0.5, rates.group(0)
    assert re.search(r"^2025Q1: US ", out.stdout, re.M), out.stdout
    assert re.search(r"one game's result: (us|china|draw)$", out.stdout, re.M), out.stdout
