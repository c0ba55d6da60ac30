"""Tests for objectmatch.report: the report as one document and its renderers (Markdown, HTML, terminal),
escaping in every format, the money and participation sections, the stacking plan and identity network."""

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
    Scenario,
    ScenarioSet,
    ScoreBreakdown,
    load_example,
    match,
)
from objectmatch._engine.terms import TERMS
from objectmatch.culture import example_participation, example_profile
from objectmatch.options import MatchOptions
from objectmatch.report import (
    FUNCTION_COLOURS,
    VACANT_HATCH,
    Document,
    FigureStyle,
    NetworkOptions,
    Paragraph,
    Picture,
    Section,
    breakdown_table,
    document,
    floor_stack,
    floor_table,
    function_colour,
    function_mix,
    identity_network,
    render_html,
    render_markdown,
    save_figure,
    stacking_plan,
    to_html,
    to_markdown,
    to_text,
    write_report,
)
from objectmatch.report._escape import html_text, markdown_text
from objectmatch.report._voice import TITLE as PARTICIPATION_TITLE
from objectmatch.report.palette import UNKNOWN_COLOUR, order_functions, text_colour
from objectmatch.strategies import buildings

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = ["<script>alert(1)</script>", r"$\frac{1$", "[bold red]styled[/]", "**bold** | pipe _x_ `code`",
           "# heading", "- item", "$x$ and $y$", "a\\$b"]


@pytest.fixture(scope="module")
def example() -> tuple[Building, list[Candidate], MatchResult]:
    """The README's match of the bundled example, shortened to one second."""
    building, pool = load_example()
    result = match(building, pool, k=3, time_limit=1.0, profile=example_profile(),
                   participation=example_participation())
    assert len(result.programmes) >= 2
    return building, pool, result


@pytest.fixture(scope="module")
def plain_result() -> MatchResult:
    """A match without a profile or participation round."""
    building, pool = load_example()
    return match(building, pool, k=2, time_limit=1.0)


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


def _vacant(fig: Figure) -> dict[int, list[object]]:
    out: dict[int, list[object]] = {}
    for p in fig.axes[0].patches:
        gid = p.get_gid() or ""
        if gid.startswith("vacant:"):
            out.setdefault(int(gid.split(":")[1]), []).append(p)
    return out


def _hand_building() -> tuple[Building, list[Candidate], Programme]:
    """Four floors with a basement and floors of different sizes, three tenants, two of them on two floors."""
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


def _renamed(result: MatchResult, names: list[str]) -> MatchResult:
    """The result with the best programme's tenants renamed (validated, as every input is)."""
    best = set(result.programmes[0].placements)
    chosen = [c for c in result.candidates if c.id in best]
    new = {c.id: Candidate.model_validate({**c.model_dump(), "name": names[i % len(names)]})
           for i, c in enumerate(chosen)}
    return result.model_copy(update={"candidates": tuple(new.get(c.id, c) for c in result.candidates)})


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
    fig = stacking_plan(best, building, pool, path=path, style=FigureStyle(dpi=100))
    image = matplotlib.image.imread(path)
    width, height = fig.get_size_inches()
    assert image.shape[:2] == (round(height * 100), round(width * 100))
    rgb = image[..., :3]
    assert rgb.std() > 0.1  # not blank
    assert len(np.unique(rgb.reshape(-1, 3).round(2), axis=0)) > 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.png"]  # written atomically: no temporary file left

    bars = _patches(fig, "placement:")
    expected = {f"placement:{cid}:{lv}" for cid, floors in best.placements.items() for lv in floors}
    assert set(bars) == expected
    by_id = {c.id: c for c in pool}
    rows = {lv: i for i, lv in enumerate(building.levels)}
    for gid, bar in bars.items():
        _, cid, level = gid.split(":")
        assert bar.get_width() == pytest.approx(best.placements[cid][int(level)])  # width in m²
        assert bar.get_y() + bar.get_height() / 2 == pytest.approx(rows[int(level)])  # ground floor at the bottom
        assert bar.get_facecolor() == pytest.approx(to_rgba(function_colour(by_id[cid].function)))
        assert bar.get_x() >= -1e-9 and bar.get_x() + bar.get_width() <= building.floor(int(level)).area + 1e-6
    outlines = _patches(fig, "floor:")
    assert {g: p.get_width() for g, p in outlines.items()} == {f"floor:{f.level}": f.area for f in building.floors}
    assert bool(_vacant(fig)) == (best.occupancy < 1 - 1e-9)
    title = fig.axes[0].get_title(loc="left")
    assert f"{best.score:.3f}" in title and f"{best.occupancy:.0%}" in title


