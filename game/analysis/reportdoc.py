"""The pieces the debrief report and the class view share: a small document model (sections,
paragraphs, tables, lists, figures) written out as one self-contained HTML page (inline CSS and
SVG, A4 print styles) or as Markdown; the score's and the meters' words in the current language;
the cleaning of text a save carries; atomic writing; and the CLI's common options.

Light to import (the CLI builds its parser from the modules that use it).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.i18n import _, language, meter_value, set_language
from game.i18n import score_text as i18n_score_text

FORMATS = ("md", "html")
MAX_TEXT = 300  # characters of any one text a save carries (a rationale, a team name)


class ReportError(ValueError):
    """A report cannot be made (a bad argument, a save that cannot be read); one line."""


# ----------------------------------------------------------------------------- language and numbers


@contextlib.contextmanager
def language_as(lang: str | None) -> Iterator[str]:
    """Everything inside is shown in `lang` (None: the current language); the language before is
    restored after."""
    before = language()
    try:
        yield set_language(lang or before)
    finally:
        set_language(before)


def favours(points: float) -> str:
    """'us', 'china' or '' (shows as 0.0): as game.engine.api.favours, without importing it."""
    if round(abs(points), 1) == 0:
        return ""
    return "us" if points > 0 else "china"


def score_text(points: float) -> str:
    """US-positive score points labelled with the side they favour: 'US +3.6', 'China +1.3',
    'even 0.0' (美国 +3.6 / 中国 +1.3 in Chinese): the game's one convention for scores."""
    return i18n_score_text(points, side=favours(points))


def side_label(side: str) -> str:
    return _("US") if side == "us" else _("China")


def side_title(side: str) -> str:
    return _("the United States") if side == "us" else _("China")


def side_subject(side: str) -> str:
    """The side as a sentence starts with it."""
    return _("The United States") if side == "us" else _("China")


def meter_text(x: float, fmt: str) -> str:
    """A meter's value as the game shows it (game.i18n.meter_value)."""
    return meter_value(x, fmt)


def change_text(x: float, fmt: str) -> str:
    """A signed change of a meter: '+0.4 mo', '−1.2%', '−12k'."""
    sign = "+" if x >= 0 else "−"
    return sign + meter_text(abs(x), fmt).lstrip("+")


def clean_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """A text a save carries, as one printable line of at most `limit` characters; None when it
    is not text."""
    if not isinstance(value, str):
        return None
    out = "".join(ch if ch.isprintable() else " " for ch in value[: 4 * limit]).strip()
    out = re.sub(r"\s+", " ", out)
    return out[: limit - 1] + "…" if len(out) > limit else out


def clean_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def localised(value: Any) -> str | None:
    """A text field that is a string or {en, zh} (the scenario schema's form), in the language."""
    if isinstance(value, dict):
        return clean_text(value.get(language())) or clean_text(value.get("en"))
    return clean_text(value)


# ----------------------------------------------------------------------------- a small document model


@dataclass
class Strong:
    text: Any  # Inline


@dataclass
class Tone:
    """Text coloured by the side it favours ('us', 'china' or '')."""

    text: str
    side: str


@dataclass
class Break:
    """A line break inside a table cell (HTML); Markdown writes ' · ' (its tables are one line)."""


Inline = str | Strong | Tone | Break | list  # a list of the others


@dataclass
class Para:
    content: Inline
    cls: str = ""


@dataclass
class Table:
    header: list[str]
    rows: list[list[Inline]]
    numeric: tuple[int, ...] = ()  # right-aligned columns (never wrapped)
    cls: str = ""
    nowrap: tuple[int, ...] = ()  # columns never wrapped


@dataclass
class Bullets:
    items: list[Inline]


@dataclass
class Figure:
    """A chart: `draw()` makes it as a standalone SVG document, only when a page shows it (a
    Markdown report printed without its charts never draws them)."""

    key: str
    title: str
    draw: Callable[[], str]
    caption: str = ""
    _svg: str | None = field(default=None, repr=False)

    @property
    def svg(self) -> str:
        if self._svg is None:
            self._svg = self.draw()
        return self._svg


