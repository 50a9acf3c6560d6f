"""The `g2` command line: play, sim, calibrate, tournament, balance, sweep, scenarios, moves, validate."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
import time
import unicodedata
from pathlib import Path

from game.engine.data import DEFAULT_SCENARIO, SEED_MAX, compact, other_side, side_name
from game.i18n import DEFAULT, LANGS, N_, _, language, ngettext, normalise, set_language, tc


class CliError(Exception):
    """An error to print as one line (no traceback) with exit status 2."""


class Whole:
    """An integer option's type, knowing the whole numbers the option allows (`high` None: no
    upper limit). Parsing refuses text that is not a whole number, saying what is allowed
    (argparse names the flag); main() checks the range after parsing, so an out-of-range value is
    reported against its own flag (a bad --seed was once blamed on --us, the first place that
    used it) before any command runs."""

    def __init__(self, flag: str, low: int, high: int | None = None) -> None:
        self.flag, self.low, self.high = flag, low, high

    @property
    def allowed(self) -> str:
        if self.high is None:
            return _("at least {low}").format(low=self.low)
        return _("a whole number from {low} to {high}").format(low=self.low, high=self.high)

    def __call__(self, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            shown = text if len(text) <= 40 else text[:39] + "…"
            raise argparse.ArgumentTypeError(
                _("{text} is not a whole number; it must be {allowed}").format(
                    text=repr(shown), allowed=self.allowed
                )
            ) from None

    def check(self, value: int | None) -> None:
        """Raise CliError when `value` (None: the option was not given) is out of range."""
        if value is None:
            return
        if value < self.low or (self.high is not None and value > self.high):
            raise CliError(
                _("{flag} must be {allowed}, not {value}").format(
                    flag=self.flag, allowed=self.allowed, value=value
                )
            )


def _whole(parser, flag: str, low: int, high: int | None = None, **kw) -> None:
    """Add an integer option `flag` allowing `low`..`high`, checked by main() after parsing."""
    kind = Whole(flag, low, high)
    parser.add_argument(flag, type=kind, **kw)
    parser.set_defaults(whole_options=[*(parser.get_default("whole_options") or []), kind])


def _seed_option(parser, **kw) -> None:
    _whole(parser, "--seed", 0, SEED_MAX, **kw)


def check_whole_options(args) -> None:
    """Every integer option of the chosen command in its range, or CliError naming the flag."""
    for kind in getattr(args, "whole_options", None) or []:
        kind.check(getattr(args, kind.flag.lstrip("-").replace("-", "_")))


def _cells(text: str) -> int:
    """The terminal columns `text` takes: two for each wide (Chinese) character."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` columns (on the left when `right`)."""
    fill = " " * max(0, width - _cells(text))
    return fill + text if right else text + fill


# Chinese punctuation that must not begin a line
_NO_LINE_START = frozenset("，。、；：？！）》」』”’…")


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns: textwrap's lines for text without wide
    characters, else broken between words and between Chinese characters (never before a
    closing punctuation mark)."""
    if _cells(text) == len(text):
        return textwrap.wrap(text, width)
    tokens: list[str] = []  # single spaces, Latin words, single wide characters
    for ch in " ".join(text.split()):
        if (
            tokens
            and ch != " "
            and _cells(ch) == 1
            and tokens[-1] != " "
            and _cells(tokens[-1][-1]) == 1
        ):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    lines, line = [], ""
    for tok in tokens:
        if tok == " ":
            line += " " if line else ""
            continue
        if line.strip() and _cells(line) + _cells(tok) > width and tok not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = ""
        line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _table(rows: list[list[str]], header: list[str], right: int | None = None) -> str:
    """A plain-text table; columns from index `right` on are right-aligned (numbers)."""
    right = len(header) if right is None else right
    widths = [max(_cells(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r):
        return "  ".join(
            _pad(str(c), w, right=i >= right)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


# ----------------------------------------------------------------------------- commands


def _progress_bar(label: str):
    def progress(done: int, total: int) -> None:
        bar = "#" * (30 * done // total)
        text = _("{label} [{bar}] {done}/{total} quarters").format(
            label=label, bar=f"{bar:<30}", done=done, total=total
        )
        print(f"\r  {text}", end="", file=sys.stderr, flush=True)

    return progress


def _policies(args, gd):
    """Both sides' batch policies from --us/--china: agent names, plan names or plan files."""
    from game.ai import side_policy

    out = []
    for side, spec in (("us", args.us), ("china", args.china)):
        try:
            out.append(side_policy(spec, side, gd, args.seed, getattr(args, "scenario", None)))
        except ValueError as exc:
            raise CliError(_("--{side}: {error}").format(side=side, error=exc)) from None
    return out