def test_a_tenant_on_several_floors_is_one_aligned_bar(tmp_path: Path) -> None:
    building, pool, programme = _hand_building()
    fig = stacking_plan(programme, building, pool, path=tmp_path / "plan.svg")
    bars = _patches(fig, "placement:")
    rows = {lv: i for i, lv in enumerate(building.levels)}
    for cid, low, high in (("gym", -1, 0), ("desk", 1, 2)):
        a, b = bars[f"placement:{cid}:{low}"], bars[f"placement:{cid}:{high}"]
        assert a.get_x() == pytest.approx(b.get_x())  # the same x on each floor
        span = _patches(fig, "span:")[f"span:{cid}:{low}:{high}"]  # and joined across the slab between them
        assert span.get_x() == pytest.approx(a.get_x())
        assert span.get_width() == pytest.approx(min(a.get_width(), b.get_width()))
        assert span.get_y() <= a.get_y() + a.get_height() and span.get_y() + span.get_height() >= b.get_y()
        assert span.get_facecolor() == a.get_facecolor() == b.get_facecolor()
        assert rows[high] == rows[low] + 1
        labels = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith(f"label:{cid}:")]
        assert len(labels) == 1  # one label per tenant, however many floors it spans
    assert set(_patches(fig, "span:")) == {"span:gym:-1:0", "span:desk:1:2"}
    root = ET.parse(tmp_path / "plan.svg").getroot()  # valid XML
    assert root.tag.endswith("svg")


def test_basement_below_ground_floor_and_rows_as_wide_as_their_floor() -> None:
    building, pool, programme = _hand_building()
    fig = stacking_plan(programme, building, pool)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["-1 basement", "0 ground", "1", "2"]
    bars = _patches(fig, "placement:")
    assert bars["placement:gym:-1"].get_y() < bars["placement:gym:0"].get_y() < bars["placement:desk:1"].get_y()
    assert bars["placement:gym:0"].get_x() == 0 and bars["placement:shop:0"].get_x() == pytest.approx(100)
    assert {g: p.get_width() for g, p in _patches(fig, "floor:").items()} == {
        "floor:-1": 300, "floor:0": 400, "floor:1": 600, "floor:2": 600}
    assert set(_vacant(fig)) == {0, 2}


def test_vacant_area_is_hatched_on_the_floors_left_empty(example) -> None:
    building, pool, result = example
    best = result.programmes[0]
    drop = {best.tenants[0], best.tenants[-1]}
    partial = _without(best, drop, pool, building)
    assert partial.occupancy < 1
    fig = partial.plot(building, pool)  # Programme.plot delegates to report.stacking_plan
    vacant = _vacant(fig)
    stacks = floor_stack(partial, building)
    assert set(vacant) == {s.level for s in stacks if s.vacant > 0}
    for s in stacks:
        if s.vacant > 0:
            assert all(p.get_hatch() == VACANT_HATCH for p in vacant[s.level])
            assert math.fsum(p.get_width() for p in vacant[s.level]) == pytest.approx(s.vacant)
    assert len(_patches(fig, "placement:")) == sum(len(f) for f in partial.placements.values())
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[-1] == "vacant" and set(legend[:-1]) == set(partial.functions)


def test_labels_that_do_not_fit_become_numbers_named_in_a_key(example) -> None:
    building, pool, result = example
    best = result.programmes[0]
    fig = stacking_plan(best, building, pool, style=FigureStyle(width=5.0))  # narrow: most names do not fit
    ax = fig.axes[0]
    fig.draw_without_rendering()
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label:")]
    assert {t.get_gid().split(":")[1] for t in labels} <= set(best.placements)
    key = ax.get_legend()
    assert key is not None and key.get_gid() == "key"
    entries = [t.get_text() for t in key.get_texts()]
    numbers = [e.split("  ", 1)[0] for e in entries]
    assert numbers == [str(i) for i in range(1, len(entries) + 1)]
    shown = {t.get_text().split("\n")[0] for t in labels}
    assert {n for n in numbers if n in shown}  # numbers drawn in bars are explained in the key
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):  # no two labels overlap
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b) or a.intersection(a, b).width * a.intersection(a, b).height < 1.0


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


