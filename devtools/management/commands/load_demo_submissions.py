import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from PIL import Image

from assessments.models import AnswerStatus, Cycle
from assessments.services.answers import AnswerContent, answer_save, attachment_add
from assessments.services.lifecycle import assessment_start, assessment_submit
from assessments.services.reports import submission_store_pdf
from assessments.services.review import assessment_accept, assessment_return
from assessments.uploads import check_upload, sha256_of
from delegations.models import Member, MemberState
from devtools.benchmarking import refuse_in_production
from devtools.demo import DEMO_CYCLE_CODE, DEMO_PASSWORD

STATUSES = [
    AnswerStatus.IMPLEMENTED,
    AnswerStatus.PARTIALLY_IMPLEMENTED,
    AnswerStatus.NOT_STARTED,
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Give the demo cycle a few States' submitted assessments: every answer with "
        "evidence and history, two evidence files each, country report PDFs rendered here; "
        "the first State's returned and submitted again, the second's accepted. For the "
        "restore drill in CI and a local walk of the secretariat's desk; never in "
        "production. Run load_reference_data and load_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--states", type=int, default=3, help="how many States submit")

    def handle(self, *args, states, **options):
        refuse_in_production()
        cycle = Cycle.objects.filter(code=DEMO_CYCLE_CODE).first()
        secretariat = get_user_model().objects.filter(username="secretariat").first()
        if cycle is None or secretariat is None:
            raise CommandError("Load the demo first: manage.py load_demo")
        chosen = list(MemberState.objects.exclude(assessments__cycle=cycle).order_by("iso3"))
        submissions = 0
        for index, state in enumerate(chosen[:states]):
            focal_point = self._focal_point(state)
            assessment = assessment_start(member_state=state, cycle=cycle, started_by=focal_point)
            answers = list(assessment.answers.select_related("recommendation"))
            for position, answer in enumerate(answers):
                answer_save(
                    answer=answer,
                    content=AnswerContent(
                        status=STATUSES[position % len(STATUSES)],
                        evidence=(
                            f"{state.name}: the national action plan covers "
                            f"{answer.recommendation.code} (plan d'action, § {position + 1})."
                        ),
                        links=[f"https://www.example.org/{state.iso3.lower()}/plan"],
                    ),
                    base_version=answer.version,
                    user=focal_point,
                )
            for name, content in (("law.pdf", PDF), ("photo.png", _png())):
                upload = SimpleUploadedFile(name, content)
                attachment_add(
                    answer=answers[0],
                    upload=upload,
                    checked_type=check_upload(upload),
                    sha256=sha256_of(upload),
                    user=focal_point,
                )
            submission = assessment_submit(assessment=assessment, submitted_by=focal_point)
            submission_store_pdf(submission)
            submissions += 1
            if index == 0:
                assessment_return(
                    assessment=assessment,
                    user=secretariat,
                    text="Please add the law adopted in 2024.",
                    seen_submission=submission.number,
                )
                assessment.refresh_from_db()
                again = assessment_submit(assessment=assessment, submitted_by=focal_point)
                submission_store_pdf(again)
                submissions += 1
            elif index == 1:
                assessment_accept(
                    assessment=assessment, user=secretariat, seen_submission=submission.number
                )
        self.stdout.write(
            f"{min(states, len(chosen))} States submitted in '{cycle}': {submissions} "
            "submissions with their PDFs rendered."
        )

    def _focal_point(self, state: MemberState):
        user, created = get_user_model().objects.get_or_create(
            username=f"{state.iso3.lower()}.focal",
            defaults={"email": f"focal@{state.iso3.lower()}.example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Member.objects.update_or_create(
            user=user, defaults={"member_state": state, "role": Member.Role.FOCAL_POINT}
        )
        return user