def cmd_sim(args) -> int:
    import numpy as np

    from game.engine.data import load_data
    from game.engine.model import RESULT_NAMES
    from game.engine.runner import CHUNK, percentiles, run_chunks

    gd = load_data()
    if args.scenario not in gd.scenarios:
        raise CliError(
            _("unknown scenario {scenario}; known: {known}").format(
                scenario=repr(args.scenario), known=", ".join(sorted(gd.scenarios))
            )
        )
    chunk = CHUNK if args.chunk is None else args.chunk
    out = Path(args.out) if args.out else None
    if out and out.suffix.lower() not in (".csv", ".jsonl"):
        raise CliError(
            _("--out must end in .csv or .jsonl, got {name}").format(name=repr(out.name))
        )
    tracked = _tracked(args.track, gd)
    us, cn = _policies(args, gd)
    planning = "planner" in (args.us.split(":")[0], args.china.split(":")[0])
    big = args.games * gd.scenarios[args.scenario].quarters >= 50_000
    progress = _progress_bar(_("simulating")) if (big or planning) and sys.stderr.isatty() else None
    # only what the command needs is kept: each meter's final value (float32) and each result,
    # plus the rows being written; memory grows with --chunk, not with --games
    meters = list(gd.meters)
    finals = np.empty((len(meters), args.games), np.float32)
    results = np.empty(args.games, np.int8)
    rows = _RowWriter(out, meters) if out else None
    quarters: list[str] = []
    paths: dict[str, list] = {m: [] for m in tracked}  # each tracked meter, chunk by chunk
    try:
        for tr in run_chunks(
            args.scenario, us, cn, args.games, args.seed,
            chunk=chunk, progress=progress, data=gd, record=bool(out or tracked),
        ):  # fmt: skip
            a, b = tr.offset, tr.offset + tr.n
            for i, m in enumerate(meters):
                finals[i, a:b] = tr.final(m)
            results[a:b] = tr.result
            quarters = tr.quarters
            for m in tracked:
                paths[m].append(tr.meters[m][1:].astype(np.float32))
            if rows:
                rows.write(tr)
    except BaseException:
        if rows:
            rows.discard()
        raise
    if rows:
        rows.close()
    if progress:
        print(file=sys.stderr)
    summary = {
        "scenario": args.scenario,
        "games": args.games,
        "seed": args.seed,
        "us": args.us,
        "china": args.china,
        "quarters": [quarters[0], quarters[-1]],
        "win_rates": {
            name: float(np.mean(results == code)) for code, name in RESULT_NAMES.items() if name
        },
        "final": {
            m: dict(zip(("p10", "p50", "p90"), percentiles(finals[i], overwrite=True), strict=True))
            for i, m in enumerate(meters)
        },
    }
    if tracked:
        summary["by_quarter"] = _by_quarter(paths, quarters)
    _print_sim(args, summary, gd, rows)
    return 0


def _by_quarter(paths: dict[str, list], quarters: list[str]) -> dict:
    """Each tracked meter's p10/p50/p90 by quarter, over the games of every chunk."""
    import numpy as np

    from game.engine.runner import percentiles

    return {
        m: {
            q: dict(zip(("p10", "p50", "p90"), percentiles(row), strict=True))
            for q, row in zip(quarters, np.concatenate(chunks, axis=1), strict=True)
        }
        for m, chunks in paths.items()
    }


def _print_sim(args, summary: dict, gd, rows) -> None:
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(_sim_text(summary, gd))
    if "by_quarter" in summary:
        print("\n" + _track_text(summary["by_quarter"], gd))
    if rows:
        print("\n" + _("wrote {count} rows to {path}").format(count=rows.count, path=args.out))


def _tracked(spec: str | None, gd) -> list[str]:
    """`--track a,b`: meters to show quarter by quarter (each must be a meter of the catalogue)."""
    from game.engine.data import did_you_mean

    names = [s.strip() for s in (spec or "").split(",") if s.strip()]
    for name in names:
        if name not in gd.meters:
            near = did_you_mean(name, list(gd.meters))
            raise CliError(
                _("--track: unknown meter {name}{did_you_mean}").format(
                    name=repr(name), did_you_mean=near
                )
            )
    return names


def _track_text(by_quarter: dict, gd) -> str:
    """The tracked meters' median by quarter (p10-p90 beside it), one row per quarter."""
    names = list(by_quarter)
    quarters = list(by_quarter[names[0]])
    head = [
        _("quarter"),
        *(_("{meter} p50 (p10-p90)").format(meter=tc(gd.meters[m].name)) for m in names),
    ]
    rows = [
        [q]
        + [
            f"{compact(by_quarter[m][q]['p50'])} "
            f"({compact(by_quarter[m][q]['p10'])}-{compact(by_quarter[m][q]['p90'])})"
            for m in names
        ]
        for q in quarters
    ]
    return _table(rows, head)


def _sim_text(summary: dict, gd) -> str:
    """`g2 sim`'s summary as text: the win rates and the summary meters' p10/p50/p90."""
    q = summary["quarters"]
    wr = summary["win_rates"]
    per_eflops = gd.params["b300e_per_eflops"]
    table = []
    for m in gd.meters_in("summary"):
        pct = summary["final"][m]
        eflops = f"{pct['p50'] / per_eflops:,.0f} EFLOPS" if gd.meters[m].unit == "B300e" else ""
        table.append(
            [
                tc(gd.meters[m].name),
                tc(gd.meters[m].unit),
                *(compact(v) for v in pct.values()),
                eflops,
            ]
        )
    heads = [_("meter at the end"), _("unit"), "p10", "p50", "p90", _("p50 in EFLOPS")]
    return "\n".join(
        [
            _(
                "{games} games of {scenario} ({first}-{last}), seed {seed}: "
                "US {us} vs China {china}"
            ).format(
                games=summary["games"],
                scenario=summary["scenario"],
                first=q[0],
                last=q[1],
                seed=summary["seed"],
                us=summary["us"],
                china=summary["china"],
            ),
            _("wins: US {us}  China {china}  draw {draw}").format(
                us=f"{wr['us']:.1%}", china=f"{wr['china']:.1%}", draw=f"{wr['draw']:.1%}"
            )
            + "\n",
            _table(table, heads),
            _("(1 EFLOPS = {per_eflops} B300e; 1 B300e = 2.5 PFLOPS dense BF16)").format(
                per_eflops=f"{per_eflops:g}"
            ),
        ]
    )


