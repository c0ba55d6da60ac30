"""Tests for objectmatch.culture's participation round: hand-worked aggregates, validation, the
min-count rule, monotonicity of the strengths, and round trips through every file format read."""

from __future__ import annotations

import importlib.util
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import objectmatch as om
import objectmatch.io
from objectmatch import load_example
from objectmatch.culture import (
    CARRIES,
    PARTICIPATION_ROLES,
    Participation,
    ParticipationResponse,
    ParticipationStrengths,
    example_participation,
    read_participation,
    write_participation,
)
from objectmatch.io import InputError, formats
from objectmatch.vocabulary import fixed_identity_reason

ROOT = Path(__file__).resolve().parents[1]

# -- the worked example of docs/culture.md ("Participation") ---------------------------------------

TABLE = pd.DataFrame(
    {
        "respondent": ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"],
        "role": ["resident"] * 5 + ["worker", "worker", "entrepreneur"],
        "wishes": [
            "green:1; food:0.5",
            "green:0.5",
            "green:1; childcare:1",
            "green:0.75; food:1",
            "green:1",
            "food:1; green:0.25",
            "food:0.75",
            "food:1; green:0",
        ],
        "objections": ["nightlife:1", "nightlife:0.5", "nightlife:1", "logistics:1", "nightlife:0.75", "",
                       "nightlife:0.25", ""],
        "helps": ["community kitchen", "community kitchen", "", "Community Kitchen", "", "community kitchen",
                  "community kitchen", ""],
        "initiative": ["Buurtkeuken", "", "", "", "", "", "Buurtkeuken", ""],
    }
)


def small(**settings: Any) -> Participation:
    return Participation.from_frame(TABLE, **settings)


def test_support_hand_worked() -> None:
    frame = small().support()
    assert list(frame.columns) == ["tag", "kind", "side", "role", "respondents", "weight", "mean", "share", "strength"]
    got = [tuple(row) for row in frame[["tag", "kind", "side", "role", "respondents"]].itertuples(index=False)]
    # green: 6 respondents (r8's weight 0 does not count); residents alone would be 5, but then the one
    # worker could be worked out by subtraction, so the resident row is left out as well
    assert got == [
        ("green", "identity", "wish", "all", 6),
        ("food", "identity", "wish", "all", 5),
        ("nightlife", "identity", "objection", "all", 5),
    ]
    assert frame["weight"].tolist() == [4.5, 4.25, 3.5]
    assert frame["mean"].tolist() == [0.75, 0.85, 0.7]
    assert frame["share"].tolist() == [6 / 8, 5 / 8, 5 / 8]
    assert frame["strength"].tolist() == pytest.approx([0.3624, 0.3462, 0.2953], abs=5e-5)
    assert frame["strength"].tolist() == [-math.expm1(-0.45), -math.expm1(-0.425), -math.expm1(-0.35)]
    assert frame["respondents"].dtype == np.int64


def test_support_per_role_and_secondary_suppression_hand_worked() -> None:
    frame = small(min_count=2).support()
    rows = {(r.tag, r.side, r.role): (r.respondents, r.weight) for r in frame.itertuples(index=False)}
    # food: residents 2 (0.5 + 1), workers 2 (1 + 0.75), the entrepreneur 1. Hiding only the entrepreneur
    # would give them away (5 - 2 - 2 = 1), so one of the tied roles goes too: the later one, workers.
    assert rows[("food", "wish", "all")] == (5, 4.25)
    assert rows[("food", "wish", "resident")] == (2, 1.5)
    assert ("food", "wish", "worker") not in rows
    # green: residents 5, the worker 1 -> the resident row would give the worker away
    assert ("green", "wish", "resident") not in rows
    # nightlife: residents 4 (1 + 0.5 + 1 + 0.75), the worker 1 -> the same
    assert ("nightlife", "objection", "resident") not in rows
    assert set(rows) == {("green", "wish", "all"), ("food", "wish", "all"), ("food", "wish", "resident"),
                         ("nightlife", "objection", "all")}
    resident = frame[(frame.tag == "food") & (frame.role == "resident")].iloc[0]
    assert resident["share"] == 2 / 5 and resident["mean"] == 0.75


