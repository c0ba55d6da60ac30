"""Tests for objectmatch.report: stacking plan, identity network, tables, HTML and Markdown reports."""

from __future__ import annotations

import base64
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from objectmatch import (
    Building,
    Candidate,
    MatchResult,
    MatchStatus,
    Programme,
    ScoreBreakdown,
    load_example,
    match,
)
from objectmatch.culture import example_profile
from objectmatch.report import (
    FUNCTION_COLOURS,
    VACANT_HATCH,
    breakdown_table,
    floor_stack,
    floor_table,
    function_colour,
    function_mix,
    identity_network,
    stacking_plan,
    to_html,
    to_markdown,
)
from objectmatch.report.palette import UNKNOWN_COLOUR, order_functions, text_colour
from objectmatch.strategies import buildings

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def example() -> tuple[Building, list[Candidate], MatchResult]:
    building, pool = load_example()
    result = match(building, pool, k=3, time_limit=1.0)
    assert len(result.programmes) >= 2
    return building, pool, result


def _without(programme: Programme, drop: set[str], pool: list[Candidate], building: Building) -> Programme:
    """The programme minus some tenants, with its summary figures recomputed (leaves vacant area)."""
    placements = {cid: floors for cid, floors in programme.placements.items() if cid not in drop}
    by_id = {c.id: c for c in pool}
    areas: dict[str, float] = {}
    for cid, floors in placements.items():
        areas[by_id[cid].function] = areas.get(by_id[cid].function, 0.0) + math.fsum(floors.values())
    let = math.fsum(areas.values())
    return programme.model_copy(
        update={
            "placements": placements,
            "tenants": tuple(t for t in programme.tenants if t not in drop),
            "occupancy": let / building.lettable_area,
            "functions": tuple(sorted(areas)),
            "function_areas": areas,
        }
    )


def _patches(fig: Figure, prefix: str) -> dict[str, object]:
    return {p.get_gid(): p for p in fig.axes[0].patches if (p.get_gid() or "").startswith(prefix)}


def _hand_building() -> tuple[Building, list[Candidate], Programme]:
    """Four floors with a basement and floors of different sizes, three tenants, vacancy on two floors."""
    floors = [
        {"level": lv, "area": area, "free_height": 3.5, "floor_load": 5, "depth": 14, "street_frontage": lv == 0}
        for lv, area in ((-1, 300), (0, 400), (1, 600), (2, 600))
    ]
    building = Building(id="h", name="Hand", permitted_functions={"office", "retail", "sport"}, asking_rent=150,
                        location={"lat": 52, "lon": 4, "neighbourhood": "X"}, floors=floors)
    pool = [
        Candidate(id="gym", name="Gym", function="sport", activity="gym", area_min=100, area_max=500, max_floors=2,
                  identities={"sport": 1.0, "health": 0.5}),
        Candidate(id="shop", name="Shop", function="retail", activity="shop", area_min=100, area_max=400,
                  identities={"food": 0.6}),
        Candidate(id="desk", name="Desk", function="office", activity="coworking", area_min=100, area_max=900,
                  max_floors=2, identities={"tech": 1.0, "sport": 0.2}),
    ]
    placements = {"gym": {-1: 300.0, 0: 100.0}, "shop": {0: 250.0}, "desk": {1: 600.0, 2: 200.0}}
    programme = Programme(
        placements=placements, tenants=("gym", "shop", "desk"), score=1.25, rank=1,
        breakdown=ScoreBreakdown(total=1.25, components={"occupancy": 0.76}, weights={"occupancy": 1.0}),
        occupancy=1450 / 1900, functions=("office", "retail", "sport"),
        function_areas={"office": 800.0, "retail": 250.0, "sport": 400.0},
    )
    return building, pool, programme


# -- palette ------------------------------------------------------------------------------------


def test_palette_gives_every_default_function_its_own_colour() -> None:
    colours = list(FUNCTION_COLOURS.values())
    assert len(set(colours)) == len(colours) == 10
    assert function_colour(None) == UNKNOWN_COLOUR
    assert function_colour("urban_farming") == function_colour("urban_farming")
    assert order_functions(["sport", "office", "aaa"]) == ["office", "sport", "aaa"]
    assert text_colour("#FFFFFF") == "black" and text_colour("#000000") == "white"


