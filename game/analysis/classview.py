"""The class view: several teams' games of one scenario side by side.

    from game.analysis.classview import compare
    html = compare(["saves/red.json", "saves/blue.json"], fmt="html", lang="zh")

It holds a results table (each team: the side it played, its opponent, the final score, the result
and the score's largest part), a chart of the teams' score paths, and where the teams' choices
diverged: the first quarter where their moves differ, then every quarter's moves team by team.
Saves of different scenarios are refused (ClassViewError). A team is its save's `extra.team`, else
the file's name. The CLI's `g2 class` is `add_class_parser`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.analysis.reportdoc import (
    Break,
    Document,
    Figure,
    Inline,
    Para,
    ReportError,
    Section,
    Strong,
    Table,
    add_output_options,
    axis_score,
    chart_names,
    check_format,
    fail,
    fill,
    labelled,
    output_format,
    render_document,
    score_text,
    scored,
    side_label,
    side_subject,
    write_document,
    wrote_message,
)
from game.i18n import _, language, tc

SIDES = ("us", "china")
MAX_TEAMS = 40


class ClassViewError(ReportError):
    """Saves that cannot be compared (none given, different scenarios); one line."""


@dataclass
class ClassView:
    records: list[Any]  # debrief.Record, one per team, in the order given
    teams: list[str]  # each record's team name (made unique)

    @property
    def game(self):
        return self.records[0].game


def load_class(save_paths: Sequence[str | Path]) -> ClassView:
    """Read and replay every save (SaveError for a bad one, naming it); ClassViewError when none
    is given or they are of different scenarios (or of one scenario id with different game data,
    e.g. a scenario file changed between teams)."""
    from game.analysis.debrief import load_record

    paths = [Path(p) for p in save_paths]
    if not paths:
        raise ClassViewError(_("no saves to compare"))
    if len(paths) > MAX_TEAMS:
        raise ClassViewError(
            _("at most {n} saves can be compared, not {given}").format(
                n=MAX_TEAMS, given=len(paths)
            )
        )
    records = [load_record(p) for p in paths]
    scenarios = {r.scenario for r in records}
    if len(scenarios) > 1:
        which = "; ".join(f"{r.path.name}: {r.scenario}" for r in records)
        raise ClassViewError(
            _(
                "the saves are of different scenarios ({which}); a class view compares games of "
                "one scenario"
            ).format(which=which)
        )
    digests = {r.game.data.digest for r in records}
    if len(digests) > 1:
        raise ClassViewError(
            _(
                "the saves are of scenario {scenario} but with different game data (was its file "
                "changed between games?); a class view compares games of one scenario"
            ).format(scenario=records[0].scenario)
        )
    names = [r.team for r in records]
    teams = [
        f"{name} ({r.path.name})" if names.count(name) > 1 else name
        for name, r in zip(names, records, strict=True)
    ]
    return ClassView(records, teams)


def move_set(rec: Any, i: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    q = rec.quarters[i]
    return tuple(sorted(q.moves["us"])), tuple(sorted(q.moves["china"]))


def first_divergence(cv: ClassView) -> int | None:
    """The index of the first quarter where the teams' moves (both sides') differ, over the
    quarters every team played; None when they played the same moves throughout."""
    common = min(len(r.quarters) for r in cv.records)
    for i in range(common):
        if len({move_set(r, i) for r in cv.records}) > 1:
            return i
    return None


def _result(game) -> str:
    from game.analysis.debrief import RESULT_WORDS

    return _(RESULT_WORDS[game.result]) if game.result else _("not finished")


def _biggest_part(game) -> Inline:
    parts = sorted(game.score_breakdown(), key=lambda p: -abs(p["points"]))
    if not parts:
        return ""
    return f"{tc(parts[0]['part'])} ({score_text(parts[0]['points'])})"


def _quarter_names(cv: ClassView) -> list[str]:
    from game.engine.data import quarter_name

    longest = max(len(r.quarters) for r in cv.records)
    start = cv.game.data.scenarios[cv.records[0].scenario].start
    return [quarter_name(start + i) for i in range(longest)]


def document(cv: ClassView) -> Document:
    """The class view's content in the current language: the results, the score paths, and
    where the teams' choices diverged."""
    sc = cv.game.data.scenarios[cv.records[0].scenario]
    seeds = sorted({r.seed for r in cv.records})
    quarters = _quarter_names(cv)
    return Document(
        _("Class view: {scenario}").format(scenario=tc(sc.name)),
        [
            labelled(_("Teams"), str(len(cv.records))),
            labelled(_("Scenario"), cv.records[0].scenario),
            labelled(_("Seeds"), ", ".join(map(str, seeds))),
        ],
        [_results(cv), _score_paths(cv, quarters), _divergence(cv, quarters, seeds)],
        _("Made by G2 from {files}.").format(
            files=", ".join(r.path.name for r in cv.records[:10])
            + (" …" if len(cv.records) > 10 else "")
        ),
    )


def _results(cv: ClassView) -> Section:
    """A row a team: side, opponent, seed, quarters, final score, result, the score's largest part."""
    from game.analysis.debrief import opponent_title

    rows = []
    for team, r in zip(cv.teams, cv.records, strict=True):
        other = "china" if r.side == "us" else "us"
        rows.append(
            [
                Strong(team),
                side_subject(r.side),
                opponent_title(r.opponent, other),
                str(r.seed),
                f"{len(r.quarters)}",
                scored(r.game.meters["score"]),
                _result(r.game),
                _biggest_part(r.game),
            ]
        )
    return Section(
        _("Results"),
        [
            Table(
                [
                    _("Team"),
                    _("Side"),
                    _("Opponent"),
                    _("Seed"),
                    _("Quarters"),
                    _("Final score"),
                    _("Result"),
                    _("The score's largest part"),
                ],
                rows,
                numeric=(3, 4, 5),
                nowrap=(6,),
            )
        ],
    )


