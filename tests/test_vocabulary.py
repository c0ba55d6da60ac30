"""Vocabulary data the scorer reads (offer reach, meeting places), tag normalisation and messages."""

from __future__ import annotations

import pickle
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from objectmatch import Candidate, load_example
from objectmatch.vocabulary import (
    DEFAULT_MEETING_ACTIVITIES,
    DEFAULT_NEEDS_OFFERS,
    DEFAULT_OFFER_REACH,
    PUBLIC_FUNCTIONS,
    REACHES,
    ObjectmatchWarning,
    Vocabulary,
    is_meeting_place,
    normalise_tag,
    use_vocabulary,
)

DEFAULT = Vocabulary.default()


# -- reach ----------------------------------------------------------------------------------------


def test_every_default_need_or_offer_has_a_reach() -> None:
    assert set(DEFAULT.offer_reach) == set(DEFAULT_NEEDS_OFFERS) == set(DEFAULT_OFFER_REACH)
    assert set(DEFAULT.offer_reach.values()) == set(REACHES) == {"building", "floor", "street"}


@pytest.mark.parametrize(
    ("tag", "reach"),
    [
        ("foot_traffic", "street"), ("evening_life", "street"), ("weekend_life", "street"),
        ("daytime_life", "street"), ("customers", "street"), ("retail", "street"),
        ("workshop", "floor"), ("quiet", "floor"),
        ("catering", "building"), ("meeting_rooms", "building"), ("childcare", "building"),
        ("event_space", "building"), ("reception", "building"), ("security", "building"),
        ("internet", "building"), ("coworking", "building"), ("storage", "building"),
        ("bike_parking", "building"), ("mentoring", "building"), ("talent", "building"),
        ("students", "building"), ("volunteers", "building"), ("healthcare", "building"),
        ("fitness", "building"),
    ],
)
def test_default_reach(tag: str, reach: str) -> None:
    assert DEFAULT.reach(tag) == reach
    assert DEFAULT.reach(tag.replace("_", " ").upper()) == reach  # tags are normalised


def test_extended_offers_reach_the_building_unless_told() -> None:
    v = DEFAULT.extend(needs_offers=["darkroom", "Sound Booth"], reach={"darkroom": "floor"})
    assert v.reach("darkroom") == "floor" and v.reach("sound_booth") == "building"
    assert v.reach("foot_traffic") == "street"  # the defaults stay
    changed = DEFAULT.extend(reach={"storage": "floor"})
    assert changed.reach("storage") == "floor" and DEFAULT.reach("storage") == "building"


def test_a_vocabulary_of_its_own_gets_a_reach_for_every_tag() -> None:
    v = Vocabulary(needs_offers=["quiet", "lab"])
    assert dict(v.offer_reach) == {"quiet": "floor", "lab": "building"}
    v = Vocabulary(needs_offers=["quiet", "lab"], offer_reach={"Lab": "street"})
    assert dict(v.offer_reach) == {"quiet": "floor", "lab": "street"}


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"reach": {"helipad": "floor"}}, "'helipad', not in needs_offers"),
        ({"reach": {"quiet": "roof"}}, "offer_reach.quiet"),
        ({"reach": {7: "floor"}}, "not a string"),
    ],
)
def test_bad_reach_is_refused(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        DEFAULT.extend(**kwargs)  # type: ignore[arg-type]


def test_reach_of_an_unknown_tag_names_it() -> None:
    with pytest.raises(ValueError, match="unknown need/offer 'helipad'"):
        DEFAULT.reach("helipad")


def test_offer_reach_is_read_only_and_the_vocabulary_pickles() -> None:
    with pytest.raises(TypeError, match="read-only"):
        DEFAULT.offer_reach["quiet"] = "street"  # type: ignore[index]
    again = pickle.loads(pickle.dumps(DEFAULT.extend(needs_offers=["lab"], reach={"lab": "floor"})))
    assert again.reach("lab") == "floor" and again == DEFAULT.extend(needs_offers=["lab"], reach={"lab": "floor"})
    assert Vocabulary.model_validate_json(again.model_dump_json()) == again


# -- meeting places ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "meets"),
    [
        ("cafe", True), ("Café", True), ("CAFÉ ", True), ("Library branch", True), ("library-branch", True),
        ("Neighbourhood cafe", True), ("buurtcafé", True), ("community kitchen", True), ("lunchroom", True),
        ("bakery", True), ("restaurant", True), ("event space", True), ("meeting centre", True),
        ("community centre", True), ("Bibliotheek", True),
        ("GP practice", False), ("dental practice", False), ("coworking", False), ("consultancy", False),
        ("gym", False), ("", False), ("cafe owner association", False), ("crowbar", False),
    ],
)
def test_is_meeting_place(activity: str, meets: bool) -> None:
    assert is_meeting_place(activity) is meets


