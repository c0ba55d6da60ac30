"""The ``objectmatch`` command line: ``demo``, ``rank``, ``assess`` and ``schema``.

Exit codes: 0 done; 2 bad input (a missing or unreadable file, invalid JSON or CSV, a
missing field, a wrong type, an unknown function, a bad option), with one line per problem
naming the file, row and field and never a traceback; 3 the request is infeasible (no
programme meets the constraints: the status explains why, and the output is still written);
1 an unexpected internal error. ``docs/cli.md`` has the full reference.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from pydantic import ValidationError
    from rich.console import Console

    from objectmatch.culture import NeighbourhoodProfile
    from objectmatch.io import InputError
    from objectmatch.models import Building, Candidate
    from objectmatch.results import MatchResult

__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3

FORMATS = ("table", "json", "csv", "markdown", "html")
ASSESS_FORMATS = ("table", "json", "csv", "markdown")
SCHEMAS = ("building", "candidate", "candidates", "constraints", "weights", "profile", "result", "all")
#: Problems listed per input file before "... and N more".
MAX_LISTED = 20
#: Width of tables written to a file or a pipe.
PIPE_WIDTH = 120


class UserError(Exception):
    """A mistake in the user's input: one line per problem, shown without a traceback."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = [" ".join(str(line).split()) for line in lines] or ["invalid input"]
        super().__init__("\n".join(self.lines))


# -- argument types -----------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}") from None
    if not (0.0 <= value <= 1.0):
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {value:g}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _picture(text: str) -> str:
    from objectmatch.report.plots import SAVE_FORMATS

    if Path(text).suffix.lower() not in SAVE_FORMATS:
        raise argparse.ArgumentTypeError(f"expected a file name ending in {', '.join(SAVE_FORMATS)}, got {text!r}")
    return text


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


# -- the parser ---------------------------------------------------------------------------------


