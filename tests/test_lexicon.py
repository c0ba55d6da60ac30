"""The fixed-identity rule: every fixed-identity term is refused in every channel that becomes a
matching feature, in English, Dutch, German and French, and legitimate activities are not."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from objectmatch import Building, Candidate, Location, Vocabulary, use_vocabulary
from objectmatch.culture import Hero, NeighbourhoodProfile, Ritual, Symbol
from objectmatch.culture._common import _identity
from objectmatch.culture._swot import SwotItem
from objectmatch.fixed_identity import _LexiconFile, fixed_identity_lexicon, fixed_identity_reason
from objectmatch.vocabulary import DEFAULT_FUNCTIONS, DEFAULT_IDENTITIES, DEFAULT_NEEDS_OFFERS, DEFAULT_VALUES

LEXICON = fixed_identity_lexicon()

#: Terms the audit found passing (Dutch, German, French, plurals) and the refusals the brief names.
FIXED_TERMS = [
    # religion
    "moslim", "moslims", "moslima", "islamitisch", "muslims", "Muslime", "musulmane", "musulmans", "joods",
    "juifs", "christelijke", "katholieken", "hindoes", "boeddhisten",
    # origin and nationality
    "marokkaan", "marokkaans", "marokkanen", "Marokkaanse", "turk", "turks", "turken", "turkse", "Türken",
    "immigrants", "immigranten", "allochtoon", "allochtonen", "migrant", "migranten", "Ausländer", "immigrés",
    "vluchtelingen", "expats", "surinaamse", "antillianen",
    # ethnicity
    "ethnicity", "etnische", "ras",
    # gender and orientation
    "vrouw", "vrouwen", "women", "Frau", "Frauen", "femmes", "mannen", "lhbti", "lhbtiq", "lgbt", "LGBTQIA",
    "homoseksuele", "lesbienne", "schwule", "queer", "transgender",
    # age group and life stage
    "senioren", "ouderen", "jongeren", "seniors", "elderly", "bejaarden", "pensioners", "Jugendliche",
    "personnes âgées",
    # compounds, phrases and people heads
    "moslimvrouwen", "ouderenclub", "seniorenwoningen", "arbeidsmigranten", "vrouwenvoetbal", "moslim_school",
    "turkse_gemeenschap", "Moroccan origin", "-Moslim-", "sexual orientation", "black_community",
    "polish_workers", "dutch_residents", "age_group", "cuisine-marocaine-club",
]

#: Legitimate activities the old word list refused, and other activities named by a cultural word.
ACTIVITIES = [
    "race_cycling", "dutch_design", "black_box_theatre", "white_cube_gallery", "national_park", "turkish_bath",
    "african_drumming", "western_riding", "european_projects", "sex_education", "stone_age_museum",
    "floor_polish", "kosher_bakery", "halal_butcher", "cuisine_marocaine", "islamic_art", "jewish_museum",
    "turkse_bakkerij", "french_cuisine", "dutch_language_course", "thai_massage", "persian_carpets",
    "korean_martial_arts", "turkish_moroccan_cuisine", "youth_hostel", "middle_ages_festival",
]


def _reason(message: str) -> None:
    assert "fixed identity" in message and "who people are" in message, message


def _refused(call: Callable[[], Any]) -> str:
    with pytest.raises((ValidationError, ValueError)) as info:
        call()
    message = str(info.value)
    _reason(message)
    return message


CANDIDATE: dict[str, Any] = {
    "id": "c", "name": "C", "function": "assembly", "activity": "cafe", "area_min": 50, "area_max": 80,
}
LOCATION: dict[str, Any] = {"lat": 52.0, "lon": 5.0, "neighbourhood": "X"}
BUILDING: dict[str, Any] = {
    "id": "b", "name": "B", "asking_rent": 150, "permitted_functions": ["office"], "location": LOCATION,
    "floors": [{"level": 0, "area": 500, "free_height": 3.0, "floor_load": 3.0, "depth": 14.0}],
}


def _smuggled(kind: str, tag: str) -> Vocabulary:
    """A vocabulary that holds ``tag`` because validation was skipped (model_construct)."""
    default = Vocabulary.default()
    return Vocabulary.model_construct(**{**dict(default), kind: (*getattr(default, kind), tag)})


CHANNELS: dict[str, Callable[[str], Any]] = {
    "identities": lambda t: Candidate.model_validate({**CANDIDATE, "identities": {t: 1.0}}),
    "values": lambda t: Candidate.model_validate({**CANDIDATE, "values": {t: 1.0}}),
    "needs": lambda t: Candidate.model_validate({**CANDIDATE, "needs": [t]}),
    "offers": lambda t: Candidate.model_validate({**CANDIDATE, "offers": [t]}),
    "function": lambda t: Candidate.model_validate(
        {**CANDIDATE, "function": t}, context={"vocabulary": _smuggled("functions", t)}),
    "activity": lambda t: Candidate.model_validate({**CANDIDATE, "activity": t}),
    "dna": lambda t: Location.model_validate({**LOCATION, "dna": {t: 0.5}}),
    "permitted_functions": lambda t: Building.model_validate(
        {**BUILDING, "permitted_functions": ["office", t]}, context={"vocabulary": _smuggled("functions", t)}),
    "conversion_costs": lambda t: Building.model_validate({**BUILDING, "conversion_costs": {t: 100.0}}),
    "extend_functions": lambda t: Vocabulary.default().extend(functions=[t]),
    "extend_identities": lambda t: Vocabulary.default().extend(identities=[t]),
    "extend_values": lambda t: Vocabulary.default().extend(values=[t]),
    "extend_needs_offers": lambda t: Vocabulary.default().extend(needs_offers=[t]),
    "extend_meeting_activities": lambda t: Vocabulary.default().extend(meeting_activities=[t]),
    "use_vocabulary": lambda t: use_vocabulary(_smuggled("identities", t)).__enter__(),
    "symbol": lambda t: Symbol(name="s", identities={t: 1.0}),
    "hero": lambda t: Hero(name="h", identities={t: 1.0}),
    "ritual": lambda t: Ritual(name="r", identities={t: 1.0}),
    "profile_values": lambda t: NeighbourhoodProfile(name="n", values={t: 1.0}),
    "network_identity": _identity,
    "swot": lambda t: SwotItem(kind="strength", text="x", identities=(t,), value=1.0),
}


def _as_tag(term: str) -> str:
    # Tag channels take tags; free text ("personnes âgées") becomes one as a user would write it.
    return term.replace(" ", "_") if " " in term else term


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("term", FIXED_TERMS)
def test_every_fixed_identity_term_is_refused_in_every_channel(channel: str, term: str) -> None:
    tag = term if channel == "activity" else _as_tag(term)
    _refused(lambda: CHANNELS[channel](tag))


@pytest.mark.parametrize("term", FIXED_TERMS)
def test_refusal_names_the_category_and_the_rule(term: str) -> None:
    reason = fixed_identity_reason(term)
    assert reason is not None
    assert any(f"describes {category}, a fixed identity" in reason for category in LEXICON.categories)
    assert "never on fixed identity" in reason


def test_functions_added_by_extend_are_refused_and_never_placed() -> None:
    # The audit: extend(functions=["moslim_school"]) was accepted and the matcher placed it.
    _refused(lambda: Vocabulary.default().extend(functions=["moslim_school"]))
    _refused(lambda: Vocabulary(functions=["office", "moslim_school"]))
    with pytest.raises(ValidationError, match="fixed identity"):
        Candidate.model_validate({**CANDIDATE, "function": "moslim_school"},
                                 context={"vocabulary": _smuggled("functions", "moslim_school")})


@pytest.mark.parametrize("activity", ACTIVITIES)
def test_legitimate_activities_are_accepted_in_every_channel(activity: str) -> None:
    assert fixed_identity_reason(activity) is None
    vocab = Vocabulary.default().extend(functions=[activity], identities=[activity], values=[activity],
                                        needs_offers=[activity], meeting_activities=[activity])
    c = Candidate.model_validate(
        {**CANDIDATE, "function": activity, "activity": activity.replace("_", " "), "identities": {activity: 1.0},
         "values": {activity: 0.5}, "needs": [activity], "offers": [activity]},
        context={"vocabulary": vocab},
    )
    assert c.identities == {activity: 1.0} and c.activity == activity.replace("_", " ")
    assert Location.model_validate({**LOCATION, "dna": {activity: 0.5}}, context={"vocabulary": vocab}).dna
    assert Symbol.model_validate({"name": "s", "identities": {activity: 1.0}}, context={"vocabulary": vocab})


@pytest.mark.parametrize(
    ("tag", "allowed"),
    [
        ("turkish_bath", True), ("turkish_community", False), ("turkish", False), ("community_turkish", False),
        ("cuisine_marocaine", True), ("les_africains", False), ("kosher", False), ("kosher_bakery", True),
        ("moslim_restaurant", False), ("islamitische_slagerij", True), ("islamitische_school", False),
        ("black_box", True), ("black", False), ("black_people", False), ("national_park", True),
        ("national", False), ("youth_hostel", True), ("youth", False), ("youth_club", False),
        ("stone_age", True), ("age", False), ("old_age", False), ("womenswear", True), ("women", False),
        ("dutch_language_school", True), ("dutch_school", False), ("gender_neutral", True), ("gender", False),
    ],
)
def test_context_decides(tag: str, allowed: bool) -> None:
    assert (fixed_identity_reason(tag) is None) is allowed, fixed_identity_reason(tag)


@pytest.mark.parametrize(
    "word",
    # ordinary words that start or end like a stem or a short term, in the four languages
    ["manager", "mannequin", "turquoise", "arabesque", "jongleren", "homogeen", "hindurch", "lesbezoek",
     "bijgelovig", "glaubiger", "confisqueer", "damesfiets", "herenmode", "kinderopvang", "childcare",
     "students", "heritage", "community", "culture", "living", "playground", "race_track", "genderneutraal",
     "jeugdtheater", "antique", "polishing", "racing", "agenda", "sexton", "whitewash", "blacksmith"],
)
def test_short_words_and_stems_do_not_hit_ordinary_words(word: str) -> None:
    assert fixed_identity_reason(word) is None, fixed_identity_reason(word)


def test_normalise_tag_strips_separators_so_the_term_is_refused_for_the_right_reason() -> None:
    message = _refused(lambda: Candidate.model_validate({**CANDIDATE, "identities": {"-Moslim-": 1.0}}))
    assert "describes religion" in message and "not a valid tag" not in message


def test_messages_never_echo_a_huge_value() -> None:
    huge = "moslim" + "x" * 1_000_000
    reason = fixed_identity_reason(huge)
    assert reason is not None and len(reason) < 1_000
    for channel in ("identities", "activity", "extend_identities"):
        message = _refused(lambda channel=channel: CHANNELS[channel](huge))
        assert len(message) < 2_000, (channel, len(message))


# -- properties ------------------------------------------------------------------------------------

_FORMS = sorted(LEXICON.forms)
_PEOPLE = sorted(LEXICON.people_heads)
_SEPARATORS = st.sampled_from(["_", "-", " "])


@st.composite
def fixed_identity_tags(draw: st.DrawFn) -> str:
    """A lexicon form, alone or beside a people head, joined by any separators, in any case."""
    words = draw(st.sampled_from(_FORMS)).split("_")
    head = draw(st.none() | st.sampled_from(_PEOPLE))
    if head is not None:
        words = [*words, head] if draw(st.booleans()) else [head, *words]
    text = words[0]
    for word in words[1:]:
        text += draw(_SEPARATORS) + word
    cased = "".join(ch.upper() if draw(st.booleans()) else ch for ch in text)
    edges = draw(st.sampled_from(["", "_", "-", " ", "--"]))
    return edges + cased + edges


@settings(max_examples=300, deadline=None)
@given(fixed_identity_tags(), st.sampled_from(["identities", "values"]))
def test_any_lexicon_term_alone_or_with_a_people_head_is_refused(tag: str, channel: str) -> None:
    with pytest.raises(ValidationError) as info:
        Candidate.model_validate({**CANDIDATE, channel: {tag: 1.0}})
    _reason(str(info.value))


_DEFAULT_TAGS = sorted({*DEFAULT_FUNCTIONS, *DEFAULT_IDENTITIES, *DEFAULT_VALUES, *DEFAULT_NEEDS_OFFERS})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DEFAULT_TAGS), min_size=1, max_size=3), _SEPARATORS)
def test_tags_built_from_the_default_vocabulary_are_accepted(tags: list[str], separator: str) -> None:
    tag = separator.join(tags)
    assert fixed_identity_reason(tag) is None
    canonical = "_".join(tags)
    vocab = Vocabulary.default().extend(identities=[canonical], values=[canonical], needs_offers=[canonical],
                                        functions=[canonical])
    c = Candidate.model_validate({**CANDIDATE, "identities": {tag: 1.0}, "values": {tag: 1.0}, "needs": [tag],
                                  "function": tag, "activity": tag}, context={"vocabulary": vocab})
    assert c.identities == {canonical: 1.0}


@pytest.mark.parametrize("tags", [DEFAULT_FUNCTIONS, DEFAULT_IDENTITIES, DEFAULT_VALUES, DEFAULT_NEEDS_OFFERS])
def test_default_vocabulary_and_heads_are_flexible(tags: tuple[str, ...]) -> None:
    assert [t for t in tags if fixed_identity_reason(t) is not None] == []
    assert [h for h in LEXICON.activity_heads | LEXICON.people_heads if fixed_identity_reason(h) is not None] == []


# -- the data file -------------------------------------------------------------------------------


def _raw() -> dict[str, Any]:
    text = resources.files("objectmatch").joinpath("data", "fixed_identity_lexicon.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_every_category_has_english_dutch_german_and_french_words() -> None:
    raw = _raw()
    for category in raw["categories"]:
        languages = {lang for t in raw["terms"] if t["category"] == category for lang, ws in t["forms"].items() if ws}
        assert {"en", "nl", "de", "fr"} <= languages, (category, languages)


def test_every_term_cites_sources_that_the_file_describes() -> None:
    raw = _raw()
    for t in raw["terms"]:
        assert t["sources"] and set(t["sources"]) <= set(raw["sources"]), t["term"]
    assert "seed" in raw["sources"] and "connected-identity" in raw["sources"]["seed"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["terms"][1]["stems"].append("mig"), "shorter than"),
        (lambda d: d["terms"][0].update(category="hobby"), "unknown category"),
        (lambda d: d["terms"][0].update(sources=["nowhere"]), "unknown sources"),
        (lambda d: d["activity_heads"]["en"].append("muslims"), "also fixed-identity forms"),
        (lambda d: d["people_heads"]["en"].append("bakery"), "both activity and people heads"),
        (lambda d: d["allowed_phrases"].append("green_space"), "would allow nothing"),
        (lambda d: d["terms"][2]["modifiers"].append("sushi"), "not among its forms"),
    ],
)
def test_a_broken_lexicon_file_is_refused(edit: Callable[[dict[str, Any]], None], message: str) -> None:
    data = copy.deepcopy(_raw())
    edit(data)
    with pytest.raises(ValidationError, match=message):
        _LexiconFile.model_validate(data)
