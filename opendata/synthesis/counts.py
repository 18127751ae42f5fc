"""The synthesis's figures, computed from the snapshots the States submitted: plain
functions on plain data, no queries (the selectors read; this counts and withholds).

What is counted (docs/synthesis.md):
- a recommendation: the States whose submission answers it, by the status they gave;
- a report, a theme, a regional group and the whole: the answers of their
  recommendations, with the number of States behind them.

What is withheld: a figure that could single out a State. `Cell` holds a unit's
States and counts while deciding; only `Figure`s leave this module, and a withheld
figure carries neither its counts nor its number of States, whatever the reason, so no
page, download or document can print them by mistake. A number of States is no answer,
but it is arithmetic: the States of the whole less those of the groups shown are the
States of the groups withheld, so one withheld group's number would give away another's
(the 1 State of a group withheld as too small), and with it that State's answers
wherever the groups withheld together all answered alike.

Dominance: a unit where one status covers (nearly) every State gives answers away
without any small count: 20 of 20 implemented says that each State implemented; 19 of
20, and the one that did not knows that every other did. The threshold N withholds a
figure from N-1 States, which N-2 of them could together subtract themselves from; it
shows a figure from N States, so it protects each State from any N-2 others. The States
outside the status, together, learn that every other State gave it: the unit is
withheld when they are N-2 or fewer (with the default 3: all, or all but one). A rule
of "fewer than N outside" would withhold every recommendation answered by exactly N
States (of N, at most N-1 are outside the status of any one of them): a higher
threshold by another name, where SYNTHESIS_MIN_STATES is the one setting for it.

It is tested on the States that have not published only (`Cell.private`): a published
State's answers are on its public page, so a figure of published States, or the
published part of a figure, tells nothing that is not public already. The public
figures are published States only, so dominance never withholds one of them; the
secretariat's go into the Secretary-General's report, and there the unpublished part
(the figure less the public answers, which anyone can add up) must not be dominated.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessments.counts import FIELDS, StatusCounts
from assessments.models import AnswerStatus
from delegations.models import RegionalGroup


class Withheld(models.TextChoices):
    """Why a figure is not shown; the code is what CSV and JSON carry."""

    # Fewer States than the threshold behind it.
    FEW_STATES = "few_states", _("fewer States than the threshold")
    # Secretariat figures only: the States that have not published are fewer than the
    # threshold; anyone can add up the published answers (they are public), so the
    # figure less the published part would single out the others.
    FEW_UNPUBLISHED = "few_unpublished", _("fewer unpublished States than the threshold")
    # Secretariat figures only: the States that have not published all gave one status,
    # or all but the threshold less two of them (module docstring).
    SAME_STATUS = "same_status", _("the States that have not published nearly all gave one status")
    # Withheld so that another withheld figure cannot be worked out from the total.
    COMPLEMENTARY = "complementary", _("withheld to protect another figure")


def withheld_note(reason: str, min_states: int) -> str:
    """What a page prints in place of a withheld figure."""
    if reason == Withheld.FEW_STATES:
        return ngettext("fewer than %(count)s State", "fewer than %(count)s States", min_states) % {
            "count": min_states
        }
    if reason == Withheld.FEW_UNPUBLISHED:
        return ngettext(
            "withheld: fewer than %(count)s State that has not published",
            "withheld: fewer than %(count)s States that have not published",
            min_states,
        ) % {"count": min_states}
    if reason == Withheld.SAME_STATUS:
        return str(
            _(
                "withheld: the States behind it that have not published nearly all gave "
                "the same status, which would reveal their answers"
            )
        )
    return str(_("withheld, so that a smaller figure cannot be worked out from the total"))


@dataclass(frozen=True)
class Answered:
    """One answer of a snapshot: the recommendation, its report's year, the status."""

    code: str
    year: int
    status: str


@dataclass(frozen=True)
class Counted:
    """One State's submission as the synthesis counts it."""

    submission: int  # its primary key: which submissions a document counted
    state: str  # the State's ISO code: a State counts once
    group: str  # its regional group (a RegionalGroup value) when it submitted
    public: bool  # published: its answers are public anyway
    answers: tuple[Answered, ...]


def counted_from_snapshot(
    submission: int, snapshot: dict, *, public: bool, group: str = ""
) -> Counted:
    """The part of a snapshot the synthesis reads: the State, its group, the statuses.

    Format 1 snapshots froze the regional group's English label and called the answers
    responses; `group` is the State's group today, for a label no longer known.
    """
    state = snapshot["member_state"]
    frozen = state.get("regional_group", "")
    if frozen not in RegionalGroup.values:
        by_label = {str(label): value for value, label in RegionalGroup.choices}
        frozen = by_label.get(frozen, group)
    answers = tuple(
        Answered(code=answer["code"], year=int(report["year"]), status=answer["status"])
        for report in snapshot["reports"]
        for answer in report.get("answers", report.get("responses", []))
    )
    unknown = {answer.status for answer in answers} - set(AnswerStatus.values)
    if unknown:
        raise ValueError(f"Unknown answer statuses in submission {submission}: {sorted(unknown)}")
    return Counted(
        submission=submission, state=state["iso3"], group=frozen, public=public, answers=answers
    )


