"""The ledger: every meter's change this quarter, split into named causes (arrays over games).

Each phase of the model books the causes it computes; at the end of the quarter the ledger closes each
meter's books by booking whatever the causes do not explain (compounding, clipping) under the meter's
`rest` label from data/meters.yaml, so the causes of every meter sum to its change.

A cause may be *tagged* with the lever that drives it (a covert move's stance, a move's lasting
effect): the observation rule uses the tags to fold what the other side cannot see yet.
"""

from __future__ import annotations

import numpy as np

COVERT = "unexplained (covert)"


class Ledger:
    """Records, per meter, the named causes of its change this quarter (each an array over games)."""

    def __init__(self, n: int):
        self.n = n
        self.causes: dict[str, dict[str, np.ndarray]] = {}
        self.tags: dict[tuple[str, str], str] = {}  # (meter, cause) -> the lever behind it

    def add(self, meter: str, cause: str, delta, lever: str | None = None) -> None:
        d = self.causes.setdefault(meter, {})
        arr = np.broadcast_to(np.asarray(delta, dtype=float), (self.n,))
        d[cause] = d[cause] + arr if cause in d else arr.copy()
        if lever is not None:
            self.tags[(meter, cause)] = lever

    def add_parts(self, meter: str, parts, scale=1.0) -> None:
        """Book a list of (cause, delta, lever) parts, each times `scale`."""
        for cause, delta, lever in parts:
            self.add(meter, cause, delta * scale, lever)

    def close(self, meter: str, old: np.ndarray, new: np.ndarray, rest: str) -> None:
        """Book whatever the recorded causes do not explain (compounding, clipping) so causes sum exactly."""
        d = self.causes.setdefault(meter, {})
        explained = sum(d.values()) if d else np.zeros(self.n)
        resid = (new - old) - explained
        if np.any(np.abs(resid) > 1e-9 * (1.0 + np.abs(new))):
            self.add(meter, rest, resid)

    def lever_of(self, meter: str, cause: str) -> str | None:
        return self.tags.get((meter, cause))


def shapley2(f, x0, x1, y0, y1):
    """Exact two-factor split of f(x1,y1) - f(x0,y0) into the part due to x and the part due to y."""
    fx = 0.5 * ((f(x1, y0) - f(x0, y0)) + (f(x1, y1) - f(x0, y1)))
    fy = 0.5 * ((f(x0, y1) - f(x0, y0)) + (f(x1, y1) - f(x1, y0)))
    return fx, fy


def trend_factor_extra(
    ledger: Ledger, meter: str, labels, trend, factor, extra, factor_parts=(), extra_parts=()
) -> np.ndarray:
    """value = trend x factor + extra: book the change of each part (exactly) and return the new value.

    `factor_parts` and `extra_parts` split the change of the factor or the extra into named
    (label, change) parts booked apart, so opposite movements (a tranche ending as another
    starts) are not netted into one cause; what the parts leave is booked under labels[1]/[2]."""
    (t0, t1), (f0, f1), (e0, e1) = trend, factor, extra
    ledger.add(meter, labels[0], (t1 - t0) * f0)
    factor_booked = 0.0
    for label, d in factor_parts:
        ledger.add(meter, label, t1 * d)
        factor_booked = factor_booked + t1 * d
    ledger.add(meter, labels[1], t1 * (f1 - f0) - factor_booked)
    extra_booked = 0.0
    for label, d in extra_parts:
        ledger.add(meter, label, d)
        extra_booked = extra_booked + d
    ledger.add(meter, labels[2], (e1 - e0) - extra_booked)
    return t1 * f1 + e1


def product_parts(labels, before, after) -> list[tuple[str, np.ndarray]]:
    """The change of a product of factors split by factor, each changed in turn (the parts sum to
    prod(after) - prod(before)): factor i's part is its change times the factors before it at
    their new values and those after it at their old ones."""
    parts = []
    for i, label in enumerate(labels):
        lead = np.prod(after[:i], axis=0) if i else 1.0
        tail = np.prod(before[i + 1 :], axis=0) if i + 1 < len(before) else 1.0
        parts.append((label, lead * (after[i] - before[i]) * tail))
    return parts


def first_order(ledger: Ledger, meter: str, partial: np.ndarray, causes, tags=None) -> None:
    """Book `partial * delta` for each (cause, delta) of another meter (a first-order split)."""
    for label, delta in causes.items():
        ledger.add(meter, label, partial * delta, (tags or {}).get(label))
