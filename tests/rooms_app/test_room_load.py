"""The class's load on one `g2 serve`, bounded: benchmarks/rooms_serve_load.py with 30 sessions
(15 rooms), every team acting within the same three seconds. It runs alone with the browser test
(.ci/run: `-m browser -n 0`): it times a machine's whole capacity."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyte")
BENCH = Path(__file__).parents[2] / "benchmarks" / "rooms_serve_load.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("rooms_serve_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser  # ~60 s on 2 cores: 30 room apps at once
def test_thirty_sessions_on_one_server_all_play_and_no_session_is_dropped():
    bench = load_bench()
    fig = bench.run_load(rooms=15, quarters=1, think=3.0, seed=7)
    print(bench.report(fig))
    assert fig.errors == [], fig.first_error
    assert len(fig.join) == 30 and len(fig.resolve) == 15
    # bounds with room to spare on a busy 2-core machine (measured: slowest resolve 5-8 s, joins
    # 30-45 s with everyone at once); a regression to dropped sessions or minutes-long waits fails
    assert max(fig.resolve) < 30
    assert max(fig.echo) < 30
    assert max(fig.join) < 120
