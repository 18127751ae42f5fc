"""Assessment state changes: start, save with conflict detection, history, submit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from assessments.models import (
    Answer,
    AnswerChange,
    AnswerStatus,
    AssessmentStatus,
    Cycle,
)
from assessments.services.answers import AnswerConflict, AnswerContent, answer_save
from assessments.services.lifecycle import assessment_start, assessment_submit

pytestmark = pytest.mark.django_db

ANSWER = AnswerContent(
    status=AnswerStatus.IMPLEMENTED, evidence="A national focal point since 2019.", links=[]
)


def test_starting_creates_one_blank_answer_per_member_state_recommendation(norway_assessment):
    codes = sorted(norway_assessment.answers.values_list("recommendation__code", flat=True))
    assert codes == ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]
    assert not norway_assessment.answers.exclude(status=AnswerStatus.NOT_ANSWERED).exists()


def test_starting_twice_returns_the_same_assessment(norway_assessment, norway, focal_point_norway):
    again = assessment_start(
        member_state=norway, cycle=norway_assessment.cycle, started_by=focal_point_norway
    )
    assert again.pk == norway_assessment.pk
    assert again.answers.count() == 5


def test_a_save_increments_the_version_and_records_before_and_after(
    first_answer, focal_point_norway
):
    saved = answer_save(
        answer=first_answer, content=ANSWER, base_version=0, user=focal_point_norway
    )

    assert (saved.status, saved.version, saved.updated_by) == (
        AnswerStatus.IMPLEMENTED,
        1,
        focal_point_norway,
    )
    change = saved.changes.get()
    assert change.changed_by == focal_point_norway
    assert change.before == {"status": "", "evidence": "", "links": []}
    assert change.after == ANSWER.as_dict()


def test_a_save_based_on_a_stale_version_is_refused_and_keeps_the_stored_answer(
    first_answer, focal_point_norway, editor_norway
):
    answer_save(answer=first_answer, content=ANSWER, base_version=0, user=editor_norway)
    mine = AnswerContent(status=AnswerStatus.NOT_STARTED, evidence="Mine.", links=[])

    with pytest.raises(AnswerConflict) as conflict:
        answer_save(answer=first_answer, content=mine, base_version=0, user=focal_point_norway)

    assert conflict.value.current.evidence == ANSWER.evidence
    assert conflict.value.current.updated_by == editor_norway
    first_answer.refresh_from_db()
    assert (first_answer.evidence, first_answer.version) == (ANSWER.evidence, 1)
    assert first_answer.changes.count() == 1


def test_saving_the_same_content_again_records_nothing(first_answer, focal_point_norway):
    answer_save(answer=first_answer, content=ANSWER, base_version=0, user=focal_point_norway)
    saved = answer_save(
        answer=first_answer, content=ANSWER, base_version=1, user=focal_point_norway
    )
    assert saved.version == 1
    assert AnswerChange.objects.count() == 1


def test_submitting_freezes_a_snapshot_and_makes_the_assessment_read_only(
    norway_assessment, first_answer, focal_point_norway
):
    answer_save(answer=first_answer, content=ANSWER, base_version=0, user=focal_point_norway)

    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.SUBMITTED
    assert submission.number == 1
    snapshot = submission.snapshot
    assert snapshot["member_state"]["name"] == "Norway"
    first = snapshot["reports"][0]["answers"][0]
    # Data, not presentation: codes rather than labels, and the language it was made in.
    assert (first["code"], first["status"], first["evidence"]) == (
        "2013-MS-01",
        "implemented",
        ANSWER.evidence,
    )
    assert "status_label" not in first
    assert snapshot["member_state"]["regional_group"] == "western_european_other"
    assert (snapshot["format"], snapshot["language"]) == (2, "en")
    with pytest.raises(PermissionDenied):
        answer_save(
            answer=first_answer,
            content=AnswerContent(status="", evidence="Later.", links=[]),
            base_version=1,
            user=focal_point_norway,
        )


def test_the_snapshot_survives_later_changes_to_the_catalogue(
    norway_assessment, focal_point_norway
):
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    first = norway_assessment.answers.get(recommendation__code="2013-MS-01").recommendation
    first.text = "Reworded."
    first.save()
    submission.refresh_from_db()
    assert submission.snapshot["reports"][0]["answers"][0]["text"].startswith("Recommendation 1")


def test_a_second_submit_is_refused_and_creates_no_second_submission(
    norway_assessment, focal_point_norway
):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    with pytest.raises(PermissionDenied):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    assert norway_assessment.submissions.count() == 1


def test_a_new_cycle_can_start_from_the_previous_answers(
    norway_assessment, first_answer, focal_point_norway, norway, catalogue
):
    answer_save(answer=first_answer, content=ANSWER, base_version=0, user=focal_point_norway)
    new_cycle = Cycle.objects.create(
        code="2027",
        name="2027",
        deadline=norway_assessment.cycle.deadline + datetime.timedelta(days=700),
    )
    new_cycle.reports.set(catalogue)

    copied = assessment_start(
        member_state=norway, cycle=new_cycle, started_by=focal_point_norway, copy_previous=True
    )

    answer = copied.answers.get(recommendation__code="2013-MS-01")
    assert (answer.status, answer.evidence) == (ANSWER.status, ANSWER.evidence)
    assert answer.changes.get().kind == AnswerChange.Kind.COPIED
    assert copied.answers.exclude(pk=answer.pk).filter(status="").count() == 4


def test_a_closed_cycle_cannot_be_started(cycle, norway, focal_point_norway):
    cycle.is_open = False
    cycle.save()
    with pytest.raises(PermissionDenied):
        assessment_start(member_state=norway, cycle=cycle, started_by=focal_point_norway)


def test_database_refuses_an_unknown_status(first_answer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=first_answer.pk).update(status="done")


@pytest.mark.parametrize("persona", ["secretariat", "focal_point_kenya"])
def test_the_services_let_only_the_states_own_delegation_write(request, persona, first_answer):
    """Whatever path calls them (a view, the admin, a command): the rule is in the service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.services.answers import attachment_add
    from assessments.uploads import PDF

    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied, match="Only the delegation of the State"):
        answer_save(answer=first_answer, content=ANSWER, base_version=0, user=user)
    with pytest.raises(PermissionDenied, match="Only the delegation of the State"):
        attachment_add(
            answer=first_answer,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"),
            checked_type=PDF,
            sha256="0" * 64,
            user=user,
        )
    first_answer.refresh_from_db()
    assert first_answer.version == 0


def test_only_the_focal_point_submits_even_when_the_service_is_called_directly(
    norway_assessment, editor_norway
):
    with pytest.raises(PermissionDenied, match="focal point"):
        assessment_submit(assessment=norway_assessment, submitted_by=editor_norway)
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.DRAFT