def test_strengths_hand_worked_and_equal_to_support() -> None:
    strengths = small().strengths()
    assert strengths.wish == {"food": -math.expm1(-0.425), "green": -math.expm1(-0.45)}
    assert strengths.objection == {"nightlife": -math.expm1(-0.35)}
    assert strengths.wish_respondents == {"food": 5, "green": 6}
    assert strengths.objection_respondents == {"nightlife": 5}
    overall = small().support().query("role == 'all'")
    for row in overall.itertuples(index=False):
        assert getattr(strengths, str(row.side))[row.tag] == row.strength
    wider = small(saturation=5.0).strengths()
    assert wider.wish["green"] == -math.expm1(-0.9)
    assert ParticipationStrengths.model_validate_json(strengths.model_dump_json()) == strengths


def test_volunteers_and_carries_hand_worked() -> None:
    p = small()
    frame = p.volunteers()
    assert frame.to_dict("records") == [
        {"activity": "community_kitchen", "initiative": "Buurtkeuken", "respondents": 5}
    ]
    assert "respondent" not in " ".join(frame.columns[:-1]) and "r1" not in frame.to_string()
    assert p.carries("community kitchen") and p.carries("Kitchen") and p.carries("community kitchen on the roof")
    assert not p.carries("bakery") and not p.carries("community garden")
    few = small(min_count=6)
    assert few.volunteers().empty and not few.carries("community kitchen")
    with pytest.raises(ValueError, match="activity"):
        p.carries("!!!")


def test_candidate_matching() -> None:
    _, pool = load_example()
    by_id = {c.id: c for c in pool}
    strengths = ParticipationStrengths(
        wish={"childcare": 0.5, "food": 0.5, "library": 0.5, "swimming": 0.5},
        objection={"logistics": 0.5, "nightlife": 0.5},
    )
    wish = strengths.match_matrix([by_id["kleine-haven"], by_id["buurtbieb"], by_id["buurtsuper"]], "wish")
    # daycare offers childcare; the library branch's activity contains 'library'; the shop's food is 0.7
    assert wish.tolist() == [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.7, 0.0, 0.0]]
    objection = strengths.match_matrix([by_id["buurtsuper"], by_id["podium-radar"]], "objection")
    assert objection.tolist() == [[1.0, 0.0], [0.0, 0.7]]  # the shop needs logistics; the venue's nightlife
    assert strengths.match_matrix([by_id["buurtsuper"]], "wish")[0, 0] == 0.0  # a need meets no wish
    with pytest.raises(ValueError, match="side"):
        strengths.match_matrix([], "support")  # type: ignore[arg-type]


# -- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["age", "Gender", "origin", "religion", "Nationality", "ethnicity",
                                    "leeftijd", "geslacht", "herkomst", "geloof", "Age group"])
def test_fixed_identity_column_refused(column: str) -> None:
    reason = fixed_identity_reason(re.sub(r"[^a-z0-9]+", "_", column.lower()))
    if reason is None:
        pytest.skip(f"{column!r} is not (yet) a fixed-identity term in objectmatch.vocabulary")
    frame = TABLE.assign(**{column: ["x"] * len(TABLE)})
    with pytest.raises(InputError) as info:
        Participation.from_frame(frame)
    assert len(info.value.errors) == 1
    error = info.value.errors[0]
    assert error["row"] is None and error["field"] == column
    assert "a fixed identity (who people are)" in error["message"] and "never who they are" in error["message"]


@pytest.mark.parametrize(
    ("field", "cell", "expected"),
    [
        ("wishes", "green:1; youth club:1",
         "wish 'youth_club' describes age group, a fixed identity (who people are), by the word 'youth'"),
        ("objections", "muslim prayer room:1", "objection 'muslim_prayer_room' describes religion"),
        ("helps", "seniors lunch", "activity 'seniors_lunch' describes age group"),
        ("role", "pensioner", "role 'pensioner' describes age group"),
    ],
)
def test_fixed_identity_value_refused_with_row_field_value(field: str, cell: str, expected: str) -> None:
    frame = TABLE.copy()
    frame.loc[3, field] = cell
    with pytest.raises(InputError) as info:
        Participation.from_frame(frame)
    assert [(e["row"], e["id"], e["field"], e["value"]) for e in info.value.errors] == [(3, "r4", field, cell)]
    assert expected in info.value.errors[0]["message"]
    assert "a fixed identity (who people are)" in info.value.errors[0]["message"]


