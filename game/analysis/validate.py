"""`g2 validate`: checks any G2 file (data, scenario, plan, calibration or design targets) and names
the problem."""

from __future__ import annotations

from pathlib import Path

from game.analysis.calibrate import load_targets
from game.engine import model
from game.engine.data import (
    DEFAULT_SCENARIO,
    _merged,
    add_scenario,
    builtin_scenario_docs,
    load_data,
    load_events,
    load_figures,
    load_levers,
    load_meters,
    load_moves,
    load_params,
    load_scenario,
    seeds_dir,
)
from game.engine.plans import load_plan
from game.engine.yamlsrc import DataError, read

SCENARIO_MARKS = {"stocks", "start", "extends"}  # keys that make a file a scenario


def validate_file(path: str | Path) -> list[str]:
    """Validate one data, scenario or plan file; return a list of problems (empty if fine)."""
    p = Path(path)
    try:
        doc = read(p)
        gd = load_data()
        v = doc.value if isinstance(doc.value, dict) else {}
        if p.name == "params.yaml":
            load_params(doc, gd.figures, gd.levers)
        elif p.name == "levers.yaml":
            load_levers(doc)
        elif p.name == "meters.yaml":
            meters = load_meters(doc, gd.figures)
            sc = gd.scenarios[DEFAULT_SCENARIO]
            computed = model.compute_meters(gd, model.initial_state(gd, sc, 1))
            model.check_catalogue(gd, computed, meters, str(p))
        elif "moves" in v and not SCENARIO_MARKS & set(v):  # a scenario's `moves:` lists ids
            load_moves(doc, gd.levers, gd.figures)
        elif "events" in v:
            load_events(doc, gd.levers, gd.meters, gd.figures)
        elif "figures" in v:
            load_figures(p.parent) if p.parent.resolve() == seeds_dir().resolve() else None
        elif SCENARIO_MARKS & set(v):
            # the first problem only (one line per file); every problem at once:
            # game.analysis.authoring.validate_scenario
            known = gd.scenarios.get(v.get("id")) if isinstance(v.get("id"), str) else None
            if known is not None and Path(known.path).resolve() == p.resolve():
                raw = builtin_scenario_docs(gd)  # a built-in scenario's own file
                load_scenario(
                    _merged(doc, raw), gd.levers, gd.figures, set(raw), moves=gd.moves,
                    events=gd.events,
                )  # fmt: skip
            else:
                add_scenario(gd, doc, "")
        elif "quarters" in v or "moves_by_quarter" in v or "side" in v:
            load_plan(p, gd)
        elif "groups" in v or "run" in v:
            from game.analysis.balance import load_design

            load_design(p, gd)
        elif "targets" in v:
            load_targets(p, gd)
        else:
            raise doc.error(
                "", "not a recognised G2 file (scenario, plan, moves, events, params, ...)"
            )
    except DataError as exc:
        return [str(exc)]
    return []