def _score_paths(cv: ClassView, quarters: list[str]) -> Section:
    """Every team's score, quarter by quarter, on one chart with the draw zone."""
    from game.analysis.debrief import win_margin
    from game.analysis.svgcharts import Line, line_chart

    game = cv.game
    x = [_("start"), *quarters]
    lines = [Line(team, r.scores()) for team, r in zip(cv.teams, cv.records, strict=True)]
    title = _("The score, team by team")
    return Section(
        _("Score paths"),
        [
            Figure(
                "scores",
                title,
                lambda: line_chart(
                    "scores",
                    title,
                    x,
                    lines,
                    zero=True,
                    yfmt=axis_score,
                    legend_below=len(lines) > 3,
                    hband=(-win_margin(game), win_margin(game), _("draw zone")),
                ),
                _("Up: towards the US; down: towards China."),
            )
        ],
    )


def _divergence(cv: ClassView, quarters: list[str], seeds: list[int]) -> Section:
    """The first quarter the teams' moves differed, and every team's moves quarter by quarter."""
    first = first_divergence(cv)
    blocks: list[Any] = []
    if len(cv.records) < 2:
        blocks.append(Para(_("Only one game: nothing to compare it with."), "note"))
    elif first is None:
        blocks.append(Para(_("The teams played the same moves in every quarter they all played.")))
    else:
        blocks.append(
            Para(
                fill(
                    _(
                        "The teams' moves first differed in {quarter}. Before that they played "
                        "the same moves."
                    )
                    if first
                    else _("The teams' moves differed from the first quarter, {quarter}."),
                    quarter=Strong(quarters[first]),
                )
            )
        )
    if len(seeds) > 1:
        blocks.append(
            Para(
                _(
                    "The games were played with different seeds ({seeds}): their dice differed "
                    "too, so the same moves need not have had the same effects."
                ).format(seeds=", ".join(map(str, seeds))),
                "note",
            )
        )
    blocks.append(Table([_("Quarter"), *cv.teams], _moves_grid(cv, quarters, first), cls="grid"))
    return Section(_("Where the choices diverged"), blocks, cls="newpage")


def _moves_grid(cv: ClassView, quarters: list[str], first: int | None) -> list[list[Inline]]:
    """A row a quarter, a cell a team: both sides' moves and the score after."""
    from game.analysis.debrief import moves_words

    grid = []
    for i, quarter in enumerate(quarters):
        row: list[Inline] = [Strong(quarter) if i == first else quarter]
        for r in cv.records:
            if i >= len(r.quarters):
                row.append("")
                continue
            q = r.quarters[i]
            cell: list[Any] = []
            for side in (r.side, "china" if r.side == "us" else "us"):
                cell += fill(
                    _("{side}: {moves}"),
                    side=Strong(side_label(side)),
                    moves=moves_words(r.game, q.moves[side]),
                )
                cell.append(Break())
            cell += fill(_("score {score}"), score=scored(q.score_after))
            row.append(cell)
        grid.append(row)
    return grid


def render(cv: ClassView, fmt: str = "html", lang: str | None = None, chart_files=None):
    """(text, {chart key: standalone SVG}) as debrief.render."""
    return render_document(document, cv, fmt, lang, chart_files)


def write_view(cv: ClassView, fmt: str, lang: str | None, out: Path) -> list[Path]:
    """Write the class view to `out` (Markdown: its chart as an .svg file beside it), atomically;
    returns the files written, `out` first."""
    files = chart_names(out, ("scores",)) if fmt == "md" else None
    text, svgs = render(cv, fmt, lang, files)
    return write_document(text, svgs, files, out)


def compare(
    save_paths: Sequence[str | Path],
    fmt: str = "md",
    lang: str | None = None,
    out: str | Path | None = None,
) -> str | Path:
    """Several teams' saves of one scenario compared, in `fmt` ('md' or 'html') and `lang` (None:
    the current language). Returns the text, or with `out` writes it there (and the chart beside a
    Markdown file) and returns the path. Raises ClassViewError for saves of different scenarios
    and SaveError for a save that cannot be read."""
    check_format(fmt)
    cv = load_class(save_paths)
    if out is None:
        return render(cv, fmt, lang)[0]
    return write_view(cv, fmt, lang, Path(out))[0]


# ----------------------------------------------------------------------------- the CLI's glue


def add_class_parser(subparsers) -> argparse.ArgumentParser:
    """`g2 class SAVE... [--format md|html] [--out FILE]`; `--lang` is the one every g2 command
    takes (the CLI adds it)."""
    p = subparsers.add_parser(
        "class",
        help=_("compare several teams' saved games of one scenario"),
        description=_(
            "Several teams' games of one scenario side by side: the results, the score paths and "
            "where the teams' choices diverged."
        ),
    )
    p.add_argument("saves", metavar="SAVE", nargs="+", type=Path, help=_("saved games (.json)"))
    add_output_options(p)
    p.set_defaults(func=run_class)
    return p


def run_class(args: argparse.Namespace) -> int:
    from game.engine.api import SaveError

    fmt = output_format(args)
    lang = getattr(args, "lang", None) or language()
    try:
        cv = load_class(args.saves)
        if args.out is None:
            sys.stdout.write(render(cv, fmt, lang)[0])
            return 0
        written = write_view(cv, fmt, lang, args.out)
    except (SaveError, ReportError, OSError) as exc:
        return fail("class", exc)
    print(wrote_message(written))
    return 0
