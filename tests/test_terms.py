"""The score terms, defined once (objectmatch._engine.terms): the component list, the weights, the
score model, each elementwise formula, and the tables of docs/scoring.md generated from them."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pydantic import ValidationError

from objectmatch._engine.scorer import REACH_CLASS
from objectmatch._engine.terms import (
    AREA_COMPONENTS,
    COMPONENTS,
    MAX_WEIGHT,
    NEGATIVE,
    PAIR_CLASSES,
    PAIR_COMPONENTS,
    TERMS,
    Kind,
    ScoreModel,
    Weights,
    access_fit,
    agreed_rent,
    budget_fit,
    count_component,
    floor_reach,
    noise_pair_table,
    publicness,
    rent_allowed,
    weighted_total,
)
from objectmatch.vocabulary import REACHES, Vocabulary, active_vocabulary, is_meeting_place

DOCS = Path(__file__).resolve().parents[1] / "docs" / "scoring.md"
PROPS = settings(max_examples=60, deadline=None)

unit = st.floats(0.0, 1.0, allow_nan=False)


# -- the component list ------------------------------------------------------------------------------


def test_components_are_the_terms_in_report_order() -> None:
    assert tuple(t.name for t in TERMS) == COMPONENTS
    assert len(set(COMPONENTS)) == len(COMPONENTS) == 15
    assert COMPONENTS == (
        "occupancy", "rent", "shared_identity", "complementarity", "time_complementarity", "conflict",
        "neighbourhood_fit", "building_fit", "budget_fit", "access", "support", "objection", "pioneer",
        "diversity", "heart",
    )


def test_kinds_and_signs_are_the_documented_ones() -> None:
    kind = {t.name: t.kind for t in TERMS}
    assert NEGATIVE == {"conflict", "objection"} == {t.name for t in TERMS if t.negative}
    assert set(AREA_COMPONENTS) == {
        "occupancy", "rent", "neighbourhood_fit", "building_fit", "budget_fit", "access", "support", "objection",
    }
    assert PAIR_COMPONENTS == ("shared_identity", "complementarity", "time_complementarity")
    assert kind["conflict"] is Kind.WORST_NEIGHBOUR
    assert {n for n, k in kind.items() if k is Kind.COUNT} == {"pioneer", "diversity"}
    assert {n for n, k in kind.items() if k is Kind.PRESENCE} == {"heart"}
    assert PAIR_CLASSES == ("all", "near", "same", "street")
    assert all(t.label and t.measures for t in TERMS)


def test_every_component_has_a_weight_and_a_sign() -> None:
    w = Weights()
    signed = w.signed()
    assert tuple(signed) == COMPONENTS
    for name in COMPONENTS:
        assert signed[name] == (-1.0 if name in NEGATIVE else 1.0) * getattr(w, name)


# -- Weights -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1.0, MAX_WEIGHT * 1.0001, 1e308, math.inf, math.nan])
def test_weights_out_of_bounds_are_refused_naming_the_weight(bad: float) -> None:
    with pytest.raises(ValidationError, match="occupancy"):
        Weights(occupancy=bad)


def test_weights_bounds_themselves_are_accepted_and_frozen() -> None:
    w = Weights(occupancy=0, conflict=MAX_WEIGHT)
    assert w.signed()["conflict"] == -MAX_WEIGHT and w.signed()["occupancy"] == 0.0
    with pytest.raises(ValidationError):
        w.occupancy = 2.0  # type: ignore[misc]
    with pytest.raises(ValidationError, match="no_such_weight"):
        Weights(no_such_weight=1.0)  # type: ignore[call-arg]


def test_weights_targets_and_shares_are_bounded() -> None:
    for field, bad in [("values_share", 1.5), ("network_strength", -0.1), ("diversity_target", 0),
                       ("pioneer_target", 51)]:
        with pytest.raises(ValidationError, match=field):
            Weights(**{field: bad})


def test_weighted_total_is_the_signed_sum_summed_exactly() -> None:
    w = Weights()
    comps = dict.fromkeys(COMPONENTS, 0.0) | {"occupancy": 1e16, "rent": 1.0, "conflict": 1e15 / 8}
    # 1e16 + 1 - 1e15 in floats depends on the order; fsum gives the exact sum
    assert weighted_total(comps, w) == math.fsum([1e16, 1.0, -1e15])
    comps = {name: 0.5 for name in COMPONENTS}
    assert weighted_total(comps, w) == pytest.approx(sum(0.5 * s for s in w.signed().values()), rel=1e-15)


# -- ScoreModel ----------------------------------------------------------------------------------------


def test_default_noise_table_is_the_excess_of_noise_over_tolerance_in_thirds() -> None:
    table = ScoreModel().noise_conflict
    assert table == tuple(tuple(max(0, n - t) / 3 for t in range(4)) for n in range(4))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([[0, 0, 0], [0, 0, 0], [0, 0, 0]], r"4 x 4"),
        ([[0, 0, 0, 0]] * 3 + [[0, 0, 0]], r"4 x 4"),
        ([[0, 0, 0, 1.5]] + [[0, 0, 0, 0]] * 3, r"less than or equal to 1"),
        ([[0, 0, 0, -0.1]] + [[0, 0, 0, 0]] * 3, r"greater than or equal to 0"),
    ],
)
def test_score_model_refuses_a_bad_noise_table(table: list[list[float]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ScoreModel(noise_conflict=table)  # type: ignore[arg-type]


def test_proximity_may_not_grow_with_distance() -> None:
    with pytest.raises(ValidationError, match="same_floor >= adjacent_floor >= elsewhere"):
        ScoreModel(same_floor=0.5, adjacent_floor=0.6)
    with pytest.raises(ValidationError, match="same_floor >= adjacent_floor >= elsewhere"):
        ScoreModel(elsewhere=0.75)
    m = ScoreModel(same_floor=0.9, adjacent_floor=0.4, elsewhere=0.1)
    inc = m.proximity_increments()
    assert inc == pytest.approx({"all": 0.1, "near": 0.3, "same": 0.5})
    # the increments add up to the proximity of each class: elsewhere, adjacent, same floor
    assert inc["all"] + inc["near"] == pytest.approx(m.adjacent_floor)
    assert inc["all"] + inc["near"] + inc["same"] == pytest.approx(m.same_floor)


def test_score_model_is_frozen_and_strict() -> None:
    m = ScoreModel()
    with pytest.raises(ValidationError):
        m.same_floor = 0.5  # type: ignore[misc]
    for field, bad in [("public_visitors", 0.0), ("full_headroom", 0.0), ("reach_with_lift", 1.5),
                       ("public_visitors", math.nan)]:
        with pytest.raises(ValidationError, match=field):
            ScoreModel(**{field: bad})


# -- the elementwise formulas ---------------------------------------------------------------------------


def test_publicness_is_visitors_over_the_public_threshold_capped() -> None:
    assert publicness(np.array([0.0, 50.0, 200.0, 1e6]), ScoreModel()).tolist() == [0.0, 0.25, 1.0, 1.0]
    assert publicness(np.array([50.0]), ScoreModel(public_visitors=100)).tolist() == [0.5]


def test_floor_reach_by_level_street_and_lift() -> None:
    m = ScoreModel()
    levels = np.array([0, 0, 1, 3, 3, -1, 5])
    street = np.array([True, False, False, False, False, False, True])
    lift = np.array([True, True, True, True, False, True, False])
    got = floor_reach(levels, street, lift, m)
    # a street-facing floor is reached fully at any level (a sloping site); the ground floor off the
    # street is 0 levels up; a basement is |level| levels away
    assert got.tolist() == pytest.approx([1.0, 1.0, 0.8, 0.8**3, 0.5**3, 0.8, 1.0], rel=1e-15)


def test_access_fit_examples() -> None:
    assert access_fit(np.array([0.0, 1.0, 0.75]), np.array([0.25, 0.25, 1.0])).tolist() == [1.0, 0.25, 1.0]
    # docs/scoring.md (a): the yoga studio (publicness 1/5) on level 2 without a lift (reach 1/4)
    assert float(access_fit(0.2, 0.25)) == pytest.approx(float(Fraction(17, 20)), abs=1e-15)


def test_agreed_rent_is_the_asking_rent_or_what_the_tenant_can_pay() -> None:
    assert agreed_rent(np.array([200.0, 150.0, 150.0]), np.array([150.0, 210.0, np.inf])).tolist() == [
        150.0, 150.0, 150.0,
    ]


def test_rent_allowed_within_the_largest_discount_inclusive() -> None:
    asking = np.array([100.0, 100.0, 100.0, 200.0])
    max_rent = np.array([70.0, 69.99, np.inf, 140.0])
    assert rent_allowed(asking, max_rent, 0.3).tolist() == [True, False, True, True]
    assert rent_allowed(asking, max_rent, 0.0).tolist() == [False, False, True, False]


def test_budget_fit_half_at_the_asking_rent_full_at_the_headroom() -> None:
    m = ScoreModel()
    rent = np.array([200.0, 200.0, 200.0, 200.0, 200.0, 200.0])
    max_rent = np.array([200.0, 240.0, 210.0, 180.0, 150.0, np.inf])
    # 0 headroom: 0.5; 20 %: 1; 5 %: 0.625; -10 %: 0.25; -25 %: clipped to 0; no budget: 1
    assert budget_fit(rent, max_rent, m).tolist() == pytest.approx([0.5, 1.0, 0.625, 0.25, 0.0, 1.0], abs=1e-15)
    assert budget_fit(np.array([200.0]), np.array([210.0]), ScoreModel(full_headroom=0.05)).tolist() == [1.0]


def test_noise_pair_table_is_symmetric_and_the_worse_of_both_ways() -> None:
    table = [[0, 0, 0, 0], [0.2, 0, 0, 0], [0.6, 0.3, 0, 0], [1, 0.9, 0.4, 0]]
    t = noise_pair_table(ScoreModel(noise_conflict=table))  # type: ignore[arg-type]
    assert t.shape == (16, 16)
    np.testing.assert_array_equal(t, t.T)
    for a in range(16):
        for b in range(16):
            assert t[a, b] == max(table[a // 4][b % 4], table[b // 4][a % 4])


def test_count_component_is_capped_share_of_the_target() -> None:
    assert [count_component(k, 4) for k in range(7)] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


@PROPS
@given(
    visitors=hnp.arrays(np.float64, 8, elements=st.floats(0, 1e6)),
    levels=hnp.arrays(np.int64, 8, elements=st.integers(-5, 200)),
    street=hnp.arrays(np.bool_, 8),
    lift=hnp.arrays(np.bool_, 8),
    asking=hnp.arrays(np.float64, 8, elements=st.floats(1, 10_000)),
    max_rent=hnp.arrays(np.float64, 8, elements=st.floats(1, 10_000) | st.just(np.inf)),
    with_lift=unit,
    without_lift=unit,
    headroom=st.floats(0.01, 10),
)
def test_every_per_m2_formula_stays_in_the_unit_interval(  # noqa: PLR0913 (one argument per drawn array)
    visitors: np.ndarray, levels: np.ndarray, street: np.ndarray, lift: np.ndarray, asking: np.ndarray,
    max_rent: np.ndarray, with_lift: float, without_lift: float, headroom: float,
) -> None:
    m = ScoreModel(reach_with_lift=with_lift, reach_without_lift=without_lift, full_headroom=headroom)
    public = publicness(visitors, m)
    reach = floor_reach(levels, street, lift, m)
    for arr in (public, reach, access_fit(public, reach), budget_fit(asking, max_rent, m)):
        assert ((arr >= 0) & (arr <= 1)).all()
    assert (reach[street] == 1).all()
    assert (agreed_rent(asking, max_rent) <= asking).all()
    # rent_allowed is monotone in the budget and the discount
    assert (rent_allowed(asking, max_rent, 0.0) <= rent_allowed(asking, max_rent, 0.3)).all()


@PROPS
@given(st.lists(st.lists(unit, min_size=4, max_size=4), min_size=4, max_size=4))
def test_noise_pair_table_of_any_valid_table_is_symmetric_in_the_unit_interval(table: list[list[float]]) -> None:
    t = noise_pair_table(ScoreModel(noise_conflict=table))  # type: ignore[arg-type]
    np.testing.assert_array_equal(t, t.T)
    assert ((t >= 0) & (t <= 1)).all()


# -- the vocabulary data the terms read -----------------------------------------------------------------


def test_every_need_and_offer_has_a_reach_and_every_reach_a_pair_class() -> None:
    vocab = active_vocabulary()
    assert set(REACH_CLASS) == set(REACHES) == {"building", "floor", "street"}
    assert set(REACH_CLASS.values()) <= set(PAIR_CLASSES)
    for tag in vocab.needs_offers:
        assert vocab.reach(tag) in REACHES
    assert (vocab.reach("catering"), vocab.reach("foot_traffic"), vocab.reach("workshop")) == (
        "building", "street", "floor",
    )
    assert Vocabulary.default().extend(needs_offers=["darkroom"]).reach("darkroom") == "building"


@pytest.mark.parametrize(
    ("activity", "meets"),
    [("cafe", True), ("Community kitchen", True), ("buurtcafe", True), ("library", True),
     ("GP practice", False), ("dentist", False), ("coworking", False), ("yoga studio", False)],
)
def test_meeting_places_are_vocabulary_data(activity: str, meets: bool) -> None:
    assert is_meeting_place(activity) is meets


# -- the tables of docs/scoring.md ------------------------------------------------------------------------


def _number(value: float) -> str:
    return format(value, "g")


def components_table() -> str:
    lines = ["| component | kind | sign | measures |", "| --- | --- | --- | --- |"]
    for t in TERMS:
        lines.append(f"| `{t.name}` | {t.kind.value} | {'−' if t.negative else '+'} | {t.measures} |")
    return "\n".join(lines)


def weights_table() -> str:
    lines = ["| field | default | meaning |", "| --- | --- | --- |"]
    for name, info in Weights.model_fields.items():
        lines.append(f"| `{name}` | {_number(info.default)} | {info.description} |")
    return "\n".join(lines)


def _markdown(text: str | None) -> str:
    """A description as table text: brackets escaped, or mkdocs reads ``a[b][c]`` as a reference link."""
    return (text or "").replace("[", "\\[").replace("]", "\\]")


def score_model_table() -> str:
    lines = ["| field | default | meaning |", "| --- | --- | --- |"]
    for name, info in ScoreModel.model_fields.items():
        default = "`max(0, noise − tolerance) / 3`" if name == "noise_conflict" else _number(info.default)
        lines.append(f"| `{name}` | {default} | {_markdown(info.description)} |")
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("marker", "table"),
    [("components-table", components_table), ("weights-table", weights_table),
     ("score-model-table", score_model_table)],
)
def test_docs_tables_match_the_code(marker: str, table: object) -> None:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:start -->\n(.*?)\n<!-- {marker}:end -->", text, re.S)
    assert found is not None, f"docs/scoring.md lacks the {marker} markers"
    expected = table()  # type: ignore[operator]
    assert found.group(1) == expected, f"update docs/scoring.md ({marker}) with:\n{expected}"


def test_docs_have_a_section_per_component() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in COMPONENTS:
        assert f"\n### {name.replace('_', ' ')}\n" in text, name