@dataclass
class Cell:
    """A unit being counted: its States (and those not published), its answers, and the
    statuses each State not published gave in it."""

    states: set[str] = field(default_factory=set)
    private: set[str] = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    given: dict[str, set[str]] = field(default_factory=dict)

    def add(self, counted: Counted, status: str) -> None:
        self.states.add(counted.state)
        if not counted.public:
            self.private.add(counted.state)
            self.given.setdefault(counted.state, set()).add(status)
        self.statuses[status] += 1

    def merge(self, other: "Cell") -> None:
        self.states |= other.states
        self.private |= other.private
        for state, statuses in other.given.items():
            self.given.setdefault(state, set()).update(statuses)
        self.statuses.update(other.statuses)

    def risk(self, min_states: int) -> str:
        """Why this cell would single out a State ("" when it would not). None counted
        at all singles out nobody."""
        if 0 < len(self.states) < min_states:
            return Withheld.FEW_STATES
        if 0 < len(self.private) < min_states:
            return Withheld.FEW_UNPUBLISHED
        if self.private and self.dominated(min_states):
            return Withheld.SAME_STATUS
        return ""

    def dominated(self, min_states: int) -> bool:
        """One status covers every State not published but at most min_states - 2 of
        them; a State is covered by a status when it gave no other in the unit."""
        covered = Counter(
            next(iter(statuses)) for statuses in self.given.values() if len(statuses) == 1
        )
        most = max(covered.values(), default=0)
        return most > 0 and len(self.private) - most <= min_states - 2

    def counts(self) -> StatusCounts:
        return StatusCounts(**{name: self.statuses[value] for value, name in FIELDS.items()})


@dataclass(frozen=True)
class Figure:
    """One unit as it may be shown: counts and States, or why they are withheld."""

    kind: str  # "overall", "report", "theme", "group" or "recommendation"
    key: str
    label: str  # short: a chart's bar is named by it
    title: str  # longer, for tables: a report's title ("" for the others)
    # None when withheld, for any reason: the note is shown instead.
    states: int | None
    # None when withheld, for any reason.
    counts: StatusCounts | None
    withheld: str = ""
    note: str = ""
    # Of an aggregate: its recommendations counted, and how many it has.
    recommendations: int = 0
    recommendations_total: int = 0

    @property
    def shown(self) -> bool:
        return not self.withheld

    @property
    def too_few(self) -> bool:
        return self.withheld == Withheld.FEW_STATES

    @property
    def partial(self) -> bool:
        """An aggregate counted over only some of its recommendations."""
        return self.recommendations < self.recommendations_total


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    codes: frozenset[str]


@dataclass(frozen=True)
class Synthesis:
    """A cycle's figures for one audience."""

    audience: str
    min_states: int
    # The submissions counted, by primary key: a document is out of date when they change.
    submissions: tuple[int, ...]
    overall: Figure
    reports: list[Figure]
    themes: list[Figure]
    groups: list[Figure]
    recommendations: list[Figure]

    @property
    def shown_reports(self) -> list[Figure]:
        return [figure for figure in self.reports if figure.shown]

    @property
    def shown_themes(self) -> list[Figure]:
        return [figure for figure in self.themes if figure.shown]

    @property
    def shown_groups(self) -> list[Figure]:
        return [figure for figure in self.groups if figure.shown]

    def tables(self) -> list[tuple[str, list[Figure]]]:
        """Every figure by kind, in the order pages and downloads give them."""
        return [
            ("overall", [self.overall]),
            ("report", self.reports),
            ("theme", self.themes),
            ("group", self.groups),
            ("recommendation", self.recommendations),
        ]