def test_meeting_activities_are_data_and_extendable() -> None:
    assert {"cafe", "library_branch", "community_kitchen", "event_space"} <= set(DEFAULT_MEETING_ACTIVITIES)
    assert "gp_practice" not in DEFAULT.meeting_activities
    v = DEFAULT.extend(meeting_activities=["Skate Park"])
    assert is_meeting_place("skate park", v) and not is_meeting_place("skate park")
    with use_vocabulary(v):
        assert is_meeting_place("indoor skate park")
    with pytest.raises(TypeError, match="must be a string"):
        is_meeting_place(3)  # type: ignore[arg-type]


def test_the_bundled_example_has_meeting_places_and_others() -> None:
    _, pool = load_example()
    meets = {c.activity for c in pool if is_meeting_place(c.activity)}
    assert {"cafe", "lunchroom", "community kitchen"} <= meets
    assert not any("practice" in a for a in meets)


# -- tags and messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [(" Green Fingers ", "green_fingers"), ("foot-traffic", "foot_traffic"), ("-Moslim-", "moslim"),
     ("__a__b__", "a_b"), ("Café", "cafe"), ("Straße", "strasse"), ("A - B", "a_b")],
)
def test_normalise_tag(raw: str, canonical: str) -> None:
    assert normalise_tag(raw) == canonical


@pytest.mark.parametrize("bad", ["", "---", "a/b", "x\x1by", "€uro"])
def test_normalise_tag_refuses_what_is_not_a_tag(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a valid tag"):
        normalise_tag(bad)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_normalise_tag_is_idempotent_or_refuses(text: str) -> None:
    try:
        tag = normalise_tag(text)
    except ValueError:
        return
    assert normalise_tag(tag) == tag and tag == tag.strip("_") and "__" not in tag


def test_unknown_tag_message_is_short_for_a_huge_tag_and_a_huge_vocabulary() -> None:
    big = DEFAULT.extend(identities=[f"hobby_{i}" for i in range(5000)])
    with pytest.raises(ValueError) as info:
        big.check(["x" * 1_000_000], "identities")
    message = str(info.value)
    assert len(message) < 2_000 and "more)" in message and "1000000 characters" in message
    with pytest.raises(ValidationError) as error:
        Candidate.model_validate({"id": "c", "name": "C", "function": "office", "activity": "studio",
                                  "area_min": 50, "area_max": 80, "identities": {"y" * 1_000_000: 1.0}})
    assert len(str(error.value)) < 3_000


def test_public_functions_and_warning_base_stay() -> None:
    assert frozenset({"assembly", "retail", "sport", "education", "healthcare"}) == PUBLIC_FUNCTIONS
    assert issubclass(ObjectmatchWarning, UserWarning)
    with pytest.warns(ObjectmatchWarning):
        warnings.warn("x", ObjectmatchWarning, stacklevel=1)


def test_use_vocabulary_needs_a_vocabulary() -> None:
    with pytest.raises(TypeError, match="needs a Vocabulary"):
        use_vocabulary({"identities": []}).__enter__()  # type: ignore[arg-type]
