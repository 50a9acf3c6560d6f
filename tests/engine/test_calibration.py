"""The calibration targets of data/calibration.yaml (brief T1-T10), at their default run count."""

from __future__ import annotations

import pytest

from game.analysis.calibrate import CheckResult, calibrate, load_targets

BRIEF_TARGETS = {f"T{i}" for i in range(1, 11)}


@pytest.fixture(scope="module")
def results() -> list[CheckResult]:
    return calibrate()  # the file's default runs (1000) and seed


def _table(results: list[CheckResult]) -> str:
    rows = [f"{'id':<4} {'of':<18} {'value':>14}  {'band':<28} ok"]
    for r in results:
        band = f"[{r.check.band[0]:g}, {r.check.band[1]:g}]"
        rows.append(
            f"{r.target.id:<4} {r.check.of:<18} {r.value:>14.4g}  {band:<28} "
            f"{'pass' if r.passed else 'FAIL'}"
        )
    return "\n".join(rows)


def test_default_run_count_is_at_least_1000():
    _, runs, _ = load_targets()
    assert runs >= 1000


def test_every_calibration_check_passes(results):
    assert results, "no calibration checks ran"
    failed = [r for r in results if not r.passed]
    assert not failed, "calibration failed:\n" + _table(results)


def test_calibration_covers_the_brief(results):
    assert {r.target.id for r in results} >= BRIEF_TARGETS
    for r in results:
        assert r.target.source or r.target.assumption, f"{r.target.id} cites no source"
        lo, hi = r.check.band
        assert lo <= hi


def test_calibration_is_deterministic(results):
    again = calibrate(runs=1000)
    assert [r.value for r in again] == [r.value for r in results]


@pytest.mark.slow
def test_every_target_passes_at_five_seeds():
    """Issue 10: not one lucky seed. Every check passes at seeds seed..seed+4 (1,000 runs each)."""
    results = calibrate(seeds=5)
    failed = [r for r in results if not r.passed]
    assert not failed, "\n".join(f"{r.target.id} {r.check.of}: {r.values}" for r in failed)
    assert all(len(r.values) == 5 for r in results)
