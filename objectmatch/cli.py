"""The ``objectmatch`` command line: ``demo``, ``rank``, ``scenarios``, ``assess`` and ``schema``.

This module parses arguments, reads the inputs, calls :func:`objectmatch.match` (or
:func:`objectmatch.scenarios`) with the options as keyword arguments, and hands the result to
:mod:`objectmatch.report`: a report is built once as a document and rendered for the terminal,
as Markdown or as HTML there.

Exit codes: 0 done; 2 bad input (a missing or unreadable file, invalid JSON or CSV, a
missing field, a wrong type, an unknown function, a bad option, an output file that exists
or is one of the inputs), with one line per problem naming the file, row and field and never
a traceback; 3 the request is infeasible (no programme meets the constraints: the status
explains why, and the output is still written); 1 an unexpected internal error.
``docs/cli.md`` has the full reference.

Outputs are written atomically (:func:`objectmatch.io.atomic_write`): a failure never leaves
a half-written file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from pydantic import ValidationError
    from rich.console import Console

    from objectmatch.culture import NeighbourhoodProfile, Participation
    from objectmatch.io import InputError
    from objectmatch.models import Building, Candidate
    from objectmatch.report import Document
    from objectmatch.results import MatchResult, ScenarioSet

__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3

FORMATS = ("table", "json", "csv", "markdown", "html")
ASSESS_FORMATS = ("table", "json", "csv", "markdown")
#: ``--out`` suffixes of the rendered reports, and the format each one is.
REPORT_SUFFIXES: dict[str, str] = {".txt": "table", ".md": "markdown", ".markdown": "markdown", ".html": "html",
                                   ".htm": "html"}
SCHEMAS = ("building", "candidate", "candidates", "constraints", "weights", "profile", "result", "scenarios", "all")
#: Problems listed per input file before "... and N more".
MAX_LISTED = 20
#: Width of tables written to a file or a pipe.
PIPE_WIDTH = 120
#: Programmes a report shows by default (``--show``).
SHOWN = 3
#: Programmes ``demo`` asks for: the README's ``om.match(building, pool, k=5, ...)``.
DEMO_K = 5


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


def _common_options(parser: argparse.ArgumentParser, default_format: str = "table") -> None:
    """Options of every command that matches: constraints, weights, the neighbourhood, time, seed, output."""
    parser.add_argument("--min-occupancy", type=_share, default=None, metavar="X",
                        help="share of the lettable area to let, 0..1 (default 0.8, or the constraints file's)")
    parser.add_argument("--constraints", metavar="FILE",
                        help="Constraints as JSON (see `objectmatch schema constraints`)")
    parser.add_argument("--weights", metavar="FILE", help="score Weights as JSON (see `objectmatch schema weights`)")
    parser.add_argument("--profile", metavar="FILE",
                        help="neighbourhood profile as JSON (NeighbourhoodProfile): its DNA and identity network "
                        "enter the score; adds positioning, SWOT and outreach to the report")
    parser.add_argument("--participation", metavar="FILE",
                        help="a participation round (.csv, .tsv, .xlsx, .parquet or .json, as "
                        "objectmatch.io.read_participation reads): the support and objection terms, and the "
                        "report's section on what the neighbourhood asked for")
    parser.add_argument("--time-limit", type=_seconds, default=None, metavar="S",
                        help="seconds of work per match (default: objectmatch.match's, from the pool's size)")
    parser.add_argument("--seed", type=_seed, default=None, metavar="N", help="random seed (default 0)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help=f"output format (default {default_format}; with --out, the file's suffix decides)")
    parser.add_argument("--out", metavar="FILE",
                        help="write the output to FILE instead of standard output: a report (.txt, .md, .html) or "
                        "the result as data (.json, .csv, .tsv, .parquet, .xlsx)")
    _force_option(parser)


def _match_options(parser: argparse.ArgumentParser, k: int) -> None:
    parser.add_argument("--top", type=_positive_int, default=k, metavar="K",
                        help=f"programmes to find (objectmatch.match's k; default {k})")
    parser.add_argument("--show", type=_positive_int, default=SHOWN, metavar="N",
                        help=f"programmes the report shows side by side (default {SHOWN})")
    parser.add_argument("--plot", metavar="FILE", type=_picture,
                        help="also save the best programme's stacking plan (.png, .svg, .pdf)")
    _common_options(parser)


def _force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="replace output files that exist already")


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("building", metavar="BUILDING", help="building file (.json, .csv, .tsv, .parquet, .xlsx)")
    parser.add_argument("candidates", metavar="CANDIDATES", help="candidate pool (.json, .csv, .tsv, .parquet, .xlsx)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``objectmatch`` command.

    Examples
    --------
    >>> args = build_parser().parse_args(["rank", "building.json", "pool.csv", "--top", "5", "--out", "r.xlsx"])
    >>> args.command, args.top, args.out, args.force
    ('rank', 5, 'r.xlsx', False)
    >>> build_parser().parse_args(["scenarios", "b.json", "c.json", "--leads", "office", "residential"]).leads
    ['office', 'residential']
    """
    from objectmatch import __version__

    parser = argparse.ArgumentParser(
        prog="objectmatch",
        description="Reposition vacant buildings: ranked tenant programmes that fit the object and each other.",
        epilog="exit codes: 0 done, 2 bad input, 3 infeasible request (no programme), 1 internal error",
    )
    parser.add_argument("--version", action="version", version=f"objectmatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser("demo", help="the bundled example end to end, as the README's Python block runs it",
                          description="Match the bundled example (Radarhuis, Amsterdam Sloterdijk) with its "
                          "neighbourhood profile and participation round, exactly as the README's Python block does, "
                          "and show the report: programmes, money, the neighbourhood's voice, score breakdown.")
    _match_options(demo, DEMO_K)

    rank = sub.add_parser("rank", help="rank tenant programmes for a building and a candidate pool",
                          description="Rank tenant programmes for BUILDING from CANDIDATES.")
    _inputs(rank)
    _match_options(rank, SHOWN)

    scen = sub.add_parser("scenarios", help="compare leading functions: each one's best programme side by side",
                          description="One match per leading function (objectmatch.scenarios): the best programme "
                          "in which that function holds the largest share, compared in one table.")
    _inputs(scen)
    scen.add_argument("--leads", nargs="+", metavar="FUNCTION",
                      help="leading functions to compare (default: every function the building suits and the pool "
                      "can fill)")
    _common_options(scen)

    assess = sub.add_parser("assess", help="what can this building become? potential per use function",
                            description="Transformation potential of BUILDING per use function (objectmatch.assess).")
    assess.add_argument("building", metavar="BUILDING", help="building file (.json or .csv)")
    assess.add_argument("--format", choices=ASSESS_FORMATS, default=None,
                        help="output format (default table; with --out, the file's suffix decides)")
    assess.add_argument("--out", metavar="FILE", help="write the output to FILE instead of standard output "
                        "(.txt, .md, .json, .csv, .tsv, .parquet, .xlsx)")
    _force_option(assess)

    schema = sub.add_parser("schema", help="JSON Schema of the input and output models, for tooling",
                            description="Print the JSON Schema of a model (pydantic model_json_schema).")
    schema.add_argument("model", nargs="?", choices=SCHEMAS, default="all", help="which model (default all)")
    schema.add_argument("--out", metavar="FILE", help="write the schema to FILE (.json) instead of standard output")
    _force_option(schema)
    return parser