class _RowWriter:
    """One row per game per quarter played (the meters after that quarter and its flows), game by
    game, written to a temporary file that replaces FILE only when the run is complete."""

    def __init__(self, path: Path, meters: list[str]):
        from game.engine.runner import FLOWS

        self.path, self.meters, self.flows = path, meters, FLOWS
        self.cols = ["game", "quarter", *meters, *FLOWS, "result"]
        self.csv = path.suffix.lower() == ".csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.fh = self.tmp.open("w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.fh) if self.csv else None
        if self.writer:
            self.writer.writerow(self.cols)
        self.count = 0

    def write(self, tr) -> None:
        import numpy as np

        from game.engine.model import RESULT_NAMES

        series = [tr.meters[m][1:] for m in self.meters] + [tr.flows[f] for f in self.flows]
        data = np.stack(series, axis=-1)  # (quarters, games, columns)
        for i in range(tr.n):
            last = int(tr.ended[i])
            result = RESULT_NAMES[int(tr.result[i])] or ""
            for t in range(last):
                vals = [float(x) for x in data[t, i]]
                row = [tr.offset + i, tr.quarters[t], *vals, result if t + 1 == last else ""]
                if self.writer:
                    self.writer.writerow(row)
                else:
                    self.fh.write(json.dumps(dict(zip(self.cols, row, strict=True))) + "\n")
                self.count += 1

    def close(self) -> None:
        self.fh.close()
        self.tmp.replace(self.path)

    def discard(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


def cmd_calibrate(args) -> int:
    from game.analysis.calibrate import calibrate

    results = calibrate(runs=args.runs, seed=args.seed, seeds=args.seeds)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.target.id,
                        "target": r.target.target,
                        "metric": r.check.of,
                        "band": list(r.check.band),
                        "source": r.target.source,
                        "assumption": r.target.assumption,
                        "value": r.value,
                        "values": list(r.values),
                        "pass": r.passed,
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    else:
        rows = [
            [
                r.target.id,
                r.target.target,
                r.check.show,
                _sources(r.target),
                compact(r.value)
                if len(r.values) < 2
                else f"{compact(min(r.values))}-{compact(max(r.values))}",
                _("pass") if r.passed else _("FAIL"),
            ]
            for r in results
        ]
        model = (
            _("model") if args.seeds < 2 else _("model ({seeds} seeds)").format(seeds=args.seeds)
        )
        heads = [_("id"), _("target"), _("band"), _("source"), model, _("result")]
        print(_table(rows, heads))
        failed = sum(not r.passed for r in results)
        if args.seeds > 1:
            summary = _(
                "{passed} of {total} checks pass (median, or share for 'below' checks, of {runs} "
                "seeded runs each, at each of {seeds} seeds; sources: seeds/<id>.yaml, 'outside' "
                "= a public figure named in data/calibration.yaml; `--json` for figure ids)"
            )
        else:
            summary = _(
                "{passed} of {total} checks pass (median, or share for 'below' checks, of {runs} "
                "seeded runs each; sources: seeds/<id>.yaml, 'outside' = a public figure named in "
                "data/calibration.yaml; `--json` for figure ids)"
            )
        print(
            "\n"
            + summary.format(
                passed=len(results) - failed,
                total=len(results),
                runs=results[0].runs,
                seeds=args.seeds,
            )
        )
    return 0 if all(r.passed for r in results) else 1


def _sources(target) -> str:
    docs = sorted({s.split(".")[0] for s in target.source})
    return ", ".join(docs + ([_("outside")] if target.assumption else []))


def _stages():
    """A progress callback printing one line per stage to stderr, with the seconds elapsed."""
    t0 = time.monotonic()

    def progress(msg: str) -> None:
        print(f"[{time.monotonic() - t0:3.0f}s] {msg}", file=sys.stderr, flush=True)

    return progress


def _known_scenario(name: str, gd, files: bool = False) -> None:
    """A one-line error for a scenario id that is not in the data (with did-you-mean)."""
    from game.engine.data import did_you_mean

    if name not in gd.scenarios:
        if files:
            text = _(
                "unknown scenario {scenario}{did_you_mean}; known: {known} or a scenario file "
                "(see `g2 scenarios`)"
            )
        else:
            text = _(
                "unknown scenario {scenario}{did_you_mean}; known: {known} (see `g2 scenarios`)"
            )
        raise CliError(
            text.format(
                scenario=repr(name),
                did_you_mean=did_you_mean(name, gd.scenarios),
                known=", ".join(sorted(gd.scenarios)),
            )
        )


def cmd_tournament(args) -> int:
    from game.analysis.balance_report import plain
    from game.analysis.tournament import matrix_text, tournament, verdict_text
    from game.engine.data import load_data

    gd = load_data()
    _known_scenario(args.scenario, gd)
    if args.planner.split(":")[0] != "planner":
        raise CliError(f"--planner must be planner or planner:LEVEL, got {args.planner!r}")
    try:
        res = tournament(
            args.scenario,
            args.games,
            args.planner_games,
            args.seed,
            args.planner,
            data=gd,
            progress=_stages(),
            fixed_plan_games=args.fixed_plan,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(plain(res), indent=2, allow_nan=False))
        return 0 if res["passed"] else 1
    print(
        f"Tournament on {args.scenario}, seed {args.seed}: {args.games} games per persona "
        f"pairing, {args.planner_games} per {args.planner} pairing. Cells: US wins / China "
        "wins (the rest are draws)\n"
    )
    print(matrix_text(res))
    for side, p in res.get("fixed_plans", {}).items():
        print(
            f"{'US' if side == 'us' else 'China'}'s best fixed plan ({p['screened']} screened, "
            f"against {p['persona']}): {p['plan']}"
        )
    print("\n" + verdict_text(res))
    return 0 if res["passed"] else 1


def _balance_scenario(spec: str, gd):
    """A scenario id, or a scenario file (added to the data): returns (data, scenario id)."""
    from game.analysis.authoring import resolve_scenario

    if spec not in gd.scenarios and not (
        Path(spec).suffix.lower() in (".yaml", ".yml") or Path(spec).exists()
    ):
        _known_scenario(spec, gd, files=True)
    return resolve_scenario(spec, gd)


def cmd_balance(args) -> int:
    from game.analysis.balance import DESIGN_SCENARIOS, balance, load_design
    from game.analysis.balance_report import report_json, report_text
    from game.engine.data import load_data

    gd = load_data()
    scenarios = []
    for spec in dict.fromkeys(args.scenario or DESIGN_SCENARIOS):  # each once, in order
        gd, sid = _balance_scenario(spec, gd)
        scenarios.append(sid)
    design = load_design(args.design, gd)
    rep = balance(scenarios, args.games, args.seed, design, gd, _stages())
    if args.json:
        print(json.dumps(report_json(rep), indent=2, allow_nan=False))
    else:
        print(report_text(rep))
    return 0 if rep.passed else 1


def sweep_text(res: dict) -> str:
    """A sweep's result as text: the points, then the figures ranked by effect."""
    names = [v["name"] for v in res["varies"]]
    n = len(res["points"])
    how = "one figure at a time" if res["mode"] == "oat" else "full grid"
    out = [
        f"{n} points x {res['games']} games of {res['scenario']} ({how}), seed {res['seed']} "
        f"at every point: US {res['us']} vs China {res['china']}",
        "base: " + ", ".join(f"{v['name']} = {compact(v['base'])}" for v in res["varies"]),
        "",
    ]
    rows = []
    for p in res["points"]:
        vals = [
            "base" if p["varied"] not in (None, nm) else compact(p["overrides"][nm]) for nm in names
        ]
        wr, sc = p["win_rates"], p["final"]["score"]
        rows.append(
            [
                *vals,
                *(f"{wr[k]:.1%}" for k in ("us", "china", "draw")),
                *(f"{sc[k]:+.1f}" for k in ("p10", "p50", "p90")),
                f"{p['final']['capability_gap_months']['p50']:.1f}",
            ]
        )
    header = [*names, "US", "China", "draw", "score p10", "p50", "p90", "gap p50 (mo)"]
    out.append(_table(rows, header, right=len(names)))
    out += ["", "Sensitivity, largest effect first (lowest -> highest value"]
    out[-1] += ", others at base):" if res["mode"] == "oat" else ", averaged over the others):"
    srows = [
        [
            s["name"],
            f"{compact(s['low'])} -> {compact(s['high'])}",
            f"{s['us_win_low']:.1%} -> {s['us_win_high']:.1%}",
            f"{s['us_win_change'] * 100:+.1f} pts",
            f"{s['score_p50_low']:+.1f} -> {s['score_p50_high']:+.1f}",
            f"{s['score_p50_change']:+.1f}",
        ]
        for s in res["sensitivity"]
    ]
    out.append(
        _table(
            srows,
            ["figure", "range", "US win", "change", "median score", "change"],
            right=1,
        )
    )
    return "\n".join(out)


def cmd_sweep(args) -> int:
    from game.analysis.sweep import DataMismatchError, sweep

    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            bar = "#" * (30 * done // total)
            end = "\n" if done == total else ""
            print(f"\r  sweeping [{bar:<30}] {done}/{total} points", end=end, file=sys.stderr)
            sys.stderr.flush()

    try:
        res = sweep(
            args.vary,
            us=args.us,
            china=args.china,
            scenario=args.scenario,
            games=args.games,
            seed=args.seed,
            workers=args.workers,
            dask_address=args.dask,
            progress=progress,
            mode=args.mode,
        )
    except (ValueError, ImportError, ConnectionError, DataMismatchError) as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(res, indent=2) if args.json else sweep_text(res))
    return 0


def cmd_agents(args) -> int:
    from game.ai import LEVELS, PERSONAS
    from game.ai.planner import Planner

    for side in ("us", "china") if not args.side else (args.side,):
        print(_("{side}:").format(side=tc(side_name(side))))
        for key, cls in PERSONAS[side].items():
            about = _("{title}: {description}").format(
                title=tc(cls.title), description=tc(cls.description)
            )
            print(f"  {key:18s} {about}")
            speaks = _("speaks for {documents}").format(documents=", ".join(cls.speaks_for))
            print(f"  {'':18s} {speaks}")
        print(f"  {'random-persona':18s} " + _("each game drawn at random from the personas above"))
        print(f"  {'hold':18s} " + _("makes no moves (the baseline)"))
        print()
    levels = _(", ").join(
        (
            ngettext(
                "{level}: {n} rollout + a second move",
                "{level}: {n} rollouts + a second move",
                b.rollouts,
            )
            if b.rounds > 1
            else ngettext("{level}: {n} rollout", "{level}: {n} rollouts", b.rollouts)
        ).format(level=lv, n=b.rollouts)
        for lv, b in LEVELS.items()
    )
    print(
        _("planner[:LEVEL] (either side): {description} Levels {levels}.").format(
            description=tc(Planner.description), levels=levels
        )
    )
    return 0


def cmd_scenarios(args) -> int:
    from game.engine.data import load_data, quarter_name

    gd = load_data()
    for sc in gd.scenarios.values():
        print(
            ngettext(
                "{id}  ({first}-{last}, {n} quarter)",
                "{id}  ({first}-{last}, {n} quarters)",
                sc.quarters,
            ).format(
                id=sc.id, first=quarter_name(sc.start), last=quarter_name(sc.end), n=sc.quarters
            )
        )
        print(f"  {tc(sc.name)}")
        for line in _wrap(tc(sc.briefing), 96):
            print(f"    {line}")
        print()
    return 0


def _effects_in_words(gd, effects) -> str:
    words = []
    for name, v in effects.set:
        L = gd.levers[name]
        words.append(f"{tc(L.name)} := {L.options[int(v)] if L.options else f'{v:g}'}")
    for name, v in effects.add:
        words.append(f"{tc(gd.levers[name].name)} {v:+g}")
    for name, v in effects.mul:
        words.append(f"{tc(gd.levers[name].name)} x{v:g}")
    return ", ".join(words)


# `g2 moves`' heading of each side's list
SIDE_HEADINGS = {"us": N_("US"), "china": N_("CHINA")}


def cmd_moves(args) -> int:
    from game.engine.data import load_data

    gd = load_data()
    sides = [args.side] if args.side else ["us", "china"]
    for side in sides:
        print(_("== {side} ==").format(side=_(SIDE_HEADINGS[side])))
        for m in gd.moves_for(side):
            covert = "  " + _("[covert]") if m.covert else ""
            print(f"{m.id}  ({tc(m.group)}){covert}\n  {tc(m.name)}")
            for line in _wrap(tc(m.description), 92):
                print(f"    {line}")
            for o in m.options:
                label = f"{m.id}:{o.name}" if m.has_options else m.id
                fx = _effects_in_words(gd, o.effects)
                sets = f"{tc(gd.levers[m.lever].name)} := {o.name}" if m.has_options else ""
                line = _("{label} cost {cost}  {effects}").format(
                    label=f"{label:34}",
                    cost=f"{o.cost:>4g}",
                    effects=", ".join(x for x in (sets, fx) if x),
                )
                print(f"    {line}")
            for r in m.requires:
                print("    " + _("unavailable when {reason}").format(reason=tc(r.reason)))
            print("    " + _("sources: {sources}").format(sources=", ".join(m.sources)) + "\n")
    return 0


def cmd_validate(args) -> int:
    from game.analysis.validate import validate_file
    from game.engine.data import data_dir
    from game.engine.yamlsrc import DataError

    files = [Path(f) for f in args.files]
    if not files:
        base = data_dir()
        files = (
            sorted(base.glob("*.yaml"))
            + sorted((base / "scenarios").glob("*.yaml"))
            + sorted((base / "plans").glob("*.yaml"))
        )
    bad = 0
    for f in files:
        try:
            problems = _scenario_problems(f)
            if problems is None:
                problems = validate_file(f)
        except DataError as exc:
            problems = [str(exc)]
        for p in problems:
            print(p, file=sys.stderr)
        bad += bool(problems)
        if not problems:
            print(_("ok  {file}").format(file=f))
    return 2 if bad else 0


def _scenario_problems(path: Path) -> list[str] | None:
    """Every problem of a scenario file at once (file:line: field: message, with did-you-mean),
    or None for a file that is not a scenario (validate_file checks those)."""
    from game.analysis.authoring import validate_scenario
    from game.engine.yamlsrc import read

    doc = read(path)
    v = doc.value
    if not (isinstance(v, dict) and ("start" in v or "extends" in v or "briefing" in v)):
        return None
    return [str(p) for p in validate_scenario(path)]


def cmd_new_scenario(args) -> int:
    """`g2 new-scenario NAME`: a commented template that validates as it is."""
    from game.analysis.authoring import scenario_template

    text = scenario_template(args.name)
    if not args.out:
        print(text, end="")
        return 0
    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(_("{file} exists; choose another name or pass --force").format(file=out))
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(_("wrote {file}: edit it, then run `g2 validate {file}`").format(file=out))
    return 0


def cmd_derive_scenario(args) -> int:
    from game.analysis.derive import check_scenario, derive_scenario, describe
    from game.engine.api import SaveError

    path = Path(args.file)
    if args.check:
        d, problems = check_scenario(path)
        for line in problems:
            print(line)
        if problems:
            print(
                f"\n{path}: {len(problems)} value(s) differ from {describe(d)}; "
                f"`g2 derive-scenario {path}` rewrites them",
                file=sys.stderr,
            )
            return 1
        print(f"{path}: current (stocks, levers and state are {describe(d)}, with its overrides)")
        return 0
    try:
        d = derive_scenario(path)
    except SaveError as exc:
        raise CliError(str(exc)) from None
    print(f"{path}: wrote stocks, levers and state: {describe(d)}, with its overrides")
    return 0


# `g2 play --opponent X` when X cannot play the other side, by that side
NOT_A_PLAYER = {
    "us": N_("--opponent {opponent} is not a us player; choose one of {choices} or human"),
    "china": N_("--opponent {opponent} is not a china player; choose one of {choices} or human"),
}


def cmd_play(args) -> int:
    from game.engine.api import SaveError
    from game.tui.defaults import default_save_dir
    from game.tui.session import Session

    save_dir = default_save_dir()  # $G2_SAVES or ./saves; never the folder a save is loaded from
    session = None
    if args.load:
        try:
            session = Session.load(args.load, save_dir=save_dir)
        except SaveError as exc:
            raise CliError(str(exc)) from None
    elif args.side or args.opponent or args.scenario or args.seed is not None:
        from game.ai import agent_names
        from game.ai.catalog import default_opponent
        from game.engine.data import load_data

        side = args.side or "us"
        other = other_side(side)
        opponent = args.opponent or default_opponent(side)
        if opponent != "human" and opponent.split(":")[0] not in (*agent_names(other), "planner"):
            raise CliError(
                _(NOT_A_PLAYER[other]).format(
                    opponent=repr(opponent), choices=", ".join(agent_names(other))
                )
            )
        scenario = args.scenario or DEFAULT_SCENARIO
        gd = load_data()
        if scenario not in gd.scenarios:
            if not Path(scenario).is_file():
                raise CliError(
                    _(
                        "unknown scenario {scenario}; see `g2 scenarios`, or give a scenario file"
                    ).format(scenario=repr(scenario))
                )
            from game.analysis.authoring import resolve_scenario

            gd, scenario = resolve_scenario(scenario, gd)  # a teacher's file (DataError: exit 2)
        try:
            session = Session.new(side, scenario, opponent, args.seed, save_dir, data=gd)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    if session is not None:
        session.facilitator = session.facilitator or args.facilitator
        session.team = args.team or session.team
    from game.tui.app import G2App

    G2App(session, save_dir=save_dir, facilitator=args.facilitator, team=args.team or "").run()
    return 0


# ----------------------------------------------------------------------------- parser


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help, with help texts wrapped by terminal columns (a Chinese character takes
    two): the same lines as argparse's own for English."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(" ".join(text.split()), width)


def _examples(*lines: str) -> str:
    """An epilog: "Examples:" in the current language, then the command lines as they are."""
    return "\n".join([_("Examples:"), *(f"  {line}" for line in lines)])


def _add_sweep(sub) -> None:
    from game.analysis.sweep import MODES, VARY_HELP

    s = sub.add_parser(
        "sweep",
        help=_("sensitivity analysis: rerun a matchup across values of uncertain parameters"),
        description=_(
            "Rerun one matchup while varying figures from data/params.yaml, with the\n"
            "same seed at every point (common random numbers), and rank the figures by effect."
        ),
        epilog=_examples(
            "g2 sweep --vary huawei_output_2025=40000:146000:5 --us hold --china hold",
            "g2 sweep --vary huawei_growth_q=x0.5:x2:4 --vary grey_q=4000,9000,20000 --mode grid",
            "g2 sweep --vary huawei_output_2025=40000:146000:5 --dask tcp://HOST:8786",
        ),
        formatter_class=_HelpFormatter,
    )
    s.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="NAME=SPEC",
        help=_("a parameter to vary (repeatable): {how}").format(how=VARY_HELP),
    )
    s.add_argument(
        "--us", default="random-persona", help=_("US agent or plan (default random-persona)")
    )
    s.add_argument(
        "--china", default="random-persona", help=_("China agent or plan (default random-persona)")
    )
    s.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help=_("scenario id (default {scenario})").format(scenario=DEFAULT_SCENARIO),
    )
    _whole(s, "--games", 1, default=1000, help=_("games per point (default 1000)"))
    _seed_option(s, default=1, help=_("seed used at every point (default 1)"))
    s.add_argument(
        "--mode",
        choices=MODES,
        default="oat",
        help=_("oat: each figure alone, others at base (default); grid: every combination"),
    )
    _whole(s, "--workers", 1, help=_("local processes (default: one per CPU; 1 = none)"))
    s.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=_("run the points on a Dask scheduler, e.g. tcp://HOST:8786 (uv sync --extra dask)"),
    )
    s.add_argument("--json", action="store_true", help=_("print the full result as JSON"))
    s.set_defaults(func=cmd_sweep)