def synthesize(
    counted: Iterable[Counted],
    *,
    audience: str,
    min_states: int,
    themes: Iterable[Theme] = (),
    report_titles: dict[int, str] | None = None,
    overall_label: str = "",
) -> Synthesis:
    """The figures of a set of submissions, with every figure that could single out a
    State withheld.

    A recommendation below the threshold is withheld; every aggregate (report, theme,
    regional group, the whole) then counts only the recommendations shown, so that no
    difference between an aggregate and its shown parts gives a withheld one away. The
    regional groups partition the whole: when the groups withheld would add up to a
    figure that singles out a State (the whole less the groups shown), more groups are
    withheld (`protect_partition`).
    """
    counted = list(counted)
    report_titles = report_titles or {}
    by_code: dict[str, Cell] = {}
    year_of: dict[str, int] = {}
    for submission in counted:
        for answer in submission.answers:
            by_code.setdefault(answer.code, Cell()).add(submission, answer.status)
            year_of.setdefault(answer.code, answer.year)
    risks = {code: cell.risk(min_states) for code, cell in by_code.items()}
    shown = {code for code, risk in risks.items() if not risk}
    # The snapshots list the answers in catalogue order; a code only some hold (a report
    # added to the cycle meanwhile) goes after the others of its report.
    first_seen = {code: index for index, code in enumerate(by_code)}
    codes = sorted(by_code, key=lambda code: (year_of[code], first_seen[code]))

    def figure(kind, key, label, cell: Cell, reason="", of=(0, 0), title="") -> Figure:
        if reason:
            return Figure(
                kind=kind,
                key=key,
                label=label,
                title=title,
                states=None,
                counts=None,
                withheld=reason,
                note=withheld_note(reason, min_states),
                recommendations=of[0],
                recommendations_total=of[1],
            )
        return Figure(
            kind=kind,
            key=key,
            label=label,
            title=title,
            states=len(cell.states),
            counts=cell.counts().labelled(label),
            recommendations=of[0],
            recommendations_total=of[1],
        )

    def aggregate(kind, key, label, members: list[str], title="") -> Figure:
        """A report's or a theme's figure: the answers of its recommendations shown."""
        whole, counted_part = Cell(), Cell()
        for code in members:
            whole.merge(by_code[code])
            if code in shown:
                counted_part.merge(by_code[code])
        of = (sum(code in shown for code in members), len(members))
        if not of[0]:
            # Nothing of it may be shown; say why in the terms of the whole unit.
            reason = whole.risk(min_states) or Withheld.COMPLEMENTARY
            return figure(kind, key, label, whole, reason, of, title)
        return figure(kind, key, label, counted_part, "", of, title)

    recommendations = [
        figure("recommendation", code, code, by_code[code], risks[code]) for code in codes
    ]
    years = sorted(set(year_of.values()))
    reports = [
        aggregate(
            "report",
            str(year),
            str(year),
            [code for code in codes if year_of[code] == year],
            report_titles.get(year, ""),
        )
        for year in years
    ]
    theme_figures = [
        aggregate("theme", theme.key, theme.label, [code for code in codes if code in theme.codes])
        for theme in themes
        if theme.codes & by_code.keys()
    ]
    # The groups and the whole over the recommendations shown only.
    group_cells = {value: Cell() for value in RegionalGroup.values}
    group_withheld: dict[str, Cell] = {}
    whole = Cell()
    for submission in counted:
        for answer in submission.answers:
            if answer.code in shown:
                group_cells.setdefault(submission.group, Cell()).add(submission, answer.status)
                whole.add(submission, answer.status)
            else:
                group_withheld.setdefault(submission.group, Cell()).add(submission, answer.status)
    group_reasons = protect_partition(group_cells, min_states)
    # A group whose States answered only recommendations withheld has nothing to count,
    # yet has States: "0 States" would say that none submitted. Withheld as a report is.
    for value, cell in group_withheld.items():
        if not group_cells.setdefault(value, Cell()).states:
            group_reasons[value] = cell.risk(min_states) or Withheld.COMPLEMENTARY
    labels = dict(RegionalGroup.choices)
    groups = [
        figure("group", value, str(labels.get(value, value)), cell, group_reasons.get(value, ""))
        for value, cell in group_cells.items()
    ]
    of_all = (len(shown), len(by_code))
    if shown:
        overall = figure("overall", "all", overall_label, whole, whole.risk(min_states), of_all)
    else:
        everyone = Cell()
        for cell in by_code.values():
            everyone.merge(cell)
        overall = figure(
            "overall",
            "all",
            overall_label,
            everyone,
            everyone.risk(min_states) or (Withheld.COMPLEMENTARY if by_code else ""),
            of_all,
        )
    return Synthesis(
        audience=audience,
        min_states=min_states,
        submissions=tuple(sorted(submission.submission for submission in counted)),
        overall=overall,
        reports=reports,
        themes=theme_figures,
        groups=groups,
        recommendations=recommendations,
    )


def protect_partition(cells: dict[str, Cell], min_states: int) -> dict[str, str]:
    """Why each part of a partition is withheld (parts not named are shown).

    The parts add up to the whole, which is shown: the parts withheld, taken together,
    are the whole less the parts shown, so together they must not single out a State
    either. While they would, the part with the fewest States still shown is withheld
    too (complementary suppression), until they do not or every part is withheld.
    """
    reasons = {key: cell.risk(min_states) for key, cell in cells.items()}
    reasons = {key: reason for key, reason in reasons.items() if reason}
    while reasons:
        together = Cell()
        for key in reasons:
            together.merge(cells[key])
        if not together.risk(min_states):
            break
        candidates = sorted(
            (
                (len(cell.states), key)
                for key, cell in cells.items()
                if key not in reasons and cell.states
            ),
        )
        if not candidates:
            break
        reasons[candidates[0][1]] = Withheld.COMPLEMENTARY
    return reasons