# -- reading inputs -------------------------------------------------------------------------------


def _check_file(path: Path, what: str) -> None:
    if not path.exists():
        raise UserError([f"{path}: {what} file not found"])
    if path.is_dir():
        raise UserError([f"{path}: is a directory, expected a {what} file"])


def _input_error_lines(exc: InputError, path: Path) -> list[str]:
    from objectmatch.io._errors import short

    unit = "sheet row" if path.suffix.lower() == ".xlsx" else "line"
    lines = []
    for e in exc.errors[:MAX_LISTED]:
        head = [str(path)]
        if e.get("row") is not None:
            head.append(f"row {e['row']}" + (f" ({unit} {e['line']})" if e.get("line") is not None else ""))
        if e.get("id"):
            head.append(f"id {e['id']!r}")
        if e.get("field"):
            head.append(f"field {e['field']!r}")
        value = f"value {short(e['value'], 60)}: " if e.get("value") is not None else ""
        lines.append(f"{', '.join(head)}: {value}{e.get('message')}")
    if len(exc.errors) > MAX_LISTED:
        lines.append(f"{path}: ... and {len(exc.errors) - MAX_LISTED} more problems")
    return lines


def _validation_lines(exc: ValidationError, path: Path) -> list[str]:
    from objectmatch.io._errors import short, shorten_message

    lines = []
    errors = exc.errors()
    for e in errors[:MAX_LISTED]:
        loc = ".".join(str(part) for part in e["loc"])
        where = f"{path}, field {loc!r}" if loc else str(path)
        shown = "" if e["type"] in ("missing", "json_invalid") else f"input {short(e.get('input'), 60)}: "
        message = shorten_message(e["msg"].removeprefix("Value error, "))
        lines.append(f"{where}: {shown}{message}")
    if len(errors) > MAX_LISTED:
        lines.append(f"{path}: ... and {len(errors) - MAX_LISTED} more problems")
    return lines