def _add_sim(sub) -> None:
    """`g2 sim`: N seeded games and their summary."""
    s = sub.add_parser("sim", help=_("run N seeded games in vectorised batches and summarise them"))
    s.add_argument(
        "--us",
        default="hold",
        help=_(
            "US player: a persona (hawk, dealmaker, free-marketeer), random-persona, "
            "planner[:LEVEL], hold, a plan file, or a plan name in data/plans/"
        ),
    )
    s.add_argument(
        "--china",
        default="hold",
        help=_(
            "China player: a persona (self-reliance, pragmatist, efficiency-first), "
            "random-persona, planner[:LEVEL], hold, a plan file, or a plan name in data/plans/"
        ),
    )
    _whole(s, "--games", 1, default=1000, help=_("number of games (default 1000)"))
    _seed_option(s, default=1, help=_("batch seed (default 1)"))
    s.add_argument(
        "--scenario", default=DEFAULT_SCENARIO, help=_("scenario id (see `g2 scenarios`)")
    )
    s.add_argument("--json", action="store_true", help=_("print a machine-readable summary"))
    s.add_argument(
        "--out",
        help=_("write one row per game per quarter to FILE.csv or FILE.jsonl (game by game)"),
    )
    _whole(
        s,
        "--chunk",
        1,
        help=_(
            "games simulated at once (default 10000): memory grows with it; results do not "
            "depend on it (with the planner, its own search dice do)"
        ),
    )
    s.add_argument(
        "--track",
        metavar="METERS",
        help=_(
            "comma-separated meters to show quarter by quarter (median, p10-p90), e.g. "
            "nvidia_cn_share,capability_gap_months (see data/meters.yaml)"
        ),
    )
    s.set_defaults(func=cmd_sim)


