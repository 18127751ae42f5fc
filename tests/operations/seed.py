"""Data for a site outside the test process (tests/operations/outside.py), run there."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Answer, Cycle
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start, assessment_submit
from catalogue.models import Recommendation, Report, Section, Target, recommendation_code
from delegations.models import Member, MemberState


def assessment(*, iso3: str = "NOR", name: str = "Norway"):
    """A State's assessment of a small cycle (one report, three recommendations) and its
    focal point."""
    target, _ = Target.objects.get_or_create(
        code="MS", defaults={"name": "Member States", "position": 1}
    )
    report, created = Report.objects.get_or_create(
        year=2013, defaults={"number": 5, "symbol": "A/67/929", "title": "Report 2013"}
    )
    if created:
        section = Section.objects.create(report=report, target=target, paragraphs="1–5")
        for position in (1, 2, 3):
            Recommendation.objects.create(
                section=section,
                position=position,
                code=recommendation_code(year=2013, target_code="MS", position=position),
                text=f"Recommendation {position}.",
            )
    cycle, created = Cycle.objects.get_or_create(
        code="2025", defaults={"name": "2025 debate", "deadline": datetime.date(2099, 6, 25)}
    )
    if created:
        cycle.reports.set([report])
    state = MemberState.objects.get_or_create(
        iso3=iso3, defaults={"name": name, "regional_group": "western_european_other"}
    )[0]
    user = get_user_model().objects.create_user(username=f"fp-{iso3.lower()}", password="pw")
    Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)  # as every focal point
    return assessment_start(member_state=state, cycle=cycle, started_by=user), user


def submit() -> int:
    """A submitted assessment, its tasks queued in the database; the submission's id."""
    started, user = assessment()
    for answer in Answer.objects.filter(assessment=started):
        answer_save(
            answer=answer,
            content=AnswerContent(status="implemented", evidence="Loi n° 12 — قانون", links=[]),
            base_version=answer.version,
            user=user,
        )
    with transaction.atomic():
        submission = assessment_submit(assessment=started, submitted_by=user)
    return submission.pk