def _show_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    from objectmatch.io import InputWarning

    for w in caught:
        if issubclass(w.category, InputWarning):
            print(f"objectmatch: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


@contextlib.contextmanager
def _reading(path: Path, what: str) -> Iterator[None]:
    """Turn every way reading ``path`` can fail on the user's side into a :class:`UserError`;
    show what the reader warned about (a file that is not UTF-8) as one line each."""
    from pydantic import ValidationError

    from objectmatch.io import InputError, InputWarning

    _check_file(path, what)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always", InputWarning)
            caught = recorded
            yield
    except InputError as exc:
        raise UserError(_input_error_lines(exc, path)) from None
    except ValidationError as exc:
        raise UserError(_validation_lines(exc, path)) from None
    except UnicodeDecodeError as exc:
        raise UserError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise UserError([f"{path}: cannot read the {what} file: {exc.strerror or exc}"]) from None
    except ValueError as exc:  # e.g. a suffix that names no format
        raise UserError([f"{path}: {exc}"]) from None
    finally:
        _show_warnings(caught)


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
    from objectmatch.io._json import model_from_json
    from objectmatch.io._text import decode

    path = Path(name)
    with _reading(path, what):
        return model_from_json(decode(path.read_bytes(), path.name), model, path.name)
    raise AssertionError("unreachable")  # pragma: no cover


def _read_profile(name: str | None) -> NeighbourhoodProfile | None:
    from objectmatch.culture import NeighbourhoodProfile

    return _read_model(name, NeighbourhoodProfile, "profile") if name else None


def _read_participation(name: str | None) -> Participation | None:
    if not name:
        return None
    from objectmatch.io import read_participation

    path = Path(name)
    with _reading(path, "participation"):
        return read_participation(path)
    raise AssertionError("unreachable")  # pragma: no cover


# -- writing outputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """Where the output goes (``None``: standard output) and in what format."""

    path: Path | None
    format: str


def _result_suffixes() -> dict[str, str]:
    from objectmatch.io import formats

    return {**REPORT_SUFFIXES, **{suffix: suffix[1:] for suffix in formats()["result"]}}


def _assess_suffixes() -> dict[str, str]:
    from objectmatch.io import formats

    return {".txt": "table", ".md": "markdown", ".markdown": "markdown", ".json": "json",
            **{suffix: suffix[1:] for suffix in formats()["table"]}}


def _target(args: argparse.Namespace, suffixes: Mapping[str, str], default: str) -> _Target:
    """The output of a command: ``--out``'s suffix names its format, which ``--format`` may repeat, not contradict."""
    chosen = getattr(args, "format", None)
    if args.out is None:
        return _Target(None, chosen or default)
    path = Path(args.out)
    suffix = path.suffix.lower()
    fmt = suffixes.get(suffix)
    if fmt is None:
        raise UserError([f"{path}: cannot tell the output format from the suffix {suffix or '(none)'!r}; "
                         f"known suffixes: {', '.join(suffixes)}"])
    if chosen is not None and chosen != fmt:
        raise UserError([f"--format {chosen} does not match --out {path} (a {suffix} file is written as "
                         f"{fmt}); leave out --format, or change the suffix"])
    return _Target(path, fmt)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def _check_outputs(outputs: Sequence[Path], inputs: Sequence[str | None], force: bool) -> None:
    """Before any work: never write onto an input, nor twice to one file, nor over a file unless ``--force``."""
    problems = []
    for i, out in enumerate(outputs):
        onto = [name for name in inputs if name is not None and _same_file(out, Path(name))]
        twice = [other for other in outputs[:i] if _same_file(out, other)]
        if onto:
            problems.append(f"{out}: refusing to write the output onto the input file {onto[0]}; choose another name")
        elif twice:
            problems.append(f"{out}: named for two outputs; give each its own file")
        elif out.is_dir():
            problems.append(f"{out}: is a directory, expected an output file name")
        elif not out.parent.is_dir():
            problems.append(f"{out}: cannot write the output file: the directory {out.parent} does not exist")
        elif out.exists() and not force:
            problems.append(f"{out}: exists already; pass --force to replace it")
    if problems:
        raise UserError(problems)


def _write_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write one output file (atomically, by ``write``); a failure is the user's to fix, without a traceback."""
    try:
        write(path)
    except OSError as exc:
        raise UserError([f"{path}: cannot write the output file: {exc.strerror or exc}"]) from None
    print(f"objectmatch: wrote {path}", file=sys.stderr)


@contextlib.contextmanager
def _output(out: Path | None) -> Iterator[TextIO]:
    """Standard output, or a buffer that becomes the file ``out`` (atomically) when the block ends without error."""
    if out is None:
        yield sys.stdout
        return
    from objectmatch.io import atomic_write

    buffer = io.StringIO()
    yield buffer

    def write(path: Path) -> None:
        with atomic_write(path) as handle:
            handle.write(buffer.getvalue())

    _write_file(out, write)


def _console(stream: TextIO) -> Console:
    terminal = stream.isatty()
    return _pipe_console()(file=stream, width=None if terminal else PIPE_WIDTH, highlight=False, soft_wrap=False,
                           force_terminal=None if terminal else False)


def _pipe_console() -> type[Console]:
    """A rich Console that lets a closed pipe (``| head``) reach :func:`main`: rich's own handler exits with 1."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return PipeConsole


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


# -- matching -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _spinner(message: str) -> Iterator[None]:
    """A rich spinner with the elapsed time on standard error while work runs; only when it is a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=sys.stderr), transient=True) as progress:
        progress.add_task(message, total=None)
        yield