# -- stacking plan -------------------------------------------------------------------------------


def test_stacking_plan_png_reads_back_with_one_bar_per_placement(example, tmp_path: Path) -> None:
    building, pool, result = example
    best = result.programmes[0]
    path = tmp_path / "plan.png"
    fig = stacking_plan(best, building, pool, path=path, dpi=100)
    image = matplotlib.image.imread(path)
    width, height = fig.get_size_inches()
    assert image.shape[:2] == (round(height * 100), round(width * 100))
    rgb = image[..., :3]
    assert rgb.std() > 0.1  # not blank
    assert len(np.unique(rgb.reshape(-1, 3).round(2), axis=0)) > 20

    bars = _patches(fig, "placement:")
    expected = {f"placement:{cid}:{lv}" for cid, floors in best.placements.items() for lv in floors}
    assert set(bars) == expected
    assert len(bars) == sum(len(floors) for floors in best.placements.values())
    by_id = {c.id: c for c in pool}
    rows = {lv: i for i, lv in enumerate(building.levels)}
    for gid, bar in bars.items():
        _, cid, level = gid.split(":")
        assert bar.get_width() == pytest.approx(best.placements[cid][int(level)])  # width in m²
        assert bar.get_y() + bar.get_height() / 2 == pytest.approx(rows[int(level)])  # ground floor at the bottom
        assert bar.get_facecolor() == pytest.approx(to_rgba(function_colour(by_id[cid].function)))
        assert bar.get_x() + bar.get_width() <= building.floor(int(level)).area + 1e-6
    outlines = _patches(fig, "floor:")
    assert {g: p.get_width() for g, p in outlines.items()} == {f"floor:{f.level}": f.area for f in building.floors}
    assert bool(_patches(fig, "vacant:")) == (best.occupancy < 1 - 1e-9)
    title = fig.axes[0].get_title(loc="left")
    assert f"{best.score:.3f}" in title and f"{best.occupancy:.0%}" in title


def test_vacant_area_is_hatched_on_the_floors_left_empty(example) -> None:
    building, pool, result = example
    best = result.programmes[0]
    drop = {best.tenants[0], best.tenants[-1]}
    partial = _without(best, drop, pool, building)
    assert partial.occupancy < 1
    fig = partial.plot(building, pool)  # Programme.plot delegates to report.stacking_plan
    vacant = _patches(fig, "vacant:")
    stacks = floor_stack(partial, building)
    assert set(vacant) == {f"vacant:{s.level}" for s in stacks if s.vacant > 0}
    for s in stacks:
        if s.vacant > 0:
            patch = vacant[f"vacant:{s.level}"]
            assert patch.get_hatch() == VACANT_HATCH
            assert patch.get_width() == pytest.approx(s.vacant)
            assert patch.get_x() == pytest.approx(s.let)  # vacant area after the tenants
    assert len(_patches(fig, "placement:")) == sum(len(f) for f in partial.placements.values())
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[-1] == "vacant" and set(legend[:-1]) == set(partial.functions)


def test_basement_below_ground_floor_and_rows_as_wide_as_their_floor(tmp_path: Path) -> None:
    building, pool, programme = _hand_building()
    fig = stacking_plan(programme, building, pool, path=tmp_path / "plan.svg")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["-1 basement", "0 ground", "1", "2"]
    bars = _patches(fig, "placement:")
    assert bars["placement:gym:-1"].get_y() < bars["placement:gym:0"].get_y() < bars["placement:desk:1"].get_y()
    # the gym spans -1..0 and continues from below on 0: it comes first there, the shop after it
    assert bars["placement:gym:0"].get_x() == 0 and bars["placement:shop:0"].get_x() == pytest.approx(100)
    assert {g: p.get_width() for g, p in _patches(fig, "floor:").items()} == {
        "floor:-1": 300, "floor:0": 400, "floor:1": 600, "floor:2": 600}
    assert set(_patches(fig, "vacant:")) == {"vacant:0", "vacant:2"}
    root = ET.parse(tmp_path / "plan.svg").getroot()  # valid XML
    assert root.tag.endswith("svg")