def test_hostile_names_are_drawn_as_written(example, tmp_path: Path) -> None:
    building, _, result = example
    hostile = _renamed(result, HOSTILE)
    best = hostile.programmes[0]
    fig = stacking_plan(best, building, list(hostile.candidates), path=tmp_path / "plan.png")  # no mathtext error
    texts = [t.get_text() for t in fig.axes[0].texts] + [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    for text in texts:  # every $ escaped: matplotlib never reads a name as mathtext
        assert text.count("$") == text.count(r"\$")
    assert all(not t.get_usetex() for t in fig.axes[0].texts)
    identity_network(best, list(hostile.candidates), path=tmp_path / "net.png")
    assert (tmp_path / "net.png").stat().st_size > 1000


def test_save_figure_is_atomic(tmp_path: Path) -> None:
    building, pool, programme = _hand_building()
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")
    fig = stacking_plan(programme, building, pool)

    class Broken(Exception):
        pass

    def fail(*args: object, **kwargs: object) -> None:
        raise Broken

    original = fig.savefig
    fig.savefig = fail  # type: ignore[method-assign]
    with pytest.raises(Broken):
        save_figure(fig, target)
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf"]
    fig.savefig = original  # type: ignore[method-assign]
    save_figure(fig, target)
    assert target.read_bytes().startswith(b"%PDF")


# -- tables and layout ------------------------------------------------------------------------------


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


@settings(max_examples=40, deadline=None)
@given(building=buildings(max_floors=5), data=st.data())
def test_floor_layout_keeps_every_m2_and_aligns_spanning_tenants(building: Building, data: st.DataObject) -> None:
    levels = list(building.levels)
    placements: dict[str, dict[int, float]] = {}
    left = {f.level: float(f.area) for f in building.floors}
    for k in range(data.draw(st.integers(0, 7))):
        start = data.draw(st.sampled_from(range(len(levels))))
        span = levels[start : start + data.draw(st.integers(1, 3))]
        floors = {}
        for lv in span:
            area = math.floor(left[lv] * data.draw(st.floats(0.05, 0.6)))
            if area >= 1:
                floors[lv] = float(area)
                left[lv] -= area
        if floors:
            placements[f"t{k}"] = floors
    programme = Programme(placements=placements, tenants=tuple(sorted(placements, key=lambda c: min(placements[c]))),
                          score=0.0, breakdown=ScoreBreakdown(total=0.0, components={}), occupancy=0.0, functions=())
    stacks = floor_stack(programme, building)
    assert [s.level for s in stacks] == levels
    starts: dict[str, set[float]] = {}
    for s in stacks:
        assert s.let + s.vacant == pytest.approx(s.area)
        assert {cid for cid, _ in s.tenants} == {c for c, f in placements.items() if s.level in f}
        x = 0.0
        for slot in s.slots:  # the slots tile the floor from 0 to its area: no gap, no overlap, nothing beyond
            assert slot.x == pytest.approx(x) and slot.width > 0
            x += slot.width
            if slot.candidate is not None:
                assert slot.width == placements[slot.candidate][s.level]
                starts.setdefault(slot.candidate, set()).add(round(slot.x, 6))
        assert x == pytest.approx(s.area)
    spanning = [c for c, f in placements.items() if len(f) > 1]
    shared = any(set(placements[a]) & set(placements[b]) for i, a in enumerate(spanning) for b in spanning[i + 1 :])
    if not shared:  # spanning tenants on floors of their own: each one starts at one x on all its floors
        assert all(len(starts[c]) == 1 for c in spanning)


# -- identity network ----------------------------------------------------------------------------


def test_identity_network_renders_links_as_weights(example, tmp_path: Path) -> None:
    _, pool, result = example
    best = result.programmes[0]
    by_id = {c.id: c for c in pool}
    fig = identity_network(best, pool, path=tmp_path / "net.png", options=NetworkOptions(min_weight=0.2),
                           style=FigureStyle(dpi=80))
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
    again = identity_network(best, pool, network=network, options=NetworkOptions(seed=3))
    same = identity_network(best, pool, network=network, options=NetworkOptions(seed=3))
    found = {c.get_gid(): c for c in again.axes[0].collections}
    assert "identity-identity" in found
    assert np.allclose(found["tenants"].get_offsets(), {c.get_gid(): c for c in same.axes[0].collections}[
        "tenants"].get_offsets())  # deterministic layout


# -- the document and its renderers -------------------------------------------------------------------


def test_every_renderer_renders_the_same_sections(example, tmp_path: Path) -> None:
    _, _, result = example
    doc = document(result, top=2)
    assert doc.keys == ("overview", "status", "glance", "programme-1", "programme-2", "money", "participation",
                        "breakdown", "comparison", "left-out", "network")
    markdown = render_markdown(doc, images=tmp_path / "img", link="img")
    page = render_html(doc, pictures=False)
    text = to_text(doc, width=400)
    assert markdown.startswith(f"# {markdown_text(doc.title)}\n")
    for section in doc:
        assert f"\n## {markdown_text(section.title)}\n" in markdown
        assert f"<h2>{html_text(section.title)}</h2>" in page
        assert f"\n{section.title}\n" in text
        for table in section.tables():
            for head in table.header:
                assert html_text(head) in page and markdown_text(head) in markdown and head in text
            for row in table.rows:  # every cell of every table, in every format
                for cell in row.cells:
                    assert html_text(cell) in page and markdown_text(cell) in markdown and cell in text
    order = [page.index(f"<h2>{html_text(s.title)}</h2>") for s in doc]
    assert order == sorted(order)
    order = [text.index(f"\n{s.title}\n") for s in doc]
    assert order == sorted(order)
    assert (tmp_path / "img" / "programme-1.png").stat().st_size > 1000
    assert "![stacking plan of programme \\#1](img/programme-1.png)" not in markdown  # '#' escaped only at line start
    assert "![stacking plan of programme #1](img/programme-1.png)" in markdown
    assert (tmp_path / "img" / "identity-network.png").exists()
    assert "[picture: stacking plan of programme #1" in text  # the terminal names the pictures


def test_hostile_names_are_escaped_in_every_format(example) -> None:
    _, _, result = example
    hostile = _renamed(result, HOSTILE)
    doc = document(hostile, top=1)
    page = render_html(doc, pictures=False)
    markdown = render_markdown(doc)
    text = to_text(doc, width=400)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in markdown and "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert r"\*\*bold\*\* \| pipe \_x\_ \`code\`" in markdown
    assert "\n- item" not in markdown.replace("\n- item\n", "")  # a name never starts a list item of its own
    assert r"\$\\frac\{1\$" in markdown  # no math in any Markdown flavour
    assert "[bold red]styled[/]" in text and "<script>alert(1)</script>" in text  # shown as written
    from rich.console import Console

    console = Console(record=True, force_terminal=True, color_system="truecolor", width=400)
    from objectmatch.report import to_terminal

    to_terminal(doc, console)
    assert "[bold red]styled[/]" in console.export_text()  # rich markup in a name is text, never style
    page = to_html(hostile, top=1)  # with the pictures: matplotlib draws every name
    assert page.count("data:image/png;base64,") == 2


def test_control_characters_never_reach_any_output() -> None:
    doc = Document("Report\x1b[2J", (Section("s", "Status\x07", (Paragraph("a\x1b]0;title\x07b\x00c"),)),))
    for out in (render_markdown(doc), render_html(doc), to_text(doc)):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), repr(out)
        assert "abc" in out


def test_the_rent_roll_sums_to_the_annual_rent(example) -> None:
    _, _, result = example
    doc = document(result)
    best = result.programmes[0]
    (table,) = doc["money"].tables()
    rows = [r for r in table.rows if r.kind != "total"]
    (total,) = [r for r in table.rows if r.kind == "total"]
    rents = [float(c.replace(",", "")) for c in table.column("annual rent EUR")]
    assert len(rows) == len(best.rent_roll) == sum(len(f) for f in best.placements.values())
    assert math.fsum(rents[:-1]) == pytest.approx(best.annual_rent, abs=0.5 * len(rows))  # each cell rounded
    assert total.cells[-1] == f"{best.annual_rent:,.0f}"
    assert total.cells[3] == f"{best.area:,.0f}"
    index = table.header.index
    for row in rows:
        asking, agreed = (float(row.cells[index(h)].replace(",", "")) for h in ("asking EUR/m²/yr", "agreed EUR/m²/yr"))
        assert agreed <= asking
        assert bool(row.cells[index("discount")]) == (agreed < asking) == (row.tone == "warn")
    words = " ".join(p.text for p in doc["money"].blocks if isinstance(p, Paragraph))
    assert f"{best.annual_rent:,.0f} EUR a year" in words and f"{best.rent_share:.1%}" in words
    below = best.rent_roll[best.rent_roll["discount"] > 1e-9]
    if len(below):
        assert f"{below['candidate'].nunique()} tenants pay below asking" in words
        assert f"{best.asking_rent_roll - best.annual_rent:,.0f} EUR a year less" in words


def test_min_rent_share_is_reported_against_the_programme(example) -> None:
    _, _, result = example
    options = result.options.model_copy(update={"constraints": result.options.constraints.model_copy(
        update={"min_rent_share": 0.5})})
    doc = document(result.model_copy(update={"options": options}))
    words = [p for p in doc["money"].blocks if isinstance(p, Paragraph) and "min_rent_share" in p.text]
    assert len(words) == 1 and "at least 50%" in words[0].text and words[0].tone == "good"


def test_the_participation_section_comes_with_a_round_and_not_without(example, plain_result) -> None:
    _, _, result = example
    assert "participation" in document(result)  # the round the result was matched with
    assert "participation" not in document(plain_result)
    with_round = document(plain_result, participation=example_participation())
    section = with_round["participation"]
    assert section.title == PARTICIPATION_TITLE
    for render in (render_markdown, render_html, to_text):
        out = render(with_round)
        assert markdown_text(PARTICIPATION_TITLE) in out or html_text(PARTICIPATION_TITLE) in out
        assert "Wishes" in out and "Objections" in out and "Volunteers" in out
    for render in (render_markdown, render_html, to_text):
        assert "What the neighbourhood asked for" not in render(document(plain_result))
    round_ = example_participation()
    wishes, objections, volunteers = section.tables()
    assert wishes.column("wish") == sorted(round_.strengths().wish, key=lambda t: (-round_.strengths().wish[t], t))
    assert set(objections.column("objection")) == set(round_.strengths().objection)
    assert volunteers.column("volunteers for") == [g.activity for g in round_.volunteer_groups()]
    best = plain_result.programmes[0]
    names = {c.id: c.name for c in plain_result.candidates}
    carried = [names[c] for c in best.tenants
               if round_.carries(next(x for x in plain_result.candidates if x.id == c).activity)]
    involved = " ".join(volunteers.column("involved through"))
    assert all(name in involved for name in carried)


def test_breakdown_uses_the_terms_labels_and_what_they_measure(example) -> None:
    _, _, result = example
    section = document(result)["breakdown"]
    (table,) = section.tables()
    labels = {t.name: t for t in TERMS}
    present = [n for n in result.programmes[0].breakdown.components if n in labels]
    assert table.column("component")[:-1] == [labels[n].label for n in present]
    measures = next(b for b in section.blocks if type(b).__name__ == "ItemList")
    assert list(measures.items) == [f"{labels[n].label}: {labels[n].measures}" for n in present]


def test_comparison_left_out_and_status(example) -> None:
    _, _, result = example
    doc = document(result)
    (reading,) = doc["comparison"].blocks
    assert isinstance(reading, Paragraph) and reading.text == result.compare(0, 1)
    (table,) = doc["left-out"].tables()
    names = {c.id: c.name for c in result.candidates}
    assert sorted(zip(table.column("candidate"), table.column("why"), strict=True)) == sorted(
        (names[cid], why) for cid, why in result.left_out.items())
    status = doc["status"].blocks[0]
    assert isinstance(status, Paragraph) and status.text == result.status.message
    facts = doc["status"].blocks[1].text
    assert ("proven optimal" in facts) and (("gap" in facts) == (result.status.gap is not None))
    assert ("cut the work short" in facts) == result.status.clock_stopped


def test_the_scenarios_section_compares_each_lead(example) -> None:
    building, pool, result = example
    failed = MatchStatus(code="infeasible", message="lead function 'sport': no feasible candidate has it")
    scenarios = ScenarioSet(building=building, candidates=tuple(pool), options=MatchOptions(),
                            scenarios=(Scenario(lead="office", programme=result.best, status=result.status),
                                       Scenario(lead="sport", programme=None, status=failed)))
    doc = document(result, scenarios=scenarios)
    (table,) = doc["scenarios"].tables()
    assert table.column("lead") == ["office", "sport"]
    assert table.column("score")[0] == f"{result.best.score:.3f}" and table.column("functions")[1] == "no programme"
    assert table.column("annual rent EUR")[0] == f"{result.best.annual_rent:,.0f}"
    assert "sport: lead function 'sport'" in to_text(doc, width=300)
    assert "scenarios" not in document(result)


def test_an_infeasible_result_reports_its_reasons(example) -> None:
    building, pool, _ = example
    status = MatchStatus(code="infeasible", message="min_occupancy 0.8 needs 4,720 m²; candidates offer 2,450 m²",
                         reasons=("min_occupancy 0.8 needs 4,720 m²; candidates offer 2,450 m²", "no heart"))
    empty = MatchResult(building=building, candidates=tuple(pool), options=MatchOptions(), programmes=(),
                        status=status, left_out={pool[0].id: "cannot come in: too loud"})
    doc = document(empty)
    assert doc.keys == ("overview", "status", "left-out")
    page = to_html(empty)
    assert "Status: infeasible" in page and "4,720 m²" in page and "no heart" in page
    assert "Programme #" not in page and "data:image" not in page
    text = to_markdown(empty)
    assert "infeasible" in text and "Programme #" not in text and "too loud" in text


def test_html_report_is_self_contained(example, tmp_path: Path) -> None:
    _, _, result = example
    page = to_html(result, top=2)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page and "<link" not in page and "<script" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3  # two stacking plans and the identity network
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data in images)
    by_id = {c.id: c for c in result.candidates}
    for i, p in enumerate(result.programmes[:2], start=1):
        assert f"Programme #{p.rank or i}" in page and f"{p.score:.3f}" in page
        for cid in p.placements:
            assert escape(by_id[cid].name) in page
    assert "Programme #3" not in page
    assert "Positioning" in page and "Strengths" in page and "Opportunities" in page
    plain = to_html(result.model_copy(update={"options": MatchOptions()}), top=1, pictures=False)
    assert "SWOT" not in plain and "data:image" not in plain and "Programme #1" in plain  # no profile: no culture
    with pytest.raises(ValueError, match="top"):
        to_html(result, top=0)
    with pytest.raises(ValueError, match=r"pass them to objectmatch\.report\.document"):
        to_html(document(result), top=2)


def test_write_report_is_atomic_and_picks_the_format_by_suffix(example, tmp_path: Path) -> None:
    _, _, result = example
    doc = document(result, top=1)
    assert write_report(doc, tmp_path / "r.html", pictures=False).read_text(encoding="utf-8").startswith("<!DOCTYPE")
    write_report(doc, tmp_path / "r.md")
    assert (tmp_path / "r_img" / "programme-1.png").exists()
    assert "](r_img/programme-1.png)" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert write_report(doc, tmp_path / "r.txt").read_text(encoding="utf-8").startswith(doc.title)
    with pytest.raises(ValueError, match=r"\.html, \.htm, \.md"):
        write_report(doc, tmp_path / "r.pdf")

    def broken() -> Figure:
        raise RuntimeError("the picture failed")

    failing = Document("x", (Section("s", "S", (Picture("p", "p", broken),)),))
    (tmp_path / "keep.html").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        write_report(failing, tmp_path / "keep.html")
    assert (tmp_path / "keep.html").read_text(encoding="utf-8") == "old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_html_report_renders_in_headless_chromium(example, tmp_path: Path) -> None:
    _, _, result = example
    page = tmp_path / "report.html"
    page.write_text(to_html(result, top=2), encoding="utf-8")
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