def _constraints(args: argparse.Namespace) -> Any:
    """The constraints file, with ``--min-occupancy`` over it; None when neither is given."""
    from objectmatch.constraints import Constraints

    if not args.constraints and args.min_occupancy is None:
        return None
    base = _read_model(args.constraints, Constraints, "constraints") if args.constraints else Constraints()
    if args.min_occupancy is not None:
        base = Constraints.model_validate({**base.model_dump(), "min_occupancy": args.min_occupancy})
    return base


def _check_must_include(must_include: Iterable[str], candidates: Sequence[Candidate], source: str | None) -> None:
    """A must_include id that names no candidate is a typo in the input (exit 2), not an infeasible request."""
    from objectmatch.io._errors import suggest

    known = [c.id for c in candidates]
    where = f"{source}, field 'must_include'" if source else "must_include"
    lines = []
    for cid in sorted(set(must_include) - set(known)):
        hint = suggest(cid, known)
        lines.append(f"{where}: value {cid!r}: no candidate in the pool has this id"
                     + (f"; did you mean {hint!r}?" if hint else ""))
    if lines:
        raise UserError(lines)


def _options(args: argparse.Namespace, candidates: Sequence[Candidate], profile: NeighbourhoodProfile | None,
             participation: Participation | None) -> dict[str, Any]:
    """The keyword arguments for :func:`objectmatch.match`: only those the command line sets, so that
    everything else keeps the library's defaults."""
    from objectmatch.scoring import Weights

    options: dict[str, Any] = {}
    if getattr(args, "top", None) is not None:
        options["k"] = args.top
    constraints = _constraints(args)
    if constraints is not None:
        _check_must_include(constraints.must_include, candidates, args.constraints)
        options["constraints"] = constraints
    if args.weights:
        options["weights"] = _read_model(args.weights, Weights, "weights")
    if args.time_limit is not None:
        options["time_limit"] = args.time_limit
    if args.seed is not None:
        options["seed"] = args.seed
    if profile is not None:
        options["profile"] = profile
    if participation is not None:
        options["participation"] = participation
    return options