def test_every_problem_in_one_error() -> None:
    frame = TABLE.copy()
    frame["Timestamp"] = "2024-06-01"
    frame.loc[0, "wishes"] = "green:lots"
    frame.loc[1, "role"] = "student"
    frame.loc[2, "respondent"] = "r1"
    frame.loc[3, "role"] = ""
    frame.loc[4, "respondent"] = "someone@example.org"
    frame.loc[5, "initiative"] = "Lonely initiative"
    frame.loc[5, "helps"] = ""
    frame.loc[6, "objections"] = "food:1"
    frame.loc[7, "wishes"] = "green:1.5"
    before = frame.copy()
    with pytest.raises(InputError) as info:
        Participation.from_frame(frame)
    got = {(e["row"], e["field"]): e for e in info.value.errors}
    assert set(got) == {
        (None, "Timestamp"), (0, "wishes"), (1, "role"), (2, "respondent"), (3, "role"), (4, "respondent"),
        (5, "initiative"), (6, "objections"), (7, "wishes"),
    }
    assert "unknown column" in got[(None, "Timestamp")]["message"]
    assert got[(0, "wishes")]["value"] == "green:lots" and "not a number" in got[(0, "wishes")]["message"]
    assert "unknown role 'student'" in got[(1, "role")]["message"]
    assert "also on row 0" in got[(2, "respondent")]["message"]
    assert got[(3, "role")]["message"] == "role is required"
    assert "e-mail" in got[(4, "respondent")]["message"]
    assert "needs the activity" in got[(5, "initiative")]["message"]
    assert "both wished for and objected to" in got[(6, "objections")]["message"]
    assert "'green'" in got[(7, "wishes")]["message"] and "less than or equal to 1" in got[(7, "wishes")]["message"]
    assert str(info.value).startswith("9 errors in participation:")
    pd.testing.assert_frame_equal(frame, before)  # the input is not modified


def test_missing_columns_and_bad_arguments() -> None:
    with pytest.raises(InputError, match="missing column 'role'"):
        Participation.from_frame(TABLE.drop(columns=["role"]))
    with pytest.raises(InputError, match="did you mean 'wishes'"):
        Participation.from_frame(TABLE.rename(columns={"wishes": "wishs"}))
    with pytest.raises(InputError, match="field '\\?\\?\\?': unknown column; known columns"):
        Participation.from_frame(TABLE.assign(**{"???": 1}))
    with pytest.raises(TypeError, match="DataFrame"):
        Participation.from_frame(TABLE.to_dict("records"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="min_count"):
        Participation.from_frame(TABLE, min_count=0)
    with pytest.raises(ValueError, match="reserved"):
        Participation.from_frame(TABLE, roles=["resident", "all"])
    with pytest.raises(ValueError, match="fixed identity"):
        Participation(roles=["resident", "senior"])


def test_cells_spreadsheets_write() -> None:
    frame = pd.DataFrame(
        {
            " Respondent ": [17, 18.0, "r-19"],
            "ROLE": ["Resident", "worker", "Organisation"],
            "wishes": ["green; Café:0,5", None, float("nan")],
            "objections": ["", "logistics : 0.25 ;", pd.NA],
        }
    )
    p = Participation.from_frame(frame)
    assert [r.respondent for r in p] == ["17", "18", "r-19"]
    assert p.responses[0].wishes == {"green": 1.0, "cafe": 0.5}
    assert p.responses[1].objections == {"logistics": 0.25}
    assert p.responses[2].role == "organisation" and p.responses[2].wishes == {}
    extended = Participation.from_frame(frame.assign(ROLE=["resident", "student", "student"]),
                                        roles=(*PARTICIPATION_ROLES, "Student"))
    assert extended.roles[-1] == "student" and Participation.from_frame(extended.to_frame()) == extended


def test_response_model() -> None:
    r = ParticipationResponse(respondent="x", role="resident", wishes=["Green", "community kitchen"])
    assert r.wishes == {"green": 1.0, "community_kitchen": 1.0}
    with pytest.raises(ValidationError, match="appears twice"):
        ParticipationResponse(respondent="x", role="resident", wishes={"Green": 1, "green": 0.5})
    with pytest.raises(ValidationError, match="answers twice"):
        Participation(responses=[r, r])
    with pytest.raises(ValidationError, match="unknown role 'student'"):
        Participation(responses=[r.model_copy(update={"role": "student"})])


# -- files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".parquet", ".json"])
def test_round_trip_every_format(tmp_path: Path, suffix: str) -> None:
    p = example_participation()
    path = tmp_path / f"round{suffix}"
    write_participation(p, path)
    assert read_participation(path) == p
    assert [f.name for f in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    custom = Participation.from_frame(TABLE, min_count=2, saturation=4.0)
    write_participation(custom, path)
    assert read_participation(path, min_count=2, saturation=4.0) == custom


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".json"])
def test_reads_what_pandas_writes(tmp_path: Path, suffix: str) -> None:
    """A table saved by pandas itself (numbers where pandas keeps them, empty cells as NaN) reads the same."""
    frame = TABLE.replace("", None).assign(respondent=range(1, 9))
    path = tmp_path / f"pandas{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_json(path, orient="records")
    expected = Participation.from_frame(TABLE.assign(respondent=[str(i) for i in range(1, 9)]))
    assert read_participation(path) == expected


