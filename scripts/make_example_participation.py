"""Make objectmatch/data/example_participation.csv: a SYNTHETIC participation round for the bundled example.

Run once from the repository root (the result is committed; re-running gives the same file):

    python scripts/make_example_participation.py

Nobody was asked anything: the answers are drawn with a seeded random generator from the shares
below, chosen to be plausible for the office area by Amsterdam Sloterdijk station (the Radarhuis
example): residents of Bos en Lommer, the Spaarndammerbuurt and the first Haven-Stad homes,
people who work in the Teleport offices, local entrepreneurs, visitors and a few organisations.
The tags relate to the bundled candidates (``objectmatch/data/example_candidates.json``): some
wishes are met by candidates (food, childcare, library, coworking), some by none (swimming, a
market), some objections hit candidates (nightlife, logistics) and some hit nothing the building
may house (industrial, short stay).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from objectmatch.culture import Participation

SEED = 20240611
OUT = Path(__file__).resolve().parents[1] / "objectmatch" / "data" / "example_participation.csv"

ROLES: dict[str, int] = {"resident": 150, "worker": 95, "entrepreneur": 40, "visitor": 22, "organisation": 13}

#: tag -> chance that a respondent of each role names it as a wish
WISHES: dict[str, dict[str, float]] = {
    "green": {"resident": 0.55, "worker": 0.35, "entrepreneur": 0.15, "visitor": 0.2, "organisation": 0.4},
    "food": {"resident": 0.35, "worker": 0.6, "entrepreneur": 0.35, "visitor": 0.55, "organisation": 0.2},
    "community": {"resident": 0.4, "worker": 0.1, "entrepreneur": 0.3, "visitor": 0.05, "organisation": 0.6},
    "childcare": {"resident": 0.25, "worker": 0.15, "entrepreneur": 0.05, "organisation": 0.15},
    "sport": {"resident": 0.3, "worker": 0.4, "entrepreneur": 0.1, "visitor": 0.2, "organisation": 0.15},
    "culture": {"resident": 0.25, "worker": 0.2, "entrepreneur": 0.15, "visitor": 0.45, "organisation": 0.3},
    "swimming": {"resident": 0.12, "worker": 0.05},
    "library": {"resident": 0.15, "organisation": 0.2},
    "play": {"resident": 0.18, "visitor": 0.1},
    "learning": {"resident": 0.1, "organisation": 0.35},
    "gp_practice": {"resident": 0.1},
    "market": {"resident": 0.1, "visitor": 0.1},
    "wellbeing": {"worker": 0.15},
    "entrepreneurship": {"entrepreneur": 0.5},
    "coworking": {"worker": 0.1, "entrepreneur": 0.3},
    "meeting_rooms": {"entrepreneur": 0.2, "organisation": 0.2},
    "foot_traffic": {"entrepreneur": 0.3},
    "making": {"entrepreneur": 0.15, "organisation": 0.1},
    "nightlife": {"worker": 0.08, "visitor": 0.3},
}

#: tag -> chance that a respondent of each role objects to it nearby
OBJECTIONS: dict[str, dict[str, float]] = {
    "nightlife": {"resident": 0.35, "worker": 0.03, "organisation": 0.1},
    "logistics": {"resident": 0.28, "worker": 0.08, "entrepreneur": 0.05},
    "industrial": {"resident": 0.08},
    "short_stay": {"resident": 0.15},
    "evening_life": {"resident": 0.08},
    "foot_traffic": {"resident": 0.05},
    "hotel": {"resident": 0.06},
}

#: activity -> (initiative name, volunteers per role); the last two stay below the reporting threshold
VOLUNTEERS: dict[str, tuple[str, dict[str, int]]] = {
    "community kitchen": ("Buurtkeuken Bos en Lommer", {"resident": 7, "organisation": 2, "entrepreneur": 2}),
    "urban farming": ("Daktuinen Radarweg", {"resident": 6, "worker": 2, "organisation": 1}),
    "repair workshop": ("Repair Café Spaarndammerbuurt", {"resident": 5, "entrepreneur": 2}),
    "makerspace": ("Makers West", {"entrepreneur": 3, "worker": 3}),
    "sport coaching": ("Brettenzone Runners", {"worker": 4, "resident": 1}),
    "homework help": ("Huiswerkklas De Wester", {"resident": 2, "organisation": 1}),
    "chess club": ("", {"resident": 1}),
}

WEIGHTS = np.array([1.0, 0.75, 0.5, 0.25])
WEIGHT_CHANCES = np.array([0.45, 0.25, 0.2, 0.1])


def _weight(rng: np.random.Generator) -> float:
    return float(rng.choice(WEIGHTS, p=WEIGHT_CHANCES))


def _drawn(rng: np.random.Generator, role: str, chances: dict[str, dict[str, float]]) -> dict[str, float]:
    return {tag: _weight(rng) for tag, by_role in chances.items() if rng.random() < by_role.get(role, 0.0)}


def make_rows(rng: np.random.Generator) -> list[dict[str, object]]:
    roles = [role for role, n in ROLES.items() for _ in range(n)]
    rng.shuffle(roles)
    rows: list[dict[str, object]] = []
    for i, role in enumerate(roles, start=1):
        wishes = _drawn(rng, role, WISHES)
        if not wishes:  # everyone wished for something: their role's likeliest wish
            top = max(WISHES, key=lambda tag: WISHES[tag].get(role, 0.0))
            wishes[top] = _weight(rng)
        objections = {t: w for t, w in _drawn(rng, role, OBJECTIONS).items() if t not in wishes}
        rows.append({"respondent": f"r{i:03d}", "role": role, "wishes": wishes, "objections": objections,
                     "helps": None, "initiative": None})
    for activity, (initiative, per_role) in VOLUNTEERS.items():
        for role, n in per_role.items():
            free = [r for r in rows if r["role"] == role and r["helps"] is None]
            for k in rng.choice(len(free), size=n, replace=False):
                free[k]["helps"] = activity
                free[k]["initiative"] = initiative if initiative and rng.random() < 0.5 else None
    return rows


def main() -> None:
    rng = np.random.default_rng(SEED)
    participation = Participation(responses=make_rows(rng))
    header = (
        "# SYNTHETIC example data: invented answers of a participation round, not a survey of real people.\n"
        "# A plausible round for the Radarhuis example (office area by Amsterdam Sloterdijk station): residents of\n"
        "# Bos en Lommer and the Spaarndammerbuurt, Teleport office workers, entrepreneurs, visitors, organisations.\n"
        "# Made by scripts/make_example_participation.py (seeded); layout and meaning: docs/culture.md.\n"
    )
    body = participation.to_frame().to_csv(index=False, lineterminator="\n")
    OUT.write_text(header + body, encoding="utf-8")
    print(f"wrote {participation.respondents} responses to {OUT}")


if __name__ == "__main__":
    main()