def _solve(work: Callable[[], Any], message: str) -> Any:
    """Run a match (behind a spinner); an option or request it refuses is the user's to fix (exit 2)."""
    try:
        with _spinner(message):
            return work()
    except ValueError as exc:  # InvalidParameterError and the requests match() refuses
        raise UserError([str(exc)]) from None


# -- rendering ------------------------------------------------------------------------------------


def _render(stream: TextIO, target: _Target, doc: Document) -> None:
    """A report document in the target's format: the terminal's tables, Markdown (pictures beside the file) or HTML."""
    from objectmatch.report import images_folder, render_html, render_markdown, to_terminal

    with _spinner("rendering the report"):
        if target.format == "table":
            to_terminal(doc, _console(stream))
        elif target.format == "markdown":
            folder = images_folder(target.path) if target.path is not None else None
            stream.write(render_markdown(doc, images=folder, link=folder.name if folder is not None else None))
        else:
            stream.write(render_html(doc))


def _save_plot(path: Path, programme: Any, building: Building, candidates: Sequence[Candidate]) -> None:
    from objectmatch.report import save_figure, stacking_plan

    figure = stacking_plan(programme, building, candidates)

    def write(target: Path) -> None:
        save_figure(figure, target)  # atomically

    _write_file(path, write)


def _write_result(args: argparse.Namespace, target: _Target, result: MatchResult, title: str) -> int:
    """The result in the target's format (data, or a report showing ``--show`` programmes); exit 3 if infeasible."""
    if args.plot and result.best is not None:
        _save_plot(Path(args.plot), result.best, result.building, result.candidates)
    if target.path is not None and target.format not in REPORT_SUFFIXES.values():
        from objectmatch.io import write_result

        _write_file(target.path, lambda path: write_result(result, path, candidates=result.candidates))
    else:
        with _output(target.path) as stream:
            if target.format == "json":
                stream.write(result.model_dump_json(indent=2) + "\n")
            elif target.format == "csv":
                stream.write(result.to_frame().to_csv(index=False, lineterminator="\n"))
            else:
                from objectmatch.report import document

                _render(stream, target, document(result, top=args.show, title=title))
    if not result.status.feasible or not result.programmes:
        print(f"objectmatch: no programme meets the request: {result.status.message}", file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK


def _write_scenarios(target: _Target, scenarios: ScenarioSet) -> int:
    """The scenario comparison as data or a report; exit 3 when no lead gives a programme."""
    if target.path is not None and target.format in ("csv", "tsv", "parquet", "xlsx"):
        from objectmatch.io import write_frame

        _write_file(target.path, lambda path: write_frame(scenarios.to_frame(), path))
    else:
        with _output(target.path) as stream:
            if target.format == "json":
                stream.write(scenarios.model_dump_json(indent=2) + "\n")
            elif target.format == "csv":
                stream.write(scenarios.to_frame().to_csv(index=False, lineterminator="\n"))
            else:
                from objectmatch.report import scenario_document

                _render(stream, target, scenario_document(scenarios))
    if not any(s.programme is not None for s in scenarios):
        print("objectmatch: no leading function gives a programme that meets the request", file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK


# -- commands ---------------------------------------------------------------------------------------


def _result_target(args: argparse.Namespace, inputs: Sequence[str | None]) -> _Target:
    """The output of ``rank`` or ``demo``, checked before any work is done."""
    from objectmatch.report import images_folder

    target = _target(args, _result_suffixes(), "table")
    outputs = [p for p in (target.path, Path(args.plot) if args.plot else None) if p is not None]
    _check_outputs(outputs, inputs, args.force)
    if target.path is not None and target.format == "markdown" and images_folder(target.path).exists() \
            and not args.force:
        raise UserError([f"{images_folder(target.path)}: the pictures folder of {target.path} exists already; "
                         "pass --force to replace its pictures"])
    return target


def _option_files(args: argparse.Namespace) -> list[str | None]:
    return [args.constraints, args.weights, args.profile, args.participation]


def _cmd_demo(args: argparse.Namespace) -> int:
    from objectmatch.culture import example_participation, example_profile
    from objectmatch.datasets import load_example
    from objectmatch.solve import match

    target = _result_target(args, _option_files(args))
    building, pool = load_example()
    profile = _read_profile(args.profile)
    participation = _read_participation(args.participation)
    options = _options(args, pool, profile if profile is not None else example_profile(),
                       participation if participation is not None else example_participation())
    result = _solve(lambda: match(building, pool, **options), f"matching {len(pool)} candidates to {building.name}")
    return _write_result(args, target, result, f"objectmatch demo: tenant programmes for {building.name}")


def _cmd_rank(args: argparse.Namespace) -> int:
    from objectmatch.solve import match

    target = _result_target(args, [args.building, args.candidates, *_option_files(args)])
    building = _read_building(args.building)
    pool = _read_candidates(args.candidates)
    options = _options(args, pool, _read_profile(args.profile), _read_participation(args.participation))
    result = _solve(lambda: match(building, pool, **options),
                    f"matching {len(pool)} candidates to {len(building.floors)} floors")
    return _write_result(args, target, result, f"Tenant programmes for {building.name}")


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from objectmatch.io import formats
    from objectmatch.solve import scenarios

    suffixes = {**REPORT_SUFFIXES, ".json": "json", **{suffix: suffix[1:] for suffix in formats()["table"]}}
    target = _target(args, suffixes, "table")
    _check_outputs([target.path] if target.path is not None else [], [args.building, args.candidates,
                                                                       *_option_files(args)], args.force)
    building = _read_building(args.building)
    pool = _read_candidates(args.candidates)
    options = _options(args, pool, _read_profile(args.profile), _read_participation(args.participation))
    found = _solve(lambda: scenarios(building, pool, leads=args.leads, **options),
                   f"one match per leading function for {building.name}")
    return _write_scenarios(target, found)


def _render_assessment(stream: TextIO, target: _Target, building: Building, frame: pd.DataFrame) -> None:
    if target.format == "json":
        stream.write(json.dumps(_frame_records(frame), indent=2, ensure_ascii=False) + "\n")
    elif target.format == "csv":
        stream.write(frame.to_csv(index=False, lineterminator="\n"))
    else:
        from objectmatch.report import assessment_document

        _render(stream, target, assessment_document(building, frame))


def _cmd_assess(args: argparse.Namespace) -> int:
    from objectmatch.assess import profile

    target = _target(args, _assess_suffixes(), "table")
    _check_outputs([target.path] if target.path is not None else [], [args.building], args.force)
    building = _read_building(args.building)
    frame = profile(building)
    if target.path is not None and target.format not in ("table", "markdown", "json"):
        from objectmatch.io import write_frame

        _write_file(target.path, lambda path: write_frame(frame, path))
        return EXIT_OK
    with _output(target.path) as stream:
        _render_assessment(stream, target, building, frame)
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
    from objectmatch.results import MatchResult, ScenarioSet
    from objectmatch.scoring import Weights

    makers: Mapping[str, Any] = {
        "building": Building.model_json_schema,
        "candidate": Candidate.model_json_schema,
        "candidates": TypeAdapter(list[Candidate]).json_schema,
        "constraints": Constraints.model_json_schema,
        "weights": Weights.model_json_schema,
        "profile": NeighbourhoodProfile.model_json_schema,
        "result": lambda: MatchResult.model_json_schema(mode="serialization"),
        "scenarios": lambda: ScenarioSet.model_json_schema(mode="serialization"),
    }
    if model == "all":
        return {name: make() for name, make in makers.items()}
    if model not in makers:
        raise ValueError(f"unknown schema {model!r}; choose from {', '.join(SCHEMAS)}")
    result: dict[str, Any] = makers[model]()
    return result


def _cmd_schema(args: argparse.Namespace) -> int:
    target = _target(args, {".json": "json"}, "json")
    _check_outputs([target.path] if target.path is not None else [], [], args.force)
    with _output(target.path) as stream:
        stream.write(json.dumps(schema(args.model), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


_COMMANDS = {"demo": _cmd_demo, "rank": _cmd_rank, "scenarios": _cmd_scenarios, "assess": _cmd_assess,
             "schema": _cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "weights.schema.json"
    >>> main(["schema", "weights", "--out", str(out)]), main(["schema", "weights", "--out", str(out)])
    (0, 2)
    >>> main(["schema", "weights", "--out", str(out), "--force"])
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = _COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except UserError as exc:
        for line in exc.lines:
            print(f"objectmatch: error: {line}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("objectmatch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as the Python docs recommend (signal module,
        # "Note on SIGPIPE"): point stdout at devnull so that the flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