def test_csv_comments_semicolons_and_bad_files(tmp_path: Path) -> None:
    dutch = tmp_path / "ronde.csv"
    text = '# a comment\n# another\nrespondent;role;wishes\nr1;resident;"green:1; food:0,5"\n'
    dutch.write_text(text, encoding="utf-8")
    assert read_participation(dutch).responses[0].wishes == {"green": 1.0, "food": 0.5}
    with pytest.raises(ValueError, match=r"from its suffix '\.txt'; known suffixes for a participation round"):
        read_participation(tmp_path / "round.txt")
    broken = tmp_path / "broken.json"
    broken.write_text('{"respondent": "r1"}', encoding="utf-8")
    with pytest.raises(InputError, match="JSON array"):
        read_participation(broken)
    with pytest.raises(InputError, match=r"in broken\.parquet"):
        (tmp_path / "broken.parquet").write_text("no parquet", encoding="utf-8")
        read_participation(tmp_path / "broken.parquet")
    listed = tmp_path / "listed.json"
    listed.write_text(json.dumps([{"respondent": "a", "role": "visitor", "wishes": {"food": 0.5},
                                   "objections": ["nightlife"]}]), encoding="utf-8")
    assert read_participation(listed).responses[0].objections == {"nightlife": 1.0}


@pytest.mark.parametrize("suffix", formats()["participation"])
def test_io_round_trips_the_example_through_every_registered_suffix(tmp_path: Path, suffix: str) -> None:
    p = example_participation()
    path = tmp_path / f"round{suffix}"
    objectmatch.io.write_participation(p, path)
    assert objectmatch.io.read_participation(path) == p
    assert read_participation(path) == p  # objectmatch.culture's reader is the same one
    assert [f.name for f in tmp_path.iterdir()] == [path.name]  # written atomically: no temporary file left
    other = tmp_path / "round.dat"
    objectmatch.io.write_participation(p, other, suffix=suffix)
    assert objectmatch.io.read_participation(other, suffix=suffix.upper()) == p
    objectmatch.io.write_participation(Participation(), other, suffix=suffix)  # a round nobody answered yet
    assert objectmatch.io.read_participation(other, suffix=suffix) == Participation()


def test_io_registers_participation_as_one_more_kind() -> None:
    assert formats()["participation"] == (".json", ".csv", ".tsv", ".parquet", ".xlsx")
    assert formats()["participation"] == formats()["candidates"]


@pytest.mark.parametrize("call", [
    lambda path: objectmatch.io.read_participation(path),
    lambda path: objectmatch.io.write_participation(small(), path),
    lambda path: read_participation(path),
    lambda path: write_participation(small(), path),
])
def test_io_unknown_suffix_names_the_known_ones(tmp_path: Path, call: Any) -> None:
    expected = (f"cannot tell the format of {str(tmp_path / 'round.xls')!r} from its suffix '.xls'; "
                "known suffixes for a participation round: .json, .csv, .tsv, .parquet, .xlsx")
    with pytest.raises(ValueError) as info:
        call(tmp_path / "round.xls")
    assert str(info.value) == expected and not isinstance(info.value, InputError)
    assert not (tmp_path / "round.xls").exists()


