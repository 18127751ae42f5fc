import datetime

import pytest

from assessments.models import Cycle
from assessments.services.lifecycle import assessment_start
from catalogue.models import Recommendation, Report, Section, Target, recommendation_code


def _report(year, targets, per_target):
    report = Report.objects.create(
        number=year - 2008, year=year, symbol=f"A/{year - 1946}/1", title=f"Report {year}"
    )
    for target, count in zip(targets, per_target, strict=True):
        section = Section.objects.create(report=report, target=target, paragraphs="1–5")
        for position in range(1, count + 1):
            Recommendation.objects.create(
                section=section,
                position=position,
                code=recommendation_code(year=year, target_code=target.code, position=position),
                text=f"Recommendation {position} of {year} to {target.code}.",
            )
    return report


@pytest.fixture
def catalogue(db):
    """Two reports with Member State recommendations (3 and 2) and some for the UN."""
    ms = Target.objects.create(code="MS", name="Member States", position=1)
    un = Target.objects.create(code="UN", name="United Nations", position=2)
    return [_report(2013, [ms, un], [3, 2]), _report(2014, [ms], [2])]


# Far ahead, so that only the tests about deadlines meet it (they set the time themselves).
DEADLINE = datetime.date(2099, 6, 25)


@pytest.fixture
def cycle(catalogue):
    cycle = Cycle.objects.create(code="2025", name="2025 debate", deadline=DEADLINE)
    cycle.reports.set(catalogue)
    return cycle


@pytest.fixture
def norway_assessment(cycle, norway, focal_point_norway):
    return assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)


@pytest.fixture
def kenya_assessment(cycle, kenya, focal_point_kenya):
    return assessment_start(member_state=kenya, cycle=cycle, started_by=focal_point_kenya)


@pytest.fixture
def first_answer(norway_assessment):
    return norway_assessment.answers.get(recommendation__code="2013-MS-01")
