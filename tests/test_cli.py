"""The command line, run as a subprocess (``python -m objectmatch``) on the example and on bad files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from objectmatch import MatchResult, check, load_example
from objectmatch.cli import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK, main
from objectmatch.io import formats, read_result

DATA = Path(str(resources.files("objectmatch").joinpath("data")))
BUILDING = DATA / "example_building.json"
CANDIDATES = DATA / "example_candidates.json"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "objectmatch", *map(str, args)],
        capture_output=True, text=True, timeout=120, cwd=cwd, check=False,
    )


def test_rank_json_loads_back_into_a_match_result() -> None:
    proc = run("rank", BUILDING, CANDIDATES, "--time-limit", "1", "--top", "2", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    result = MatchResult.model_validate_json(proc.stdout)
    assert 1 <= len(result.programmes) <= 2 and result.status.feasible
    building, pool = load_example()
    for p in result.programmes:
        assert check(building, pool, p.placements) == []
    assert "Traceback" not in proc.stderr


def test_rank_html_report_and_plot(tmp_path: Path) -> None:
    proc = run("rank", BUILDING, CANDIDATES, "--time-limit", "1", "--top", "2", "--format", "html",
               "--out", "report.html", "--plot", "plan.png", "--min-occupancy", "0.9", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Programme #1" in page and "Programme #2" in page
    assert "http://" not in page and "https://" not in page
    assert (tmp_path / "plan.png").read_bytes().startswith(b"\x89PNG")
    assert "wrote report.html" in proc.stderr and "wrote plan.png" in proc.stderr


def test_demo_prints_the_whole_report() -> None:
    from objectmatch.report._voice import TITLE

    proc = run("demo", "--time-limit", "1", "--top", "2")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("objectmatch demo: tenant programmes for Radarhuis", "Programme #1", "Programme #2", "level", "m²",
                 "Status: ", "At a glance", "Rent roll and income of programme #1", "annual rent EUR", TITLE,
                 "Wishes", "Volunteers", "Score breakdown", "Shared identity", "What each component measures",
                 "Why programme #1 beats programme #2", "Candidates left out of programme #1", "Positioning", "SWOT",
                 "Strengths", "Threats"):
        assert text in out, text
    assert "Programme #3" not in out
    assert "\x1b" not in out  # plain text when piped


def test_demo_runs_what_the_readme_runs() -> None:
    """``objectmatch demo`` is the README's Python block: the same call, so the same best programme."""
    import objectmatch as om
    from objectmatch._params import validate
    from objectmatch.culture import example_participation, example_profile
    from objectmatch.options import MatchOptions

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    call = "om.match(building, pool, k=5, profile=example_profile(), participation=example_participation())"
    assert call in readme
    proc = run("demo", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    shown = MatchResult.model_validate_json(proc.stdout)
    expected = {"k": 5, "profile": example_profile(), "participation": example_participation()}
    assert shown.options == validate(MatchOptions, "match", expected)
    building, pool = om.load_example()
    result = om.match(building, pool, **expected)  # type: ignore[arg-type]
    assert (shown.building, shown.candidates) == (result.building, result.candidates)
    if not (shown.status.clock_stopped or result.status.clock_stopped):  # the same work, unless a busy clock cut it
        assert shown.best == result.best


def test_schema_is_valid_json_for_tooling() -> None:
    proc = run("schema")
    assert proc.returncode == 0, proc.stderr
    schemas = json.loads(proc.stdout)
    assert set(schemas) >= {"building", "candidate", "constraints", "weights"}
    assert "area_min" in schemas["candidate"]["required"]
    assert schemas["candidates"]["type"] == "array"
    assert "floors" in schemas["building"]["properties"]


def test_assess_json_lists_every_function() -> None:
    proc = run("assess", BUILDING, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 10 and {"function", "verdict", "potential"} <= set(rows[0])
    assert [r["potential"] for r in rows] == sorted((r["potential"] for r in rows), reverse=True)


def test_scenarios_compares_the_leads(tmp_path: Path) -> None:
    from objectmatch import ScenarioSet
    from objectmatch.io import read_frame

    proc = run("scenarios", BUILDING, CANDIDATES, "--leads", "office", "lodging", "--time-limit", "1",
               "--format", "json")
    assert proc.returncode == 0, proc.stderr
    found = ScenarioSet.model_validate_json(proc.stdout)
    assert [s.lead for s in found] == ["office", "lodging"]
    assert found[0].programme is not None and found[1].programme is None  # lodging is vetoed here
    proc = run("scenarios", BUILDING, CANDIDATES, "--leads", "office", "lodging", "--time-limit", "1",
               "--out", "scenarios.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    frame = read_frame(tmp_path / "scenarios.xlsx")
    assert list(frame["lead"]) == ["office", "lodging"] and {"score", "annual_rent", "rent_share"} <= set(frame)
    proc = run("scenarios", BUILDING, CANDIDATES, "--leads", "lodging", "--time-limit", "1")
    assert proc.returncode == EXIT_INFEASIBLE
    assert "Scenarios: the best programme each leading function gives" in proc.stdout
    assert "lodging" in proc.stdout and "no leading function gives a programme" in proc.stderr


def test_participation_and_profile_files_reach_the_match_and_the_report(tmp_path: Path) -> None:
    from objectmatch.report._voice import TITLE

    responses = DATA / "example_participation.csv"
    profile = DATA / "example_neighbourhood.json"
    proc = run("rank", BUILDING, CANDIDATES, "--participation", responses, "--profile", profile, "--time-limit", "1",
               "--top", "2", "--show", "1", "--out", "report.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"## {TITLE}" in text and "### Positioning" in text
    assert "## Programme #1" in text and "## Programme #2" not in text  # --show 1
    assert (tmp_path / "report_img" / "programme-1.png").exists()
    proc = run("rank", BUILDING, CANDIDATES, "--participation", responses, "--time-limit", "1", "--top", "1",
               "--format", "json")
    assert MatchResult.model_validate_json(proc.stdout).options.participation is not None
    proc = run("rank", BUILDING, CANDIDATES, "--time-limit", "1", "--top", "1", "--format", "markdown")
    assert TITLE not in proc.stdout and "Positioning" not in proc.stdout
    bad = tmp_path / "responses.csv"
    bad.write_text("respondent,role,wishes\nr1,astronaut,green:1\n", encoding="utf-8")
    proc = run("rank", BUILDING, CANDIDATES, "--participation", bad)
    assert proc.returncode == EXIT_INPUT and "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "astronaut" in proc.stderr


def test_scenarios_reads_a_participation_round_into_every_lead(tmp_path: Path) -> None:
    from objectmatch import ScenarioSet, score
    from objectmatch.culture import example_participation
    from objectmatch.io import write_participation

    voice = example_participation()
    responses = tmp_path / "responses.xlsx"  # any suffix the I/O registry reads
    write_participation(voice, responses)
    proc = run("scenarios", BUILDING, CANDIDATES, "--leads", "office", "--participation", responses,
               "--time-limit", "1", "--format", "json")
    assert proc.returncode == EXIT_OK, proc.stderr
    programme = ScenarioSet.model_validate_json(proc.stdout)[0].programme
    assert programme is not None and programme.breakdown.components["support"] > 0
    building, pool = load_example()
    again = score(building, pool, programme.placements, participation=voice)  # the round the file holds
    assert programme.breakdown.components["support"] == pytest.approx(again.components["support"], abs=1e-12)
    assert programme.breakdown.components["objection"] == pytest.approx(again.components["objection"], abs=1e-12)
    proc = run("scenarios", BUILDING, CANDIDATES, "--leads", "office", "--time-limit", "1", "--format", "json")
    assert proc.returncode == EXIT_OK, proc.stderr
    silent = ScenarioSet.model_validate_json(proc.stdout)[0].programme
    assert silent is not None and silent.breakdown.components["support"] == 0
    bad = tmp_path / "responses.xls"
    bad.write_bytes(responses.read_bytes())
    proc = run("scenarios", BUILDING, CANDIDATES, "--leads", "office", "--participation", bad)
    assert proc.returncode == EXIT_INPUT and "Traceback" not in proc.stderr
    assert "known suffixes for a participation round: .json, .csv, .tsv, .parquet, .xlsx" in proc.stderr


def test_match_options_are_checked_by_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", str(BUILDING), str(CANDIDATES), "--seed", "-1"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "The 'seed' parameter of match must be an int in [0, 2**32-1]; got -1" in err


def test_a_spinner_runs_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from objectmatch import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        with cli._spinner("rendering the report"):
            time.sleep(0.3)
        assert ("rendering the report" in stream.getvalue()) == shown


def test_assess_renders_through_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(BUILDING), "--format", "markdown"]) == EXIT_OK
    text = capsys.readouterr().out
    assert text.startswith("# What can Radarhuis, Radarweg, Amsterdam Sloterdijk become?")
    assert "| office | suitable | 0.88 |" in text and "| lodging | not suitable | 0.00 |" in text
    assert main(["assess", str(BUILDING)]) == EXIT_OK
    table = capsys.readouterr().out
    assert "Transformation potential per use function, highest first" in table and "lodging" in table


def test_infeasible_request_exits_3_and_still_explains(tmp_path: Path) -> None:
    (tmp_path / "constraints.json").write_text('{"min_functions": 9}')
    proc = run("rank", BUILDING, CANDIDATES, "--constraints", tmp_path / "constraints.json", "--format", "json")
    assert proc.returncode == EXIT_INFEASIBLE
    result = MatchResult.model_validate_json(proc.stdout)
    assert result.programmes == () and result.status.code == "infeasible"
    assert "min_functions 9" in result.status.message
    assert "no programme meets the request" in proc.stderr and "Traceback" not in proc.stderr


# -- bad input: exit 2, one line per problem naming file, row and field ----------------------------


def _bad_files(folder: Path) -> dict[str, Path]:
    pool = json.loads(CANDIDATES.read_text(encoding="utf-8"))
    files: dict[str, Path] = {}

    def dump(name: str, data: object) -> None:
        files[name] = folder / name
        files[name].write_text(json.dumps(data), encoding="utf-8")

    missing = json.loads(json.dumps(pool))
    del missing[3]["area_min"]
    dump("missing.json", missing)
    wrong = json.loads(json.dumps(pool))
    wrong[5]["area_max"] = "lots"
    dump("wrong.json", wrong)

    from objectmatch.io import write_candidates

    _, candidates = load_example()
    write_candidates(candidates, folder / "pool.csv")
    rows = list(csv.reader(io.StringIO((folder / "pool.csv").read_text(encoding="utf-8"))))
    rows[3][rows[0].index("function")] = "spaceport"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    files["unknown.csv"] = folder / "unknown.csv"
    files["unknown.csv"].write_text(text.getvalue(), encoding="utf-8")
    lines = (folder / "pool.csv").read_text(encoding="utf-8").splitlines()
    files["malformed.csv"] = folder / "malformed.csv"
    files["malformed.csv"].write_text(lines[0] + '\n"unterminated,' + lines[1] + "\n", encoding="utf-8")
    files["broken.json"] = folder / "broken.json"
    files["broken.json"].write_text('[{"id": "a",', encoding="utf-8")
    building = json.loads(BUILDING.read_text(encoding="utf-8"))
    building["floors"][2]["area"] = -5
    dump("building.json", building)
    return files


BAD = [
    # (building, candidates, what stderr must name)
    ("example", "missing.json", ["missing.json", "row 3", "'area_min'", "Field required"]),
    ("example", "wrong.json", ["wrong.json", "row 5", "'area_max'", "'lots'"]),
    ("example", "unknown.csv", ["unknown.csv", "row 2 (line 4)", "'function'", "'spaceport'", "unknown function"]),
    ("example", "malformed.csv", ["malformed.csv", "not a readable table"]),
    ("example", "broken.json", ["broken.json", "not valid JSON", "line 1"]),
    ("example", "nowhere.json", ["nowhere.json", "not found"]),
    ("building.json", "example", ["building.json", "'floors.2.area'", "-5", "greater than 0"]),
]


@pytest.mark.parametrize(("building", "candidates", "expected"), BAD, ids=[b[1] if b[0] == "example" else b[0]
                                                                          for b in BAD])
def test_bad_input_exits_2_with_one_clear_line(tmp_path: Path, building: str, candidates: str,
                                               expected: list[str]) -> None:
    files = _bad_files(tmp_path)
    b = BUILDING if building == "example" else files[building]
    c = CANDIDATES if candidates == "example" else files.get(candidates, tmp_path / candidates)
    proc = run("rank", b, c, "--time-limit", "1")
    assert proc.returncode == EXIT_INPUT, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("objectmatch: error: ")
    for text in expected:
        assert text in lines[0], (text, lines[0])


# -- in-process: option checks that need no subprocess --------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rank", "b.json", "c.json", "--min-occupancy", "2"], "share between 0 and 1"),
        (["rank", "b.json", "c.json", "--top", "0"], "at least 1"),
        (["rank", "b.json", "c.json", "--time-limit", "-1"], "positive number of seconds"),
        (["rank", "b.json", "c.json", "--format", "pdf"], "invalid choice"),
        (["rank", "b.json", "c.json", "--plot", "plan.gif"], ".png, .svg, .pdf"),
        (["schema", "nothing"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_options_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == EXIT_INPUT
    assert message in capsys.readouterr().err


def test_bad_option_files_exit_2_naming_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "weights.json"
    weights.write_text('{"occupancy": -1, "colour": 2}')
    assert main(["rank", str(BUILDING), str(CANDIDATES), "--weights", str(weights)]) == EXIT_INPUT
    err = capsys.readouterr().err.splitlines()
    assert any("weights.json, field 'occupancy': value -1" in line for line in err)
    assert any("weights.json, field 'colour'" in line and "unknown field" in line for line in err)
    assert main(["assess", str(tmp_path)]) == EXIT_INPUT
    assert "is a directory" in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("objectmatch")
    if not script.exists():
        pytest.skip("the objectmatch console script is not installed in this environment")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("objectmatch ")


# -- outputs: every registered format, atomically, never onto an input, never over a file without --force ------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A building, a 12-candidate pool as a spreadsheet, and loose constraints: a match takes about a second."""
    from objectmatch.io import write_building, write_candidates

    folder = tmp_path_factory.mktemp("inputs")
    building, pool = load_example()
    write_building(building, folder / "building.json")
    write_candidates(pool[:12], folder / "pool.xlsx")
    (folder / "constraints.json").write_text('{"min_occupancy": 0.2}', encoding="utf-8")
    return {"building": folder / "building.json", "pool": folder / "pool.xlsx",
            "constraints": folder / "constraints.json"}


def _rank(small: dict[str, Path], *options: str) -> list[str]:
    return ["rank", str(small["building"]), str(small["pool"]), "--constraints", str(small["constraints"]),
            "--time-limit", "0.5", "--top", "2", *options]


@pytest.mark.parametrize("suffix", formats()["result"])
def test_rank_out_writes_every_registered_format(suffix: str, small: dict[str, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"result{suffix}"
    assert main(_rank(small, "--out", str(out))) == EXIT_OK
    assert capsys.readouterr().err.strip() == f"objectmatch: wrote {out}"
    result = read_result(out)
    assert 1 <= len(result.programmes) <= 2
    for p in result.programmes:
        assert result.check(p) == []  # under the constraints the command was given, which the result remembers
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left behind


def test_rank_parquet_from_the_command_line(small: dict[str, Path], tmp_path: Path) -> None:
    proc = run(*_rank(small, "--out", "result.parquet"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import pyarrow.parquet as pq

    assert b"objectmatch.result" in pq.read_schema(tmp_path / "result.parquet").metadata
    assert read_result(tmp_path / "result.parquet").status.feasible


@pytest.mark.parametrize(("out", "extra", "message"), [
    ("result.pdf", [], "cannot tell the output format from the suffix '.pdf'; known suffixes: .txt, .md"),
    ("result", [], "from the suffix '(none)'"),
    ("result.csv", ["--format", "json"], "--format json does not match --out"),
    ("missing/result.json", [], "the directory"),
])
def test_bad_out_exits_2_before_any_work(out: str, extra: list[str], message: str, small: dict[str, Path],
                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_rank(small, "--out", str(tmp_path / out), *extra)) == EXIT_INPUT
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert ".parquet" in err or "--format" in err or "directory" in err
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_write_onto_an_input(small: dict[str, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    pool = tmp_path / "pool.json"
    pool.write_text(CANDIDATES.read_text(encoding="utf-8"), encoding="utf-8")
    before = pool.read_bytes()
    for out in (pool, tmp_path / "." / "pool.json"):
        for force in ([], ["--force"]):
            code = main(["rank", str(BUILDING), str(pool), "--out", str(out), *force])
            assert code == EXIT_INPUT
            err = capsys.readouterr().err
            assert f"refusing to write the output onto the input file {pool}" in err
    assert pool.read_bytes() == before
    constraints = small["constraints"].read_bytes()
    assert main(_rank(small, "--out", str(small["constraints"]), "--force")) == EXIT_INPUT
    assert "onto the input file" in capsys.readouterr().err and small["constraints"].read_bytes() == constraints


def test_an_existing_output_needs_force(small: dict[str, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    out.write_text("keep me", encoding="utf-8")
    assert main(_rank(small, "--out", str(out))) == EXIT_INPUT
    assert f"{out}: exists already; pass --force to replace it" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(_rank(small, "--out", str(out), "--force")) == EXIT_OK
    assert read_result(out).programmes
    report = tmp_path / "report.md"
    (tmp_path / "report_img").mkdir()
    assert main(_rank(small, "--out", str(report))) == EXIT_INPUT
    assert "report_img: the pictures folder" in capsys.readouterr().err
    plot = tmp_path / "plan.svg"
    plot.write_text("old")
    assert main(_rank(small, "--format", "json", "--plot", str(plot))) == EXIT_INPUT
    assert "plan.svg: exists already" in capsys.readouterr().err


def test_assess_and_schema_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from objectmatch.io import read_frame

    out = tmp_path / "assessment.xlsx"
    assert main(["assess", str(BUILDING), "--out", str(out)]) == EXIT_OK
    frame = read_frame(out)
    assert len(frame) == 10 and {"function", "verdict", "potential"} <= set(frame.columns)
    assert main(["assess", str(BUILDING), "--out", str(out)]) == EXIT_INPUT
    assert main(["assess", str(BUILDING), "--out", str(tmp_path / "a.pdf")]) == EXIT_INPUT
    assert main(["schema", "--out", str(tmp_path / "schema.txt")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "exists already" in err and "known suffixes: .txt, .md, .markdown, .json, .csv" in err
    assert "known suffixes: .json" in err


def test_must_include_of_an_unknown_id_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "constraints.json").write_text('{"must_include": ["cafe-de-kaad", "nobody"]}', encoding="utf-8")
    code = main(["rank", str(BUILDING), str(CANDIDATES), "--constraints", str(tmp_path / "constraints.json")])
    assert code == EXIT_INPUT
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"objectmatch: error: {tmp_path / 'constraints.json'}, field 'must_include': value 'cafe-de-kaad': "
        "no candidate in the pool has this id; did you mean 'cafe-de-kade'?",
        f"objectmatch: error: {tmp_path / 'constraints.json'}, field 'must_include': value 'nobody': "
        "no candidate in the pool has this id",
    ]


def test_a_closed_pipe_exits_0_quietly() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "objectmatch", "demo", "--time-limit", "0.3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert first.startswith(b"objectmatch demo") and err == b""


# -- bad input files: still exit 2, one line each, naming file, row and field ----------------------------------


def test_bad_files_in_any_format_name_file_row_and_field(tmp_path: Path) -> None:
    from objectmatch.io import write_candidates

    _, pool = load_example()
    write_candidates(pool[:4], tmp_path / "pool.csv")
    lines = (tmp_path / "pool.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "ragged.csv").write_text("\n".join([*lines[:2], lines[2] + ",extra", *lines[3:]]) + "\n",
                                         encoding="utf-8")
    proc = run("rank", BUILDING, tmp_path / "ragged.csv")
    assert proc.returncode == EXIT_INPUT and "Traceback" not in proc.stderr
    header = len(lines[0].split(","))
    assert proc.stderr.strip() == (f"objectmatch: error: {tmp_path / 'ragged.csv'}, row 1 (line 3): line 3 has "
                                   f"{header + 1} cells, but the header has {header}; a separator or quote is "
                                   "missing or extra in this row")
    write_candidates(pool[:4], tmp_path / "pool.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "pool.xlsx")
    book["candidates"]["C4"] = "spaceport"
    book.save(tmp_path / "bad.xlsx")
    proc = run("rank", BUILDING, tmp_path / "bad.xlsx")
    assert proc.returncode == EXIT_INPUT
    assert f"{tmp_path / 'bad.xlsx'}, row 2 (sheet row 4), id '{pool[2].id}', field 'function': value 'spaceport'" \
        in proc.stderr
    text = CANDIDATES.read_text(encoding="utf-8").replace('"area_min": ', '"area_min": 1, "area_min": ', 1)
    (tmp_path / "repeated.json").write_text(text, encoding="utf-8")
    proc = run("rank", BUILDING, tmp_path / "repeated.json")
    assert proc.returncode == EXIT_INPUT and len(proc.stderr.strip().splitlines()) == 1
    assert "row 0" in proc.stderr and "field 'area_min': key 'area_min' appears 2 times" in proc.stderr


def test_a_cp1252_pool_is_read_with_a_warning_line(tmp_path: Path) -> None:
    from objectmatch.io import write_candidates

    _, pool = load_example()
    pool = [pool[0].model_copy(update={"name": "Café Noël"}), *pool[1:12]]
    write_candidates(pool, tmp_path / "utf8.csv")
    (tmp_path / "pool.csv").write_bytes((tmp_path / "utf8.csv").read_text(encoding="utf-8").encode("cp1252"))
    (tmp_path / "constraints.json").write_text('{"min_occupancy": 0.2}', encoding="utf-8")
    proc = run("rank", BUILDING, tmp_path / "pool.csv", "--constraints", tmp_path / "constraints.json",
               "--time-limit", "0.5", "--format", "json")
    assert proc.returncode == EXIT_OK, proc.stderr
    assert proc.stderr.startswith("objectmatch: warning: pool.csv is not UTF-8 (byte 0xe9 at offset")
    assert "read it as cp1252" in proc.stderr