@dataclass
class Section:
    title: Inline
    blocks: list[Any]
    level: int = 2
    cls: str = ""


@dataclass
class Document:
    title: str
    meta: list[Inline]
    sections: list[Section]
    footer: str = ""

    def figures(self) -> list[Figure]:
        out: list[Figure] = []

        def walk(blocks):
            for b in blocks:
                if isinstance(b, Figure):
                    out.append(b)
                elif isinstance(b, Section):
                    walk(b.blocks)

        walk(self.sections)
        return out


def fill(template: str, **parts: Inline) -> list[Inline]:
    """A translated template with its {placeholders} filled by inline parts (bold text, a
    coloured score), so a sentence is translated whole rather than in pieces."""
    out: list[Inline] = []
    for piece in re.split(r"(\{\w+\})", template):
        name = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else None
        if name is not None and name in parts:
            out.append(parts[name])
        elif piece:
            out.append(piece)
    return out


def labelled(label: str, value: Inline) -> list[Inline]:
    """'**Team**: Red' (a label in bold, then its value)."""
    return fill(_("{label}: {value}"), label=Strong(label), value=value)


def scored(points: float) -> Tone:
    return Tone(score_text(points), favours(points))


def score_range(p: Sequence[float]) -> str:
    """'p10 China +3.0 to p90 US +5.2'."""
    return _("p10 {low} to p90 {high}").format(low=score_text(p[0]), high=score_text(p[2]))


def short_range(p: Sequence[float]) -> str:
    """A p10–p90 range in a table cell: 'China +3.0 … US +5.2'."""
    return f"{score_text(p[0])} … {score_text(p[2])}"


# ----------------------------------------------------------------------------- rendering: HTML


CSS = """
:root { --us: #1f4e9c; --cn: #c0392b; --ink: #1f2328; --muted: #5f6670; --rule: #d8dce0;
  --soft: #f4f6f8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue",
  Arial, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: var(--ink);
  max-width: 52rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.5; font-size: 11pt; }
:lang(zh) body, body:lang(zh) { font-family: "Noto Sans CJK SC", "Noto Sans SC",
  "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
.meta { color: var(--muted); margin: 0 0 1rem; padding: 0; list-style: none; }
.meta li { display: inline-block; margin-right: 1.2rem; }
.us { color: var(--us); font-weight: 600; }
.china { color: var(--cn); font-weight: 600; }
.note { color: var(--muted); font-size: .9rem; }
.lead { font-size: 1.08rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap, th.nowrap { white-space: nowrap; }
table.compact { width: auto; min-width: 55%; }
table.ranking { font-size: .85rem; }
table.grid { font-size: .8rem; }
table.grid td:first-child { white-space: nowrap; }
figure { margin: 1rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
svg.chart { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .2rem; }
section.quarter { border-left: 3px solid var(--rule); padding: .1rem 0 .1rem .8rem;
  margin: .9rem 0; break-inside: avoid; page-break-inside: avoid; }
section.quarter h3 { margin-top: .2rem; }
section.quarter ul { margin: .2rem 0; padding-left: 1.1rem; }
footer { margin-top: 2.5rem; padding-top: .5rem; border-top: 1px solid var(--rule);
  color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2, h3, h4, .lead-in { break-after: avoid; page-break-after: avoid; }
  section.newpage { break-before: page; page-break-before: always; }
  tr, li, figure, section.quarter, .keep { break-inside: avoid; page-break-inside: avoid; }
  table.ranking { font-size: .8rem; }
  thead { display: table-header-group; }
  p { orphans: 3; widows: 3; }
}
"""


def _html_inline(x: Inline) -> str:
    if isinstance(x, list):
        return "".join(_html_inline(p) for p in x)
    if isinstance(x, Strong):
        return f"<strong>{_html_inline(x.text)}</strong>"
    if isinstance(x, Tone):
        cls = f' class="{x.side}"' if x.side else ""
        return f"<span{cls}>{html.escape(x.text)}</span>"
    if isinstance(x, Break):
        return "<br>"
    return html.escape(str(x))