def test_stacking_plan_options_and_errors(tmp_path: Path) -> None:
    building, pool, programme = _hand_building()
    fig = stacking_plan(programme, building)  # no candidates: ids and one neutral colour
    bars = _patches(fig, "placement:")
    assert {tuple(b.get_facecolor()) for b in bars.values()} == {to_rgba(UNKNOWN_COLOUR)}
    labels = {t.get_text().split("\n")[0] for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label:")}
    assert labels <= {"gym", "shop", "desk"} and labels

    host = Figure()
    ax = host.add_subplot()
    assert stacking_plan(programme, building, pool, ax=ax, labels=None) is host
    assert not [t for t in ax.texts if (t.get_gid() or "").startswith("label:")]

    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        stacking_plan(programme, building, pool, path=tmp_path / "plan.gif")
    with pytest.raises(ValueError, match="not among the candidates"):
        stacking_plan(programme, building, pool[:1])
    moved = programme.model_copy(update={"placements": {**programme.placements, "shop": {7: 100.0}}})
    with pytest.raises(ValueError, match=r"level\(s\) \[7\]"):
        stacking_plan(moved, building, pool)


# -- tables ---------------------------------------------------------------------------------------


def test_tables_add_up(example) -> None:
    building, pool, result = example
    for p in result.programmes:
        frame = floor_table(p, building, pool)
        per_floor = frame.groupby("level")["area"].sum()
        for f in building.floors:
            assert per_floor[f.level] == pytest.approx(f.area)  # tenants + vacant fill each floor
        assert list(frame["level"]) == sorted(frame["level"], reverse=True)  # top floor first
        mix = function_mix(p, building)
        assert mix["area"].sum() == pytest.approx(p.area)
        assert mix["share"].sum() == pytest.approx(1.0)
    table = breakdown_table(result.programmes)
    for i, p in enumerate(result.programmes, start=1):
        contributions = table[f"#{p.rank or i} contribution"].drop("total")
        assert contributions.sum() == pytest.approx(p.score)  # contributions add up to the score
        assert table.loc["total", f"#{p.rank or i} value"] == p.score
    assert table.loc["conflict", "weight"] < 0


@settings(max_examples=30, deadline=None)
@given(building=buildings(max_floors=5), data=st.data())
def test_floor_stack_keeps_every_m2_and_lines_up_spanning_tenants(building: Building, data: st.DataObject) -> None:
    levels = list(building.levels)
    placements: dict[str, dict[int, float]] = {}
    left = {f.level: f.area for f in building.floors}
    for k in range(data.draw(st.integers(0, 6))):
        start = data.draw(st.sampled_from(range(len(levels))))
        span = levels[start : start + data.draw(st.integers(1, 2))]
        floors = {}
        for lv in span:
            share = data.draw(st.floats(0.05, 0.5))
            if left[lv] * share > 0:
                floors[lv] = left[lv] * share
                left[lv] -= floors[lv]
        if floors:
            placements[f"t{k}"] = floors
    programme = Programme(placements=placements, tenants=tuple(sorted(placements, key=lambda c: min(placements[c]))),
                          score=0.0, breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.0, functions=())
    stacks = floor_stack(programme, building)
    assert [s.level for s in stacks] == levels
    for s in stacks:
        assert s.let + s.vacant == pytest.approx(s.area)
        assert {cid for cid, _ in s.tenants} == {c for c, f in placements.items() if s.level in f}
        sides = [0 if min(placements[c]) < s.level else (2 if max(placements[c]) > s.level else 1)
                 for c, _ in s.tenants]
        assert sides == sorted(sides)  # from below first, onward above last


# -- identity network ----------------------------------------------------------------------------


def test_identity_network_renders_links_as_weights(example, tmp_path: Path) -> None:
    _, pool, result = example
    best = result.programmes[0]
    by_id = {c.id: c for c in pool}
    fig = identity_network(best, pool, path=tmp_path / "net.png", min_weight=0.2, dpi=80)
    image = matplotlib.image.imread(tmp_path / "net.png")
    assert image[..., :3].std() > 0.05
    gids = {c.get_gid(): c for c in fig.axes[0].collections}
    assert set(gids) == {"tenant-identity", "tenants", "identities"}
    expected = [w for cid in best.tenants for w in by_id[cid].identities.values() if w >= 0.2]
    links = gids["tenant-identity"]
    assert len(links.get_segments()) == len(expected)
    assert sorted(links.get_linewidths()) == pytest.approx(sorted(0.6 + 5 * w for w in expected))
    assert len(gids["tenants"].get_offsets()) == len(best.placements)

    network = example_profile().network(pool)
    again = identity_network(best, pool, network=network, seed=3)
    same = identity_network(best, pool, network=network, seed=3)
    found = {c.get_gid(): c for c in again.axes[0].collections}
    assert "identity-identity" in found
    assert np.allclose(found["tenants"].get_offsets(), {c.get_gid(): c for c in same.axes[0].collections}[
        "tenants"].get_offsets())  # deterministic layout


# -- HTML and Markdown ------------------------------------------------------------------------------

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_html_report_is_self_contained_and_shows_each_top_programme(example, tmp_path: Path) -> None:
    building, pool, result = example
    profile = example_profile()
    page = to_html(result, building, pool, profile=profile, top=2)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not _EXTERNAL.search(page)
    assert "http://" not in page and "https://" not in page
    assert "<link" not in page and "<script" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3  # two stacking plans and the identity network
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data in images)
    by_id = {c.id: c for c in pool}
    for i, p in enumerate(result.programmes[:2], start=1):
        assert f"Programme #{p.rank or i}" in page
        assert f"{p.score:.3f}" in page
        for cid in p.placements:
            assert escape(by_id[cid].name) in page
    assert "Programme #3" not in page
    assert escape(result.status.message) in page
    assert "Positioning" in page and "Strengths" in page and "Opportunities" in page
    for name in breakdown_table(result.programmes[:2]).index:
        assert f"<td>{name}</td>" in page
    (tmp_path / "report.html").write_text(page, encoding="utf-8")

    plain = to_html(result, building, pool, top=1, pictures=False)  # no profile: no culture sections
    assert "SWOT" not in plain and "data:image" not in plain and "Programme #1" in plain
    with pytest.raises(ValueError, match="top"):
        to_html(result, building, pool, top=0)