def _add_analysis(sub) -> None:
    """`g2 calibrate`, `g2 tournament` and `g2 balance`."""
    from game.analysis import DESIGN_SCENARIOS

    c = sub.add_parser(
        "calibrate",
        help=_("check the model against the calibration targets (T1-T11, backtest T12 on)"),
    )
    _whole(c, "--runs", 1, help=_("games per target (default: data/calibration.yaml)"))
    _seed_option(c, help=_("seed (default: data/calibration.yaml)"))
    _whole(
        c,
        "--seeds",
        1,
        default=1,
        metavar="K",
        help=_(
            "run every target at K seeds (seed, seed+1, ...); a check passes only at all of them"
        ),
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_calibrate)

    t = sub.add_parser(
        "tournament",
        help=_(
            "every US persona against every China persona (and the planner): win rates and "
            "the balance verdict"
        ),
    )
    _whole(t, "--games", 1, default=1000, help=_("games per persona pairing (1000)"))
    _whole(
        t, "--planner-games", 0, default=200, help=_("games per planner pairing (200; 0 = skip)")
    )
    t.add_argument(
        "--planner", default="planner", help=_("planner or planner:LEVEL (default level)")
    )
    _seed_option(t, default=1, help=_("seed (default 1)"))
    t.add_argument(
        "--scenario", default=DEFAULT_SCENARIO, help=_("scenario id (see `g2 scenarios`)")
    )
    _whole(
        t,
        "--fixed-plan",
        0,
        default=0,
        metavar="GAMES",
        help=_(
            "add each side's best fixed plan, searched against its best persona with GAMES "
            "games per arm (g2 balance's plan search; e.g. 300; 0 = skip, the default)"
        ),
    )
    t.add_argument("--json", action="store_true", help=_("print the results as JSON"))
    t.set_defaults(func=cmd_tournament)

    b = sub.add_parser(
        "balance",
        help=_(
            "the design lab: move values, dice vs choices, fixed-plan search, agency by phase, "
            "early endings, checked against data/design.yaml"
        ),
        description=_(
            "Measure how much of a scenario's outcome its players decide, with paired seeds,\n"
            "and check the design targets in data/design.yaml. Progress goes to stderr, the "
            "report\nto stdout. Exit status: 0 every target met, 1 one failed, 2 bad input."
        ),
        epilog=_examples(
            "g2 balance --scenario 2025-deepseek-shock",
            "g2 balance --scenario my-scenario.yaml --games 600 --json",
        ),
        formatter_class=_HelpFormatter,
    )
    b.add_argument(
        "--scenario",
        action="append",
        metavar="S",
        help=_("a scenario id or file (repeatable; default: {scenarios})").format(
            scenarios=_(" and ").join(DESIGN_SCENARIOS)
        ),
    )
    _whole(b, "--games", 1, help=_("games per arm (default: data/design.yaml, 1200)"))
    _seed_option(b, help=_("seed (default: data/design.yaml)"))
    b.add_argument("--design", metavar="FILE", help=_("targets file (default data/design.yaml)"))
    b.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    b.set_defaults(func=cmd_balance)