def _html_block(b: Any) -> str:
    from game.analysis.svgcharts import inline

    if isinstance(b, Para):
        cls = f' class="{b.cls}"' if b.cls else ""
        return f"<p{cls}>{_html_inline(b.content)}</p>"
    if isinstance(b, Bullets):
        items = "".join(f"<li>{_html_inline(i)}</li>" for i in b.items)
        return f"<ul>{items}</ul>"
    if isinstance(b, Table):

        def cell(tag: str, i: int, x: Inline) -> str:
            cls = ' class="num"' if i in b.numeric else ' class="nowrap"' if i in b.nowrap else ""
            return f"<{tag}{cls}>{_html_inline(x)}</{tag}>"

        head = "".join(cell("th", i, h) for i, h in enumerate(b.header))
        body = "".join(
            "<tr>" + "".join(cell("td", i, x) for i, x in enumerate(row)) + "</tr>"
            for row in b.rows
        )
        cls = f' class="{b.cls}"' if b.cls else ""
        return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(b, Figure):
        cap = f"<figcaption>{html.escape(b.caption)}</figcaption>" if b.caption else ""
        return f'<figure id="chart-{b.key}">{inline(b.svg)}{cap}</figure>'
    if isinstance(b, Section):
        tag = f"h{min(b.level, 6)}"
        cls = f' class="{b.cls}"' if b.cls else ""
        inner = "\n".join(_html_block(x) for x in b.blocks)
        return f"<section{cls}><{tag}>{_html_inline(b.title)}</{tag}>\n{inner}</section>"
    raise TypeError(f"not a block: {b!r}")


def to_html(doc: Document) -> str:
    """One self-contained page: inline CSS and SVG, nothing fetched from anywhere."""
    lang = "zh-Hans" if language() == "zh" else "en"
    meta = "".join(f"<li>{_html_inline(m)}</li>" for m in doc.meta)
    body = "\n".join(_html_block(s) for s in doc.sections)
    footer = f"<footer>{html.escape(doc.footer)}</footer>" if doc.footer else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{html.escape(doc.title)}</h1>\n<ul class="meta">{meta}</ul></header>\n'
        f"<main>\n{body}\n</main>\n{footer}\n</body>\n</html>\n"
    )