def test_html_report_of_an_infeasible_request_explains_it(example) -> None:
    building, pool, _ = example
    status = MatchStatus(code="infeasible", message="min_occupancy 0.8 needs 4,720 m²; candidates offer 2,450 m²",
                         reasons=("min_occupancy 0.8 needs 4,720 m²; candidates offer 2,450 m²", "no heart"))
    empty = MatchResult(programmes=(), status=status)
    page = to_html(empty, building, pool)
    assert "Status: infeasible" in page and "4,720 m²" in page and "no heart" in page
    assert "Programme #" not in page
    text = to_markdown(empty, building, pool)
    assert "infeasible" in text and "Programme #" not in text


def test_markdown_report_has_tables_and_optional_pictures(example, tmp_path: Path) -> None:
    building, pool, result = example
    text = to_markdown(result, building, pool, profile=example_profile(), top=2, images=tmp_path / "img",
                       link="img")
    assert text.startswith(f"# Tenant programmes for {building.name}")
    for i, p in enumerate(result.programmes[:2], start=1):
        assert f"## Programme #{p.rank or i}: score {p.score:.3f}" in text
        assert f"![stacking plan of programme #{p.rank or i}](img/programme-{p.rank or i}.png)" in text
        assert (tmp_path / "img" / f"programme-{p.rank or i}.png").stat().st_size > 1000
    assert (tmp_path / "img" / "identity-network.png").exists()
    assert "| component | weight | #1 value | #1 contribution |" in text
    assert "### SWOT" in text and "### Positioning" in text
    bare = to_markdown(result, building, pool, top=1)
    assert "![" not in bare and "SWOT" not in bare


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_html_report_renders_in_headless_chromium(example, tmp_path: Path) -> None:
    building, pool, result = example
    page = tmp_path / "report.html"
    page.write_text(to_html(result, building, pool, top=2), encoding="utf-8")
    shot = tmp_path / "shot.png"
    profile_dir = tmp_path / "chromium-profile"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile_dir}", f"--screenshot={shot}", "--window-size=1200,900"]
    subprocess.run([str(CHROMIUM), *flags, page.as_uri()], capture_output=True, timeout=120, check=False)
    shutil.rmtree(profile_dir, ignore_errors=True)
    image = matplotlib.image.imread(shot)
    assert image.shape[:2] == (900, 1200)
    assert image[..., :3].std() > 0.05  # the page rendered, not a blank window