def _match_options(parser: argparse.ArgumentParser, default_format: str = "table") -> None:
    parser.add_argument("--top", type=_positive_int, default=3, metavar="K", help="programmes to return (default 3)")
    parser.add_argument("--min-occupancy", type=_share, default=None, metavar="X",
                        help="share of the lettable area to let, 0..1 (default 0.8, or the constraints file's)")
    parser.add_argument("--constraints", metavar="FILE",
                        help="Constraints as JSON (see `objectmatch schema constraints`)")
    parser.add_argument("--weights", metavar="FILE", help="score Weights as JSON (see `objectmatch schema weights`)")
    parser.add_argument("--time-limit", type=_seconds, default=None, metavar="S",
                        help="seconds for the search (default: up to 20 s for small pools, 0.8 s for large ones)")
    parser.add_argument("--seed", type=_seed, default=0, metavar="N", help="random seed (default 0)")
    parser.add_argument("--format", choices=FORMATS, default=default_format,
                        help=f"output format (default {default_format})")
    parser.add_argument("--out", metavar="FILE", help="write the output to FILE instead of standard output")
    parser.add_argument("--plot", metavar="FILE", type=_picture,
                        help="also save the best programme's stacking plan (.png, .svg, .pdf)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``objectmatch`` command.

    Examples
    --------
    >>> args = build_parser().parse_args(["rank", "building.json", "pool.csv", "--top", "5"])
    >>> args.command, args.top, args.format
    ('rank', 5, 'table')
    """
    from objectmatch import __version__

    parser = argparse.ArgumentParser(
        prog="objectmatch",
        description="Reposition vacant buildings: ranked tenant programmes that fit the object and each other.",
        epilog="exit codes: 0 done, 2 bad input, 3 infeasible request (no programme), 1 internal error",
    )
    parser.add_argument("--version", action="version", version=f"objectmatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser("demo", help="the bundled example end to end: programmes, breakdown, positioning, SWOT",
                          description="Match the bundled example (Radarhuis, Amsterdam Sloterdijk) and show the top "
                          "programmes, their score breakdown and the best one's positioning and SWOT.")
    _match_options(demo)

    rank = sub.add_parser("rank", help="rank tenant programmes for a building and a candidate pool",
                          description="Rank tenant programmes for BUILDING (JSON or CSV) from CANDIDATES "
                          "(JSON, CSV or TSV).")
    rank.add_argument("building", metavar="BUILDING", help="building file (.json, or .csv with one row per floor)")
    rank.add_argument("candidates", metavar="CANDIDATES", help="candidate pool (.json, .csv or .tsv)")
    rank.add_argument("--profile", metavar="FILE",
                      help="neighbourhood profile as JSON (NeighbourhoodProfile): adds positioning, SWOT, outreach")
    _match_options(rank)

    assess = sub.add_parser("assess", help="what can this building become? potential per use function",
                            description="Transformation potential of BUILDING per use function (objectmatch.assess).")
    assess.add_argument("building", metavar="BUILDING", help="building file (.json or .csv)")
    assess.add_argument("--format", choices=ASSESS_FORMATS, default="table", help="output format (default table)")
    assess.add_argument("--out", metavar="FILE", help="write the output to FILE instead of standard output")

    schema = sub.add_parser("schema", help="JSON Schema of the input and output models, for tooling",
                            description="Print the JSON Schema of a model (pydantic model_json_schema).")
    schema.add_argument("model", nargs="?", choices=SCHEMAS, default="all", help="which model (default all)")
    schema.add_argument("--out", metavar="FILE", help="write the schema to FILE instead of standard output")
    return parser


# -- reading inputs -------------------------------------------------------------------------------


def _check_file(path: Path, what: str) -> None:
    if not path.exists():
        raise UserError([f"{path}: {what} file not found"])
    if path.is_dir():
        raise UserError([f"{path}: is a directory, expected a {what} file"])


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _input_error_lines(exc: InputError, path: Path) -> list[str]:
    table = path.suffix.lower() in (".csv", ".tsv")
    lines = []
    for e in exc.errors[:MAX_LISTED]:
        head = [str(path)]
        if e.get("row") is not None:
            head.append(f"row {e['row']}" + (f" (line {e['row'] + 2})" if table else ""))
        if e.get("id"):
            head.append(f"id {e['id']!r}")
        if e.get("field"):
            head.append(f"field {e['field']!r}")
        value = f"value {_short(e['value'])}: " if e.get("value") is not None else ""
        lines.append(f"{', '.join(head)}: {value}{e.get('message')}")
    if len(exc.errors) > MAX_LISTED:
        lines.append(f"{path}: ... and {len(exc.errors) - MAX_LISTED} more problems")
    return lines


def _validation_lines(exc: ValidationError, path: Path) -> list[str]:
    lines = []
    errors = exc.errors()
    for e in errors[:MAX_LISTED]:
        loc = ".".join(str(part) for part in e["loc"])
        where = f"{path}, field {loc!r}" if loc else str(path)
        shown = "" if e["type"] in ("missing", "json_invalid") else f"input {_short(e.get('input'))}: "
        message = e["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {shown}{message}")
    if len(errors) > MAX_LISTED:
        lines.append(f"{path}: ... and {len(errors) - MAX_LISTED} more problems")
    return lines


@contextlib.contextmanager
def _reading(path: Path, what: str) -> Iterator[None]:
    """Turn every way reading ``path`` can fail on the user's side into a :class:`UserError`."""
    from pydantic import ValidationError

    from objectmatch.io import InputError

    _check_file(path, what)
    try:
        yield
    except InputError as exc:
        raise UserError(_input_error_lines(exc, path)) from None
    except ValidationError as exc:
        raise UserError(_validation_lines(exc, path)) from None
    except UnicodeDecodeError as exc:
        raise UserError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise UserError([f"{path}: cannot read the {what} file: {exc.strerror or exc}"]) from None
    except ValueError as exc:  # e.g. an extension that names no format
        raise UserError([f"{path}: {exc}"]) from None


def _read_building(name: str) -> Building:
    from objectmatch.io import read_building

    path = Path(name)
    with _reading(path, "building"):
        return read_building(path)
    raise AssertionError("unreachable")  # pragma: no cover


def _read_candidates(name: str) -> list[Candidate]:
    from objectmatch.io import read_candidates

    path = Path(name)
    with _reading(path, "candidates"):
        pool = read_candidates(path)
        if not pool:
            raise UserError([f"{path}: the candidate pool is empty"])
        return pool
    raise AssertionError("unreachable")  # pragma: no cover


def _read_model(name: str, model: Any, what: str) -> Any:
    path = Path(name)
    with _reading(path, what):
        return model.model_validate_json(path.read_text(encoding="utf-8-sig"))
    raise AssertionError("unreachable")  # pragma: no cover


# -- writing outputs ------------------------------------------------------------------------------


@contextlib.contextmanager
def _output(out: str | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    path = Path(out)
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise UserError([f"{path}: cannot write the output file: {exc.strerror or exc}"]) from None
    with handle:
        yield handle
    print(f"objectmatch: wrote {path}", file=sys.stderr)


def _console(stream: TextIO) -> Console:
    from rich.console import Console

    terminal = stream.isatty()
    return Console(file=stream, width=None if terminal else PIPE_WIDTH, highlight=False, soft_wrap=False,
                   force_terminal=None if terminal else False)


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


# -- rich tables -----------------------------------------------------------------------------------


def _programme_title(programme: Any, index: int) -> str:
    return (
        f"[bold]Programme #{programme.rank or index}[/]: score {programme.score:.3f}, occupancy "
        f"{programme.occupancy:.0%}, {len(programme.placements)} tenants, functions {', '.join(programme.functions)}"
    )


def _programme_table(programme: Any, building: Building, candidates: Sequence[Candidate]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    from objectmatch.report import floor_table, function_colour

    table = Table()
    table.add_column("level", justify="right")
    table.add_column("tenant")
    table.add_column("function")
    table.add_column("m²", justify="right")
    frame = floor_table(programme, building, candidates)
    last = None
    for level, cid, name, fn, area in zip(
        frame["level"], frame["candidate"], frame["name"], frame["function"], frame["area"], strict=True
    ):
        if last is not None and level != last:
            table.add_section()
        shown = str(level) if level != last else ""
        last = level
        if cid:
            swatch = f"[{function_colour(fn)}]■[/] "
            table.add_row(shown, f"{swatch}{escape(name)}", escape(fn), f"{area:,.0f}")
        else:
            table.add_row(shown, "[dim italic]vacant[/]", "", f"[dim]{area:,.0f}[/]")
    return table


def _breakdown_rich(programmes: Sequence[Any]) -> Any:
    from rich.table import Table

    from objectmatch.report import breakdown_table
    from objectmatch.report._common import signed

    frame = breakdown_table(programmes)
    labels = [f"#{p.rank or i}" for i, p in enumerate(programmes, start=1)]
    table = Table()
    table.add_column("component")
    table.add_column("weight", justify="right")
    for lb in labels:
        table.add_column(f"{lb} value", justify="right")
        table.add_column(f"{lb} contrib.", justify="right")
    for name, row in frame.iterrows():
        if name == "total":
            table.add_section()
        cells = [str(name), "" if math.isnan(row["weight"]) else f"{row['weight']:.2f}"]
        for lb in labels:
            value, contrib = row[f"{lb} value"], row[f"{lb} contribution"]
            cells.append(f"{value:.3f}")
            cells.append(f"[bold]{contrib:.3f}[/]" if name == "total" else signed(contrib))
        table.add_row(*cells)
    return table


def _print_culture(console: Console, programme: Any, building: Building, candidates: Sequence[Candidate],
                   profile: NeighbourhoodProfile) -> None:
    from rich.markup import escape
    from rich.padding import Padding
    from rich.text import Text

    from objectmatch.culture import outreach, positioning, swot

    def item(text: str) -> None:
        console.print(Padding(Text(f"- {text}"), (0, 0, 0, 4)))

    rank = f" #{programme.rank}" if programme.rank else ""
    console.print()
    console.print(f"[bold]Positioning of programme{rank}[/]")
    console.print(Text(positioning(programme, building, candidates, profile).summary))
    sw = swot(programme, building, candidates, profile)
    console.print()
    console.print(f"[bold]SWOT of programme{rank}[/] (against the neighbourhood {escape(profile.name)})")
    for title, items in (("Strengths", sw.strengths), ("Weaknesses", sw.weaknesses),
                         ("Opportunities", sw.opportunities), ("Threats", sw.threats)):
        console.print(f"  [bold]{title}[/]")
        if not items:
            item("none found")
        for it in items[:3]:
            item(it.text)
        if len(items) > 3:
            console.print(f"    [dim]... and {len(items) - 3} more[/]")
    reach = outreach(programme, building, profile, top=3, candidates=candidates)
    if reach.targets:
        console.print()
        console.print(f"[bold]Outreach for {reach.vacant_area:,.0f} m² vacant[/]")
        for target in reach.targets:
            item(target.why)


def _print_table(stream: TextIO, result: MatchResult, building: Building, candidates: Sequence[Candidate],
                 top: int, profile: NeighbourhoodProfile | None, heading: str) -> None:
    from rich.markup import escape

    console = _console(stream)
    console.print(f"[bold]{escape(heading)}[/]")
    console.print(
        f"{len(building.floors)} floors, {building.lettable_area:,.0f} m² lettable, "
        f"{escape(building.location.neighbourhood)}; {len(candidates)} candidates"
    )
    programmes = list(result.programmes[:top])
    for i, p in enumerate(programmes, start=1):
        console.print()
        console.print(_programme_title(p, i))
        console.print(_programme_table(p, building, candidates))
    if programmes:
        console.print()
        console.print("[bold]Score breakdown[/]: each component's value in [0, 1] and its contribution "
                      "(weight x value) to the score")
        console.print(_breakdown_rich(programmes))
    console.print()
    status = result.status
    colour = {"optimal": "green", "feasible": "cyan", "infeasible": "red"}[status.code]
    console.print(f"[bold {colour}]Status: {status.code}[/]. {escape(status.message)} ({status.wall_time:.2f} s)")
    for reason in status.reasons:
        if reason != status.message:
            console.print(f"  - {escape(reason)}")
    if programmes and profile is not None:
        _print_culture(console, programmes[0], building, candidates, profile)


# -- commands ---------------------------------------------------------------------------------------


def _constraints(args: argparse.Namespace) -> Any:
    from objectmatch.constraints import Constraints

    base = _read_model(args.constraints, Constraints, "constraints") if args.constraints else Constraints()
    if args.min_occupancy is not None:
        base = Constraints.model_validate({**base.model_dump(), "min_occupancy": args.min_occupancy})
    return base


def _match(
    building: Building,
    candidates: Sequence[Candidate],
    args: argparse.Namespace,
    profile: NeighbourhoodProfile | None = None,
) -> MatchResult:
    from objectmatch.scoring import Weights
    from objectmatch.solve import match

    constraints = _constraints(args)
    weights = _read_model(args.weights, Weights, "weights") if args.weights else None
    network = None
    if profile is not None:
        # With a neighbourhood profile, shared identity runs through its identity network (issue 5):
        # related identities ("sport" and "health") count as shared.
        from objectmatch.culture import IdentityNetwork

        network = IdentityNetwork.from_profile(profile, candidates)
    err = sys.stderr
    try:
        if err.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
            with Progress(*columns, console=Console(file=err), transient=True) as progress:
                progress.add_task(f"matching {len(candidates)} candidates to {len(building.floors)} floors", total=None)
                return match(building, candidates, k=args.top, constraints=constraints, weights=weights,
                             time_limit=args.time_limit, seed=args.seed, network=network)
        return match(building, candidates, k=args.top, constraints=constraints, weights=weights,
                     time_limit=args.time_limit, seed=args.seed, network=network)
    except ValueError as exc:  # a request match() refuses, e.g. an unknown id in must_include
        raise UserError([str(exc)]) from None


def _write_result(args: argparse.Namespace, result: MatchResult, building: Building, candidates: Sequence[Candidate],
                  profile: NeighbourhoodProfile | None, heading: str) -> int:
    fmt = args.format
    if args.plot and result.best is not None:
        from objectmatch.report import stacking_plan

        try:
            stacking_plan(result.best, building, candidates, path=args.plot)
        except OSError as exc:
            raise UserError([f"{args.plot}: cannot write the picture: {exc.strerror or exc}"]) from None
        print(f"objectmatch: wrote {args.plot}", file=sys.stderr)
    with _output(args.out) as stream:
        if fmt == "table":
            _print_table(stream, result, building, candidates, args.top, profile, heading)
        elif fmt == "json":
            stream.write(result.model_dump_json(indent=2) + "\n")
        elif fmt == "csv":
            stream.write(result.to_frame(candidates).to_csv(index=False, lineterminator="\n"))
        elif fmt == "markdown":
            from objectmatch.report import to_markdown

            images = link = None
            if args.out is not None and result.programmes:
                target = Path(args.out)
                images = target.with_name(f"{target.stem}_img")
                link = images.name
            stream.write(to_markdown(result, building, candidates, profile=profile, top=args.top, images=images,
                                     link=link) + "\n")
        else:
            from objectmatch.report import to_html

            stream.write(to_html(result, building, candidates, profile=profile, top=args.top))
    if not result.status.feasible or not result.programmes:
        print(f"objectmatch: no programme meets the request: {result.status.message}", file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from objectmatch.culture import example_profile
    from objectmatch.datasets import load_example

    building, candidates = load_example()
    profile = example_profile()
    result = _match(building, candidates, args, profile)
    return _write_result(args, result, building, candidates, profile,
                         f"objectmatch demo: tenant programmes for {building.name}")


def _cmd_rank(args: argparse.Namespace) -> int:
    from objectmatch.culture import NeighbourhoodProfile

    building = _read_building(args.building)
    candidates = _read_candidates(args.candidates)
    profile = _read_model(args.profile, NeighbourhoodProfile, "profile") if args.profile else None
    result = _match(building, candidates, args, profile)
    return _write_result(args, result, building, candidates, profile, f"Tenant programmes for {building.name}")


def _cmd_assess(args: argparse.Namespace) -> int:
    from objectmatch.assess import profile

    building = _read_building(args.building)
    frame = profile(building)
    with _output(args.out) as stream:
        if args.format == "json":
            stream.write(json.dumps(_frame_records(frame), indent=2, ensure_ascii=False) + "\n")
        elif args.format == "csv":
            stream.write(frame.to_csv(index=False, lineterminator="\n"))
        elif args.format == "markdown":
            from objectmatch.report.markdown import markdown_table

            rows = [[r.function, r.verdict, f"{r.potential:.2f}", f"{r.location:.2f}", f"{r.building:.2f}",
                     r.deciding] for r in frame.itertuples()]
            header = ["function", "verdict", "potential", "location", "building", "deciding"]
            stream.write(f"# What can {building.name} become?\n\n" + markdown_table(header, rows, "llrrrl") + "\n")
        else:
            from rich.markup import escape
            from rich.table import Table

            colours = {"suitable": "green", "conditionally suitable": "yellow", "not suitable": "red"}
            table = Table()
            for name, justify in (("function", "left"), ("verdict", "left"), ("potential", "right"),
                                  ("location", "right"), ("building", "right"), ("deciding", "left")):
                table.add_column(name, justify=justify)  # type: ignore[arg-type]
            for r in frame.itertuples():
                table.add_row(escape(str(r.function)), f"[{colours.get(str(r.verdict), 'white')}]{r.verdict}[/]",
                              f"{r.potential:.2f}", f"{r.location:.2f}", f"{r.building:.2f}",
                              escape(str(r.deciding)))
            console = _console(stream)
            console.print(f"[bold]What can {escape(building.name)} become?[/] Transformation potential per use "
                          "function, highest first")
            console.print(table)
    return EXIT_OK


def schema(model: str) -> dict[str, Any]:
    """The JSON Schema of ``model`` (one of :data:`SCHEMAS`; ``all``: every one, by name).

    Examples
    --------
    >>> schema("constraints")["properties"]["min_occupancy"]["maximum"]
    1
    """
    from pydantic import TypeAdapter

    from objectmatch.constraints import Constraints
    from objectmatch.culture import NeighbourhoodProfile
    from objectmatch.models import Building, Candidate
    from objectmatch.results import MatchResult
    from objectmatch.scoring import Weights

    makers: Mapping[str, Any] = {
        "building": Building.model_json_schema,
        "candidate": Candidate.model_json_schema,
        "candidates": TypeAdapter(list[Candidate]).json_schema,
        "constraints": Constraints.model_json_schema,
        "weights": Weights.model_json_schema,
        "profile": NeighbourhoodProfile.model_json_schema,
        "result": lambda: MatchResult.model_json_schema(mode="serialization"),
    }
    if model == "all":
        return {name: make() for name, make in makers.items()}
    if model not in makers:
        raise ValueError(f"unknown schema {model!r}; choose from {', '.join(SCHEMAS)}")
    result: dict[str, Any] = makers[model]()
    return result


def _cmd_schema(args: argparse.Namespace) -> int:
    with _output(args.out) as stream:
        stream.write(json.dumps(schema(args.model), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


_COMMANDS = {"demo": _cmd_demo, "rank": _cmd_rank, "assess": _cmd_assess, "schema": _cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Examples
    --------
    >>> main(["schema", "weights", "--out", os.devnull])
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except UserError as exc:
        for line in exc.lines:
            print(f"objectmatch: error: {line}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("objectmatch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
