"""The synthesis's test data: a small catalogue and States whose submissions are built
from statuses typed here, so that every figure can be worked out by hand (the table in
`ANSWERS`), plus States that must never be counted publicly."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    Publication,
    Submission,
)
from catalogue.models import (
    Recommendation,
    Report,
    Section,
    Target,
    Theme,
    ThemeLink,
    recommendation_code,
)
from delegations.models import MemberState

CODES = ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]
# One letter each, so that the table below reads as a grid.
I, P, N, _ = "implemented", "partially_implemented", "not_started", ""  # noqa: E741

# State: (regional group, how it is counted, its five statuses in CODES order).
#   published: accepted and published; private: accepted, not published (BRA withdrew
#   its publication); submitted: under review; draft: never submitted.
ANSWERS = {
    "KEN": ("african", "published", [I, I, P, N, _]),
    "NGA": ("african", "published", [I, P, P, _, N]),
    "GHA": ("african", "published", [P, N, I, I, I]),
    "NOR": ("western_european_other", "published", [I, I, I, I, I]),
    "SWE": ("western_european_other", "published", [N, N, _, P, I]),
    "FRA": ("western_european_other", "published", [I, P, N, N, P]),
    "JPN": ("asia_pacific", "published", [P, P, P, P, P]),
    "ZAF": ("african", "private", [I, I, I, I, I]),
    "MEX": ("latin_american_caribbean", "private", [N, N, N, N, N]),
    "BRA": ("latin_american_caribbean", "withdrawn", [P, P, P, P, P]),
    "CHL": ("latin_american_caribbean", "private", [_, _, _, _, _]),
    "ARG": ("latin_american_caribbean", "submitted", [I, I, I, I, I]),
    "POL": ("eastern_european", "draft", [I, I, I, I, I]),
}
PUBLISHED = [iso3 for iso3, (_g, how, _s) in ANSWERS.items() if how == "published"]
ACCEPTED = [
    iso3 for iso3, (_g, how, _s) in ANSWERS.items() if how in ("published", "private", "withdrawn")
]


def snapshot_of(state: MemberState, cycle: Cycle, statuses: list[str], *, codes=CODES) -> dict:
    """A format 2 snapshot with `statuses` for `codes`, as a submit would freeze it."""
    reports = {}
    for code, status in zip(codes, statuses, strict=True):
        year = int(code[:4])
        reports.setdefault(
            year,
            {
                "number": year - 2008,
                "year": year,
                "symbol": f"A/{year}",
                "title": f"Report {year}",
                "answers": [],
            },
        )["answers"].append(
            {
                "code": code,
                "text": f"Text of {code}",
                "paragraphs": "1–5",
                "status": status,
                # Evidence never reaches a figure: a marker the leak tests look for.
                "evidence": f"EVIDENCE-{state.iso3}-{code}",
                "links": [],
                "attachments": [],
                "updated_at": None,
                "updated_by": None,
            }
        )
    return {
        "format": 2,
        "language": "en",
        "member_state": {
            "name": state.name,
            "names": {},
            "iso3": state.iso3,
            "regional_group": state.regional_group,
        },
        "cycle": {"code": cycle.code, "name": cycle.name, "names": {}, "deadline": "2099-06-25"},
        "submission": {
            "number": 1,
            "submitted_at": "2025-06-01T10:00:00+00:00",
            "submitted_by": "Someone",
            "deadline": "2099-06-25",
        },
        "reports": list(reports.values()),
    }


@pytest.fixture
def synthesis_catalogue(db):
    ms = Target.objects.create(code="MS", name="Member States", position=1)
    reports = []
    for year, count in ((2013, 3), (2014, 2)):
        report = Report.objects.create(
            number=year - 2008, year=year, symbol=f"A/{year}/1", title=f"The report of {year}"
        )
        section = Section.objects.create(report=report, target=ms, paragraphs="1–5")
        for position in range(1, count + 1):
            Recommendation.objects.create(
                section=section,
                position=position,
                code=recommendation_code(year=year, target_code="MS", position=position),
                text=f"Recommendation {position} of {year}.",
            )
        reports.append(report)
    theme = Theme.objects.create(name="Prevention", slug="prevention", position=1)
    for code in ("2013-MS-01", "2014-MS-01"):
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code=code), reason="Both."
        )
    return reports


@pytest.fixture
def synthesis_cycle(synthesis_catalogue):
    cycle = Cycle.objects.create(
        code="2025", name="2025 debate", deadline=datetime.date(2099, 6, 25)
    )
    cycle.reports.set(synthesis_catalogue)
    return cycle


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user(username="author", password="pw-author")


def make_state(iso3: str, group: str) -> MemberState:
    return MemberState.objects.get_or_create(
        iso3=iso3, defaults={"name": f"State {iso3}", "regional_group": group}
    )[0]


def submit(cycle, iso3, group, how, statuses, user, *, codes=CODES) -> Submission | None:
    """A State's assessment in `cycle`, in the state `how` names (see ANSWERS)."""
    state = make_state(iso3, group)
    status = {
        "draft": AssessmentStatus.DRAFT,
        "submitted": AssessmentStatus.SUBMITTED,
    }.get(how, AssessmentStatus.ACCEPTED)
    assessment = Assessment.objects.create(member_state=state, cycle=cycle, status=status)
    if how == "draft":
        return None
    submission = Submission.objects.create(
        assessment=assessment,
        number=1,
        submitted_by=user,
        snapshot=snapshot_of(state, cycle, statuses, codes=codes),
    )
    if how in ("published", "withdrawn"):
        publication = Publication.objects.create(submission=submission, published_by=user)
        if how == "withdrawn":
            publication.withdrawn_at = publication.published_at
            publication.withdrawn_by = user
            publication.save()
    return submission


@pytest.fixture
def submissions(synthesis_cycle, author):
    """Every State of ANSWERS, as it says; {iso3: its submission}."""
    return {
        iso3: submit(synthesis_cycle, iso3, group, how, statuses, author)
        for iso3, (group, how, statuses) in ANSWERS.items()
    }


@pytest.fixture
def staff_without_review(db, django_user_model):
    """Staff who is not the secretariat (no review permission)."""
    user = django_user_model.objects.create_user(username="otto", password="pw-otto", is_staff=True)
    assert not Group.objects.filter(user=user).exists()
    TOTPDevice.objects.create(user=user, name="Otto's phone", confirmed=True)
    return user