def _add_listings(sub) -> None:
    """`g2 agents`, `g2 scenarios`, `g2 moves` and `g2 validate`."""
    a = sub.add_parser(
        "agents", help=_("list the AI players: personas, the planner and its levels")
    )
    a.add_argument("--side", choices=["us", "china"])
    a.set_defaults(func=cmd_agents)

    sub.add_parser("scenarios", help=_("list scenarios with their briefings")).set_defaults(
        func=cmd_scenarios
    )

    m = sub.add_parser("moves", help=_("list moves with costs, effects and sources"))
    m.add_argument("--side", choices=["us", "china"])
    m.set_defaults(func=cmd_moves)

    v = sub.add_parser(
        "validate", help=_("check data, scenario and plan files (all of data/ by default)")
    )
    v.add_argument("files", nargs="*")
    v.set_defaults(func=cmd_validate)


def _add_derive(sub) -> None:
    """`g2 derive-scenario`: a scenario's starting state from simulated games."""
    d = sub.add_parser(
        "derive-scenario",
        help=_(
            "write a scenario's stocks, levers and state from the games its `derived_from:` names"
        ),
        description=_(
            "Play the games a scenario file's `derived_from: {scenario, us, china, at, runs,\n"
            "seed}` names up to the start of `at`, and rewrite the file's `stocks:`, `levers:` "
            "and\n`state:` with their medians (the most common option for stances and tracks), "
            "rounded,\nwith the file's `overrides:` applied on top. The rest of the file is kept "
            "as written."
        ),
        epilog=_examples(
            "g2 derive-scenario data/scenarios/2026-h200-thaw.yaml",
            "g2 derive-scenario data/scenarios/2026-h200-thaw.yaml --check",
        ),
        formatter_class=_HelpFormatter,
    )
    d.add_argument("file", metavar="FILE", help=_("a scenario file with `derived_from:`"))
    d.add_argument(
        "--check",
        action="store_true",
        help=_("write nothing: list each value that differs beyond rounding and exit 1, or exit 0"),
    )
    d.set_defaults(func=cmd_derive_scenario)