def test_culture_and_io_readers_agree(tmp_path: Path) -> None:
    """The same round, the same settings, the same errors: every bad row at once, with its line in the file."""
    path = tmp_path / "round.csv"
    objectmatch.io.write_participation(small(), path)
    for settings_ in ({}, {"min_count": 2, "saturation": 4.0}, {"roles": (*PARTICIPATION_ROLES, "student")}):
        assert read_participation(path, **settings_) == objectmatch.io.read_participation(path, **settings_)
    bad = tmp_path / "bad.csv"
    bad.write_text("# a comment, with a comma\n\nrespondent,role,wishes,age\nr1,astronaut,green:1,34\n"
                   "r2,resident,food:x,51\nr3,resident,food\n", encoding="utf-8")
    with pytest.raises(InputError) as via_io:
        objectmatch.io.read_participation(bad)
    with pytest.raises(InputError) as via_culture:
        read_participation(bad)
    assert via_io.value.errors == via_culture.value.errors and str(via_io.value) == str(via_culture.value)
    found = {(e["row"], e["field"], e["line"]) for e in via_io.value.errors}
    assert found == {(None, "age", None), (0, "role", 4), (1, "wishes", 5), (2, None, 6)}
    assert str(via_io.value).startswith("4 errors in bad.csv:")
    assert "fixed identity" in str(via_io.value) and "'food:x'" in str(via_io.value)


# -- the bundled example --------------------------------------------------------------------------------


def test_example_is_what_the_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_example", ROOT / "scripts" / "make_example_participation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.make_rows(np.random.default_rng(module.SEED))
    assert Participation(responses=rows) == example_participation()
    text = (ROOT / "objectmatch" / "data" / "example_participation.csv").read_text("utf-8")
    assert text.startswith("# SYNTHETIC example data")


def test_example_relates_to_the_bundled_candidates() -> None:
    building, pool = load_example()
    p = example_participation()
    assert p.respondents == 320 and set(r.role for r in p) == set(PARTICIPATION_ROLES)
    strengths = p.strengths()
    wish = strengths.match_matrix(pool, "wish")
    met = {t for j, t in enumerate(strengths.wish) if (wish[:, j] >= CARRIES).any()}
    assert {"food", "green", "childcare", "library", "coworking"} <= met
    assert set(strengths.wish) - met == {"swimming", "market"}  # wished for, and nobody in the pool offers it
    objection = strengths.match_matrix(pool, "objection")
    hit = {
        t: {pool[k].id for k in np.flatnonzero(objection[:, j] >= CARRIES)} for j, t in enumerate(strengths.objection)
    }
    assert {"podium-radar", "game-on"} <= hit["nightlife"] and "buurtsuper" in hit["logistics"]
    permitted = set(building.permitted_functions)
    assert hit["industrial"] and all(next(c for c in pool if c.id == i).function not in permitted
                                     for i in hit["industrial"] | hit["short_stay"])  # objected, cannot come
    assert not hit["hotel"]
    carried = {c.id for c in pool if p.carries(c.activity)}
    assert carried == {"buurtkeuken", "daktuin-collectief", "makerslab"}
    assert len(p.volunteers()) == 5  # homework help (3) and the chess club (1) stay below min_count


# -- the documentation ---------------------------------------------------------------------------------


def _doc_blocks(section: str | None = None) -> list[tuple[str, str | None]]:
    """The Python blocks of docs/culture.md (of ``section`` only, if given), each with the plain block
    printed right after it."""
    part = (ROOT / "docs" / "culture.md").read_text("utf-8")
    if section is not None:
        start = part.index(section)
        end = part.find("\n## ", start + 1)
        part = part[start : end if end > 0 else None]
    found = re.finditer(r"```python\n(.*?)```(?:\s*```\n(.*?)```)?", part, re.S)
    return [(m.group(1), m.group(2)) for m in found]


