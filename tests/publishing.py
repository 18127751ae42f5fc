"""What the tests of publication share: an assessment with its evidence, links and files
marked with a string of its own, taken to the status a test needs."""

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Answer, Assessment, AssessmentStatus, Attachment, Submission
from assessments.services.answers import AnswerContent, answer_save, attachment_add
from assessments.services.lifecycle import assessment_start, assessment_submit
from assessments.services.reports import submission_store_pdf
from assessments.services.review import assessment_accept, assessment_return
from assessments.uploads import PDF, sha256_of
from delegations.models import Member, MemberState


def state_with_focal_point(iso3: str, name: str, django_user_model, **user_fields):
    """A Member State and its focal point, who signs in as `iso3` in lower case (with
    `user_fields` given: a name, an e-mail address)."""
    state = MemberState.objects.create(iso3=iso3, name=name, regional_group="african")
    user = django_user_model.objects.create_user(
        username=iso3.lower(), password="pw", **user_fields
    )
    Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
    return state, user


def attach(answer: Answer, user, *, name: str, marker: str) -> Attachment:
    """A small PDF whose bytes hold `marker`, on `answer`."""
    upload = SimpleUploadedFile(
        name, f"%PDF-1.4\n% {marker}\n%%EOF\n".encode(), content_type="application/pdf"
    )
    return attachment_add(
        answer=answer, upload=upload, checked_type=PDF, sha256=sha256_of(upload), user=user
    )


def fill(assessment: Assessment, user, marker: str, *, files: int = 2) -> list[Attachment]:
    """Give the assessment's first answer evidence and a link holding `marker`, and
    `files` files: named `<marker>-file-<n>.pdf`, with `<marker>-content-<n>` inside."""
    answer = assessment.answers.in_catalogue_order().select_related("assessment__cycle").first()
    answer_save(
        answer=answer,
        content=AnswerContent(
            status="implemented",
            evidence=f"Evidence {marker}-evidence of the law.",
            links=[f"https://example.org/{marker}-link"],
        ),
        base_version=answer.version,
        user=user,
    )
    answer.refresh_from_db()
    return [
        attach(answer, user, name=f"{marker}-file-{n}.pdf", marker=f"{marker}-content-{n}")
        for n in range(1, files + 1)
    ]


def assessment_in(
    status: str, *, member_state, cycle, focal_point, reviewer, marker: str, files: int = 2
) -> tuple[Assessment, list[Attachment]]:
    """A State's assessment in `status`, filled with `marker` (see `fill`)."""
    assessment = assessment_start(member_state=member_state, cycle=cycle, started_by=focal_point)
    attachments = fill(assessment, focal_point, marker, files=files)
    if status == AssessmentStatus.DRAFT:
        return assessment, attachments
    # The worker renders the PDF once the submit commits; a test's transaction never does.
    submission_store_pdf(assessment_submit(assessment=assessment, submitted_by=focal_point))
    if status == AssessmentStatus.RETURNED:
        assessment_return(
            assessment=assessment,
            user=reviewer,
            text=f"Revise {marker}-comment.",
            seen_submission=1,
        )
    elif status == AssessmentStatus.ACCEPTED:
        assessment_accept(assessment=assessment, user=reviewer, seen_submission=1)
    assessment.refresh_from_db()
    return assessment, attachments


def latest(assessment: Assessment) -> Submission:
    return assessment.submissions.order_by("-number").select_related("assessment").first()