def _add_play(sub) -> None:
    """`g2 play`: the terminal game."""
    pl = sub.add_parser("play", help=_("play in the terminal (the default with no command)"))
    pl.add_argument("--side", choices=["us", "china"], help=_("start straight in as this side"))
    pl.add_argument("--scenario", help=_("scenario id (see `g2 scenarios`) or a scenario file"))
    pl.add_argument(
        "--opponent",
        help=_("an AI (persona, planner[:LEVEL]; see `g2 agents`) or human (hot-seat)"),
    )
    _seed_option(pl, help=_("seed (default: random)"))
    pl.add_argument("--load", help=_("resume a save file"))
    pl.add_argument(
        "--facilitator",
        action="store_true",
        help=_(
            "run a classroom game: pause between quarters to inject events and reveal both "
            "sides; each side writes a rationale and a prediction when it ends its quarter"
        ),
    )
    pl.add_argument("--team", metavar="NAME", help=_("the team's name, kept in the save"))
    pl.set_defaults(func=cmd_play)


# ----------------------------------------------------------------------------- language


def _language_code(text: str) -> str:
    """--lang's type: a language G2 has ('zh', 'zh_CN', 'en'...) as its code."""
    try:
        return normalise(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_unknown_language(text)) from None


def _unknown_language(text: str) -> str:
    return _("--lang must be one of {choices}, not {value}").format(
        choices=", ".join(LANGS), value=repr(text)
    )