# ----------------------------------------------------------------------------- rendering: Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: str) -> str:
    """Text shown as itself in Markdown (no emphasis, links, HTML or table breaks from a save)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _md_inline(x: Inline) -> str:
    if isinstance(x, list):
        return "".join(_md_inline(p) for p in x)
    if isinstance(x, Strong):
        return f"**{_md_inline(x.text)}**"
    if isinstance(x, Tone):
        return md_escape(x.text)
    if isinstance(x, Break):
        return " · "
    return md_escape(str(x))


def _md_block(b: Any, files: dict[str, str] | None) -> str:
    if isinstance(b, Para):
        text = _md_inline(b.content)
        return f"*{text}*" if b.cls == "note" else text
    if isinstance(b, Bullets):
        return "\n".join(f"- {_md_inline(i)}" for i in b.items)
    if isinstance(b, Table):
        head = "| " + " | ".join(md_escape(h) for h in b.header) + " |"
        rule = "|" + "|".join("---:" if i in b.numeric else "---" for i in range(len(b.header)))
        rows = ["| " + " | ".join(_md_inline(x) for x in row) + " |" for row in b.rows]
        return "\n".join([head, rule + "|", *rows])
    if isinstance(b, Figure):
        if files is None:
            return (
                "*"
                + md_escape(
                    _(
                        "Chart “{title}” left out: charts are written as .svg files beside a "
                        "report written to a file (--out)."
                    ).format(title=b.title)
                )
                + "*"
            )
        cap = f"\n\n*{md_escape(b.caption)}*" if b.caption else ""
        return f"![{md_escape(b.title)}]({files[b.key]}){cap}"
    if isinstance(b, Section):
        inner = "\n\n".join(_md_block(x, files) for x in b.blocks)
        return f"{'#' * min(b.level, 6)} {_md_inline(b.title)}\n\n{inner}"
    raise TypeError(f"not a block: {b!r}")


def to_markdown(doc: Document, files: dict[str, str] | None = None) -> str:
    """The document in Markdown; `files` maps each chart's key to the .svg file it is written to
    (None: the charts are left out, with a note)."""
    parts = [f"# {md_escape(doc.title)}", "\n".join(f"- {_md_inline(m)}" for m in doc.meta)]
    parts += [_md_block(s, files) for s in doc.sections]
    if doc.footer:
        parts.append(f"---\n\n*{md_escape(doc.footer)}*")
    return "\n\n".join(parts) + "\n"


def render_document(
    make: Callable[[Any], Document],
    source: Any,
    fmt: str,
    lang: str | None,
    chart_files: dict[str, str] | None = None,
) -> tuple[str, dict[str, str]]:
    """`make(source)`'s document as text in `fmt` and `lang`: (the text, {chart key: standalone
    SVG}). HTML holds its charts inline; Markdown links each chart to its file in `chart_files`
    and returns the charts to be written there, or without `chart_files` leaves them out with a
    note (and never draws them)."""
    check_format(fmt)
    with language_as(lang):
        doc = make(source)
        if fmt == "html":
            return to_html(doc), {}
        text = to_markdown(doc, chart_files)
        if chart_files is None:
            return text, {}
        return text, {f.key: f.svg for f in doc.figures() if f.key in chart_files}


def axis_score(v: float) -> str:
    """A score axis tick: 'US +10', 'China +10', '0'."""
    if abs(v) < 1e-9:
        return "0"
    return f"{side_label('us' if v > 0 else 'china')} +{abs(v):g}"


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportError(_("unknown format {format}: choose md or html").format(format=repr(fmt)))


def chart_names(out: Path, keys: Sequence[str]) -> dict[str, str]:
    """The .svg file of each chart beside a Markdown report `out`: report-score.svg, …"""
    return {k: f"{out.stem}-{k}.svg" for k in keys}


def write_text(path: Path, text: str) -> Path:
    """Write a text file atomically (a temp file beside it, then a rename)."""
    import os

    from game.engine.api import write_atomic

    written = write_atomic(path, lambda fh: fh.write(text), verb="write")
    with contextlib.suppress(OSError):  # a report is to be shared: readable as any new file is
        os.chmod(written, 0o644)
    return written


def write_document(
    text: str, svgs: dict[str, str], files: dict[str, str] | None, out: Path
) -> list[Path]:
    """Write the charts (each beside `out`), then the report: every file atomically."""
    written = []
    for key, name in (files or {}).items():
        if key in svgs:
            written.append(write_text(out.parent / name, svgs[key]))
    written.insert(0, write_text(out, text))
    return written


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            _("{text} is not a whole number of at least 1").format(text=repr(text))
        )
    return value


def fail(command: str, message: object) -> int:
    """One line on stderr, exit status 2."""
    from game.engine.api import one_line

    print(
        _("g2 {command}: error: {message}").format(
            command=command, message=one_line(str(message), 600)
        ),
        file=sys.stderr,
    )
    return 2


def add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help=_(
            "md (Markdown) or html (one self-contained page); default: from --out's suffix, else md"
        ),
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help=_(
            "write the report to FILE (Markdown: each chart as an .svg file beside it); default: print it"
        ),
    )


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.out is not None and args.out.suffix.lower() in (".html", ".htm"):
        return "html"
    return "md"


def wrote_message(written: Sequence[Path]) -> str:
    """'wrote debrief.html', or 'wrote debrief.md and 7 charts beside it'."""
    if len(written) > 1:
        return _("wrote {path} and {n} charts beside it").format(
            path=written[0], n=len(written) - 1
        )
    return _("wrote {path}").format(path=written[0])
