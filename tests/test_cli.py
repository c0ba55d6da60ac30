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
from objectmatch.cli import EXIT_INFEASIBLE, EXIT_INPUT, main

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


def test_demo_prints_programmes_breakdown_positioning_and_swot() -> None:
    proc = run("demo", "--time-limit", "1", "--top", "2")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("Radarhuis", "Programme #1", "Programme #2", "level", "m²", "Score breakdown", "shared_identity",
                 "Status:", "Positioning of programme #1", "SWOT of programme #1", "Strengths", "Threats"):
        assert text in out, text
    assert "Programme #3" not in out


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