def _add_lang(parser, **kw) -> None:
    parser.add_argument(
        "--lang",
        type=_language_code,
        metavar="{" + ",".join(LANGS) + "}",
        help=_(
            "the language: en (English) or zh (Simplified Chinese), remembered for next time "
            "(default: $G2_LANG, else the remembered one, else en)"
        ),
        **kw,
    )


def _lang_flag(argv: list[str]) -> str | None:
    """The value of the last `--lang X` or `--lang=X` in `argv` (before any `--`), or None."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found


def _remembered_language() -> str | None:
    """The language the player chose last time (game.tui.prefs), or None."""
    from game.tui import prefs

    code = prefs.get("lang")
    try:
        return normalise(code) if isinstance(code, str) else None
    except ValueError:
        return None


def _remember_language(code: str) -> None:
    """Keep `code` as the player's language; a one-line warning when it cannot be saved."""
    from game.tui import prefs

    if prefs.get("lang") == code:
        return
    why = prefs.set("lang", code)
    if why:
        print(
            _("g2: warning: the language was not remembered: {reason}").format(reason=why),
            file=sys.stderr,
        )


def choose_language(argv: list[str]) -> str:
    """Set the language from `--lang` in `argv`, else $G2_LANG, else the remembered choice,
    else English; an explicit `--lang` is remembered. CliError for an unknown `--lang`."""
    from game.i18n import from_env

    flag = _lang_flag(argv)
    code = None
    if flag is not None:
        try:
            code = normalise(flag)
        except ValueError:
            set_language(from_env() or _remembered_language() or DEFAULT)
            raise CliError(_unknown_language(flag)) from None
    set_language(code or from_env() or _remembered_language() or DEFAULT)
    if code:
        _remember_language(code)
    return code or DEFAULT


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="g2",
        description=_(
            "G2: a turn-based wargame and policy simulator of the US-China AI compute race."
        ),
        epilog=_examples(
            "g2 sim --us hold --china hold --games 1000 --seed 1 --json",
            "g2 calibrate",
            "g2 moves --side china",
            "g2 validate data/scenarios/2025-deepseek-shock.yaml",
        ),
        formatter_class=_HelpFormatter,
    )
    _add_lang(p, default=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_sim, _add_analysis, _add_sweep, _add_listings, _add_derive, _add_play):
        add(sub)
    _add_classroom(sub)
    for command in sub.choices.values():  # `g2 play --lang zh` as well as `g2 --lang zh play`
        _add_lang(command, default=argparse.SUPPRESS)
        command.formatter_class = _HelpFormatter
    return p


def _add_classroom(sub) -> None:
    """The teacher's commands: a scenario template, briefing cards (game.analysis.brief), the
    debrief report and the class view (game.analysis.debrief, classview)."""
    from game.analysis.brief import add_brief_parser

    n = sub.add_parser(
        "new-scenario",
        help=_("write a commented scenario template that validates as it is"),
        description=_(
            "Write a new scenario for a class: a commented YAML template (both languages) that "
            "`g2 validate` accepts as it is. Edit it, validate it, check its balance with "
            "`g2 balance --scenario FILE`, print briefings with `g2 brief FILE`."
        ),
    )
    n.add_argument("name", metavar="NAME", help=_("the scenario's name (its id is made from it)"))
    n.add_argument("--out", metavar="FILE", help=_("write the template to FILE (default: print)"))
    n.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
    n.set_defaults(func=cmd_new_scenario)
    add_brief_parser(sub)
    try:
        from game.analysis.classview import add_class_parser
        from game.analysis.debrief import add_report_parser
    except ImportError:  # pragma: no cover - the debrief tools are optional parts of a checkout
        return
    add_report_parser(sub)
    add_class_parser(sub)
    from game.rooms.serve import add_join_parser, add_serve_parser  # the class in the browser

    add_serve_parser(sub)
    add_join_parser(sub)


def main(argv: list[str] | None = None) -> int:
    from game.engine.plans import MoveError
    from game.engine.yamlsrc import DataError

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        choose_language(argv)  # before the parser: its help is in the chosen language
    except CliError as exc:
        print(_("g2: error: {message}").format(message=exc), file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None)
    if lang and lang != language():  # an abbreviated flag (`--la zh`) the pre-scan missed
        set_language(lang)
        _remember_language(lang)
    if not getattr(args, "func", None):
        if sys.stdin.isatty() and sys.stdout.isatty():
            args = parser.parse_args(["play"])  # `g2` alone starts the game
        else:
            parser.print_help()
            print("\n" + _("(run `g2` in a terminal to play)"))
            return 0
    try:
        check_whole_options(args)
        return args.func(args)
    except (CliError, DataError, MoveError) as exc:
        print(
            _("g2 {command}: error: {message}").format(command=args.command, message=exc),
            file=sys.stderr,
        )
        return 2
    except BrokenPipeError:  # e.g. `g2 moves | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
