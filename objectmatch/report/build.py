"""Build a report once, as a :class:`~objectmatch.report.document.Document`, for every renderer to show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from objectmatch.report._common import Source, top_programmes
from objectmatch.report._money import money
from objectmatch.report._programme import programme_section
from objectmatch.report._scenarios import scenarios_section
from objectmatch.report._sections import breakdown, comparison, glance, left_out, network, overview, status
from objectmatch.report._voice import participation_section
from objectmatch.report.document import Document, Paragraph, Row, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from objectmatch.culture import NeighbourhoodProfile, Participation
    from objectmatch.models import Building
    from objectmatch.results import MatchResult, ScenarioSet

__all__ = ["as_document", "assessment_document", "document", "scenario_document"]


def _footer() -> str:
    from objectmatch import __version__

    return f"Made with objectmatch {__version__}."


def document(
    result: MatchResult,
    *,
    profile: NeighbourhoodProfile | None = None,
    participation: Participation | None = None,
    scenarios: ScenarioSet | None = None,
    top: int = 3,
    title: str | None = None,
) -> Document:
    """The report of a match result as a document: its sections, built once, for every renderer.

    Sections, by key (those without data are left out):

    ``overview``
        the object and the pool;
    ``status``
        proven optimal, or found with its bound and gap; whether the wall-clock safety net cut the
        work short; for an infeasible request, every reason;
    ``glance``
        the key figures of the first ``top`` programmes side by side (score, occupancy, rent, payback);
    ``programme-<rank>``
        per programme: its stacking plan, function mix, tenants per floor and, with a neighbourhood
        ``profile``, its positioning, SWOT and outreach;
    ``money``
        the best programme's rent roll: income against the asking rent roll, who pays below asking
        and how the rest pays for it, the ``min_rent_share`` asked for, conversion cost and payback;
    ``participation``
        with a participation round: what the neighbourhood asked for and what the best programme
        gives (wishes met, objections touched, volunteers involved);
    ``scenarios``
        with ``scenarios`` (from :func:`objectmatch.scenarios`): each leading function's best programme;
    ``breakdown``
        every score component by its readable name, weights, values and contributions, and what each
        measures (:data:`objectmatch._engine.terms.TERMS`);
    ``comparison``
        why programme 1 beats programme 2, in words (:meth:`~objectmatch.MatchResult.compare`);
    ``left-out``
        every candidate not in the best programme, and why;
    ``network``
        the identity network of the best programme (a picture).

    ``profile`` and ``participation`` default to those the result was matched with
    (``result.options``).

    Examples
    --------
    >>> from objectmatch import load_example, match
    >>> result = match(*load_example(), k=2, time_limit=1)
    >>> doc = document(result)
    >>> doc.keys[:4], "participation" in doc
    (('overview', 'status', 'glance', 'programme-1'), False)
    """
    opts = result.options
    source = Source(
        result=result,
        programmes=top_programmes(result, top),
        profile=profile if profile is not None else opts.profile,
        participation=participation if participation is not None else opts.participation,
    )
    sections: list[Section | None] = [overview(source), status(source)]
    if source.programmes:
        sections += [glance(source),
                     *(programme_section(p, i, source) for i, p in enumerate(source.programmes, start=1)),
                     money(source), participation_section(source)]
    if scenarios is not None:
        sections.append(scenarios_section(scenarios))
    if source.programmes:
        sections += [breakdown(source), comparison(source)]
    sections.append(left_out(source))
    if source.programmes:
        sections.append(network(source))
    heading = title if title is not None else f"Tenant programmes for {result.building.name}"
    return Document(heading, tuple(s for s in sections if s is not None), footer=_footer())


def as_document(
    report: Document | MatchResult,
    *,
    profile: NeighbourhoodProfile | None = None,
    participation: Participation | None = None,
    scenarios: ScenarioSet | None = None,
    top: int = 3,
) -> Document:
    """``report`` itself when it is a document, else :func:`document` of the result; the options only
    go with a result (a document is built already).

    Examples
    --------
    >>> doc = Document("Report", ())
    >>> as_document(doc) is doc
    True
    """
    if isinstance(report, Document):
        if profile is not None or participation is not None or scenarios is not None or top != 3:
            raise ValueError("profile, participation, scenarios and top make a document from a result; "
                             "for a Document, pass them to objectmatch.report.document instead")
        return report
    return document(report, profile=profile, participation=participation, scenarios=scenarios, top=top)


def scenario_document(scenarios: ScenarioSet, *, title: str | None = None) -> Document:
    """The scenario comparison as a document (sections ``overview`` and ``scenarios``).

    Examples
    --------
    >>> from objectmatch import load_example, scenarios
    >>> doc = scenario_document(scenarios(*load_example(), leads=["office"], time_limit=1))
    >>> doc.keys
    ('overview', 'scenarios')
    """
    b = scenarios.building
    text = (f"{len(b.floors)} floors, {b.lettable_area:,.0f} m² lettable, neighbourhood {b.location.neighbourhood}; "
            f"{len(scenarios.candidates)} candidates; {len(scenarios)} leading functions compared.")
    heading = title if title is not None else f"Scenarios for {b.name}"
    return Document(heading, (Section("overview", "The object and the pool", (Paragraph(text),)),
                              scenarios_section(scenarios)), footer=_footer())


def assessment_document(building: Building, frame: pd.DataFrame) -> Document:
    """The transformation potential per use function (``objectmatch.assess.profile``) as a document."""
    tones = {"suitable": "good", "conditionally suitable": "warn", "not suitable": "bad"}
    rows = tuple(
        Row((str(r.function), str(r.verdict), f"{r.potential:.2f}", f"{r.location:.2f}", f"{r.building:.2f}",
             str(r.deciding)), tone=tones.get(str(r.verdict), ""))  # type: ignore[arg-type]
        for r in frame.itertuples()
    )
    table = Table(("function", "verdict", "potential", "location", "building", "deciding"), rows, "llrrrl")
    section = Section("assessment", "Transformation potential per use function, highest first", (table,))
    return Document(f"What can {building.name} become?", (section,), footer=_footer())
