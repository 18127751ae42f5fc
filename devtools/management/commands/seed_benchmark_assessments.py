from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Mod
from django.utils import timezone

from assessments.documents.snapshot import build_snapshot
from assessments.models import (
    Answer,
    AnswerStatus,
    Assessment,
    AssessmentStatus,
    StatusChange,
    Submission,
)
from assessments.services.lifecycle import assessment_count_evidence, assessment_start
from delegations.models import MemberState
from devtools.benchmarking import open_cycle, refuse_in_production

EVIDENCE = (
    "The Government adopted a national action plan that assigns the prevention of atrocity "
    "crimes to an inter-ministerial committee, which reports to Parliament every year."
)


class Command(BaseCommand):
    help = (
        "For benchmarking the secretariat's pages: give every Member State an assessment in "
        "the open cycle with every answer filled in (about 30,000 answers), most of them "
        "submitted. Refused in production; meant for a throwaway database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--submitted", type=int, default=150, help="States whose assessment is submitted"
        )
        parser.add_argument(
            "--accepted", type=int, default=20, help="of those, States already accepted"
        )

    @transaction.atomic
    def handle(self, *args, submitted, accepted, **options):
        refuse_in_production()
        cycle = open_cycle()
        user, _created = get_user_model().objects.get_or_create(username="benchmark-seed-delegate")
        states = list(MemberState.objects.order_by("name"))
        for state in states:
            assessment_start(member_state=state, cycle=cycle, started_by=user)
        answers = Answer.objects.filter(assessment__cycle=cycle).alias(band=Mod(F("pk"), 3))
        now = timezone.now()
        for band, status in enumerate(
            [
                AnswerStatus.IMPLEMENTED,
                AnswerStatus.PARTIALLY_IMPLEMENTED,
                AnswerStatus.NOT_STARTED,
            ]
        ):
            answers.filter(band=band).update(
                status=status,
                evidence=EVIDENCE,
                links=["https://www.example.org/national-action-plan"],
                updated_at=now,
                updated_by=user,
                version=F("version") + 1,
            )
        assessments = list(
            Assessment.objects.filter(cycle=cycle)
            .select_related("member_state", "cycle")
            .order_by("member_state__name")
        )
        for assessment in assessments:  # written in bulk, not saved
            assessment_count_evidence(assessment=assessment)
        for index, assessment in enumerate(assessments[:submitted]):
            if assessment.submissions.exists():
                continue
            status = AssessmentStatus.ACCEPTED if index < accepted else AssessmentStatus.SUBMITTED
            Submission.objects.create(
                assessment=assessment,
                number=1,
                submitted_at=now,
                submitted_by=user,
                snapshot=build_snapshot(
                    assessment=assessment, submitted_by=user, submitted_at=now, number=1
                ),
            )
            StatusChange.objects.create(
                assessment=assessment,
                from_status=AssessmentStatus.DRAFT,
                to_status=status,
                changed_by=user,
            )
            Assessment.objects.filter(pk=assessment.pk).update(status=status)
        self.stdout.write(
            f"{len(assessments)} assessments in {cycle}, "
            f"{Answer.objects.filter(assessment__cycle=cycle).count()} answers, "
            f"{min(submitted, len(assessments))} submitted ({accepted} accepted)."
        )