def test_participation_docs_run_and_print_what_they_say(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _doc_blocks("## 7. Participation")
    assert len(blocks) == 3 and all(shown is not None for _, shown in blocks)
    namespace: dict[str, Any] = {}
    for code, shown in blocks:
        exec(compile(code, "docs/culture.md", "exec"), namespace)
        printed = capsys.readouterr().out
        assert [line.rstrip() for line in printed.strip().splitlines()] == [
            line.rstrip() for line in (shown or "").strip().splitlines()
        ]
    assert namespace["small_round"] == small()  # the docs' table is this file's TABLE


def test_every_python_block_of_the_culture_docs_runs_and_prints_what_it_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = _doc_blocks()
    assert len(blocks) == 6
    namespace: dict[str, Any] = {}
    for i, (code, shown) in enumerate(blocks, start=1):
        exec(compile(code, "docs/culture.md", "exec"), namespace)
        printed = capsys.readouterr().out
        if shown is not None:
            assert printed == shown, f"block {i} of docs/culture.md prints otherwise"
    assert namespace["S"].shape == (24, 24)


# -- properties -----------------------------------------------------------------------------------------

TAGS = ("green", "food", "sport", "nightlife", "logistics", "community_kitchen", "culture")
ACTIVITIES = ("community kitchen", "kitchen", "urban farming", "repair workshop")
weights = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def response_rows(
    draw: st.DrawFn, prefix: str = "r", max_size: int = 30, tags: tuple[str, ...] = TAGS
) -> list[dict[str, Any]]:
    n = draw(st.integers(0, max_size))
    rows: list[dict[str, Any]] = []
    for i in range(n):
        wished = draw(st.lists(st.sampled_from(tags), unique=True, max_size=3))
        objected = draw(st.lists(st.sampled_from([t for t in tags if t not in wished]), unique=True, max_size=2))
        helps = draw(st.none() | st.sampled_from(ACTIVITIES))
        rows.append(
            {
                "respondent": f"{prefix}{i}",
                "role": draw(st.sampled_from(PARTICIPATION_ROLES)),
                "wishes": {t: draw(weights) for t in wished},
                "objections": {t: draw(weights) for t in objected},
                "helps": helps,
                "initiative": draw(st.none() | st.sampled_from(["Club A", "Club B"])) if helps else None,
            }
        )
    return rows


rounds = st.builds(
    lambda rows, m, tau: Participation(responses=rows, min_count=m, saturation=tau),
    response_rows(),
    st.integers(1, 6),
    st.floats(0.5, 20.0),
)


@settings(max_examples=60, deadline=None)
@given(rounds)
def test_frame_round_trip_is_exact(p: Participation) -> None:
    frame = p.to_frame()
    assert Participation.from_frame(frame) == p
    plain = pd.DataFrame(frame.to_dict("list"), dtype=object)  # no attrs: the settings are passed again
    assert Participation.from_frame(plain, min_count=p.min_count, saturation=p.saturation) == p


def _named(p: Participation, side: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in p:
        for tag, w in (r.wishes if side == "wish" else r.objections).items():
            if w > 0:
                out.setdefault(tag, set()).add(r.respondent)
    return out


@settings(max_examples=80, deadline=None)
@given(rounds)
def test_no_figure_from_fewer_than_min_count(p: Participation) -> None:
    support = p.support()
    assert (support["respondents"] >= p.min_count).all()
    for (tag, side), rows in support.groupby(["tag", "side"]):
        overall = rows[rows.role == "all"]
        assert len(overall) == 1
        hidden = int(overall["respondents"].iloc[0]) - int(rows[rows.role != "all"]["respondents"].sum())
        assert hidden == 0 or hidden >= p.min_count, (tag, side)  # nothing to work out by subtraction
        assert int(overall["respondents"].iloc[0]) == len(_named(p, str(side))[str(tag)])
    strengths = p.strengths()
    for side in ("wish", "objection"):
        named = _named(p, side)
        expected = {t for t, who in named.items() if len(who) >= p.min_count}
        assert set(getattr(strengths, side)) == expected
        assert all(0.0 <= v <= 1.0 for v in getattr(strengths, side).values())
    volunteers = p.volunteers()
    assert (volunteers["respondents"] >= p.min_count).all()
    counts: dict[str, int] = {}
    for r in p:
        if r.helps:
            counts[r.helps] = counts.get(r.helps, 0) + 1
    assert set(volunteers["activity"]) == {a for a, n in counts.items() if n >= p.min_count}
    reported = [set(a.split("_")) for a, n in counts.items() if n >= p.min_count]
    for activity in ACTIVITIES:
        words = set(activity.split())
        assert p.carries(activity) == any(words <= w or w <= words for w in reported)


@settings(max_examples=80, deadline=None)
@given(rounds, st.sampled_from(["wish", "objection"]), st.lists(st.sampled_from(TAGS), unique=True, min_size=1),
       weights, st.sampled_from(PARTICIPATION_ROLES))
def test_adding_a_response_is_monotone(p: Participation, side: str, tags: list[str], w: float, role: str) -> None:
    before = p.strengths()
    field = "wishes" if side == "wish" else "objections"
    added = Participation(
        responses=(*p.responses, ParticipationResponse(respondent="new", role=role, **{field: dict.fromkeys(tags, w)})),
        min_count=p.min_count,
        saturation=p.saturation,
    )
    after = added.strengths()
    other = "objection" if side == "wish" else "wish"
    assert getattr(after, other) == getattr(before, other)  # the other side does not move at all
    grown, old = getattr(after, side), getattr(before, side)
    assert set(old) <= set(grown)
    assert all(grown[t] >= old[t] for t in old)


# -- the score: one more response moves it only its own way ----------------------------------------------


def _as_tags(texts: set[str]) -> list[str]:
    """The texts as a respondent's tags, sorted; those that describe a group of people left out."""
    tags = set()
    for text in texts:
        try:
            tags |= set(ParticipationResponse(respondent="x", role="resident", wishes=[text]).wishes)
        except ValidationError:
            continue
    return sorted(tags)


@pytest.fixture(scope="module")
def programme() -> tuple[Any, list[Any], dict[str, dict[int, float]], dict[str, tuple[str, ...]]]:
    """A programme ``check`` accepts on the bundled example, and the tags its tenants carry: for a wish
    anything the score's match matrix says some tenant carries, for an objection their functions
    and activities."""
    building, pool = load_example()
    result = om.match(building, pool, k=1, time_limit=1.0, seed=0)
    assert result.best is not None
    placements = {cid: dict(floors) for cid, floors in result.best.placements.items()}
    assert om.check(building, pool, placements) == []
    tenants = [c for c in pool if c.id in placements]
    named = _as_tags({t for c in tenants for t in (*c.identities, *c.offers, *c.needs, c.function, c.activity)})
    matrix = ParticipationStrengths(wish=dict.fromkeys(named, 0.5)).match_matrix(tenants, "wish")
    wished = tuple(t for j, t in enumerate(named) if matrix[:, j].max() > 0)
    objected = tuple(_as_tags({c.function for c in tenants} | {c.activity for c in tenants}))
    assert {"food", "office", "cafe"} <= set(wished) and {"office", "cafe"} <= set(objected)
    return building, pool, placements, {"wish": wished, "objection": objected}


@settings(max_examples=30, deadline=None)
@given(side=st.sampled_from(["wish", "objection"]), data=st.data())
def test_one_more_response_moves_the_score_only_its_own_way(
    programme: tuple[Any, list[Any], dict[str, dict[int, float]], dict[str, tuple[str, ...]]], side: str,
    data: st.DataObject,
) -> None:
    """A wish for what the tenants carry never lowers the total; an objection to what the programme
    holds never raises it. Same programme, same (default) weights; only the ``support`` (or
    ``objection``) component may move."""
    building, pool, placements, carried = programme
    tags = tuple(sorted({*carried["wish"], *carried["objection"], *TAGS}))
    base = Participation(responses=data.draw(response_rows(max_size=20, tags=tags)),
                         min_count=data.draw(st.integers(1, 6)), saturation=data.draw(st.floats(0.5, 20.0)))
    tag, weight = data.draw(st.sampled_from(carried[side])), data.draw(weights)
    field = "wishes" if side == "wish" else "objections"
    response = ParticipationResponse(respondent="new", role=data.draw(st.sampled_from(PARTICIPATION_ROLES)),
                                     **{field: {tag: weight}})
    added = Participation(responses=(*base.responses, response), min_count=base.min_count,
                          saturation=base.saturation)
    before = om.score(building, pool, placements, participation=base)
    after = om.score(building, pool, placements, participation=added)
    moved = "support" if side == "wish" else "objection"
    assert {k: v for k, v in after.components.items() if k != moved} == {
        k: v for k, v in before.components.items() if k != moved}
    assert after.components[moved] >= before.components[moved]
    assert (after.total >= before.total) if side == "wish" else (after.total <= before.total)


def test_one_response_moves_the_score_when_it_is_enough(
    programme: tuple[Any, list[Any], dict[str, dict[int, float]], dict[str, tuple[str, ...]]],
) -> None:
    """The property above is not empty: with ``min_count=1`` one response is reported, and moves the total."""
    building, pool, placements, _ = programme
    silent = om.score(building, pool, placements, participation=Participation(min_count=1))
    for field, tag in (("wishes", "food"), ("objections", "office")):
        one = Participation(responses=[{"respondent": "r1", "role": "resident", field: {tag: 1.0}}], min_count=1)
        voiced = om.score(building, pool, placements, participation=one)
        assert (voiced.total > silent.total) if field == "wishes" else (voiced.total < silent.total)
