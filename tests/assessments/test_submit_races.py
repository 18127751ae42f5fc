"""A submission is exactly what was submitted, whatever colleagues do during the submit.

Different actions race here, each in its own thread and database connection: saves,
uploads, removals, answers given once for a theme and applied workbooks against a
submit; a return against an accept. PostgreSQL only: SQLite's in-memory test database
locks whole tables between threads (and its transactions take turns anyway).
"""

import importlib
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from assessments.models import Answer, Assessment, AssessmentStatus, Attachment, Submission
from assessments.services.answers import (
    AnswerContent,
    answer_save,
    attachment_add,
    attachment_remove,
    theme_answer,
)
from assessments.services.lifecycle import TransitionRefused, assessment_submit
from assessments.services.review import assessment_accept, assessment_return
from assessments.services.workbook import workbook_apply
from assessments.uploads import PDF
from assessments.workbook.download import build_workbook
from assessments.workbook.upload import read_workbook
from catalogue.models import Theme, ThemeLink
from tests.assessments.workbook_files import edit
from tests.clients import SignedInClient

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite's in-memory test database locks whole tables between threads; "
        "CI runs these on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

PDF_BYTES = b"%PDF-1.4\n% evidence\n"


class Worker(threading.Thread):
    """Run `action` in a thread with its own connection; keep its result or error."""

    def __init__(self, action):
        super().__init__(daemon=True)
        self.action, self.result, self.error = action, None, None

    def run(self):
        try:
            self.result = self.action()
        except Exception as error:  # the test inspects it
            self.error = error
        finally:
            connection.close()

    def finish(self):
        self.join(timeout=30)
        assert not self.is_alive(), "the action never finished"
        return self


def live_content(assessment: Assessment) -> dict:
    """The answers and files as stored now, in the snapshot's terms."""
    answers = {}
    for answer in Answer.objects.filter(assessment=assessment).select_related("recommendation"):
        files = sorted(
            (file.original_name, file.sha256) for file in Attachment.objects.filter(answer=answer)
        )
        answers[answer.recommendation.code] = (
            answer.status,
            answer.evidence,
            list(answer.links),
            files,
        )
    return answers


def snapshot_content(submission: Submission) -> dict:
    return {
        answer["code"]: (
            answer["status"],
            answer["evidence"],
            answer["links"],
            sorted((file["name"], file["sha256"]) for file in answer["attachments"]),
        )
        for report in submission.snapshot["reports"]
        for answer in report["answers"]
    }


def upload(name="law.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def paused_at(monkeypatch, target: str, *, after: bool = False):
    """Make the action wait for a go when it calls `target` (or, `after`, when the call
    returns): a point where it holds the assessment's lock."""
    reached, go = threading.Event(), threading.Event()
    module, name = target.rsplit(".", 1)
    original = getattr(importlib.import_module(module), name)

    def pausing(*args, **kwargs):
        result = original(*args, **kwargs) if after else None
        reached.set()
        assert go.wait(timeout=30)
        return result if after else original(*args, **kwargs)

    monkeypatch.setattr(target, pausing)
    return reached, go


def blocked(worker: Worker) -> bool:
    """True if the worker is still waiting (for a lock) a moment after it started."""
    worker.start()
    time.sleep(0.5)
    return worker.is_alive()


def _save(answer, user):
    def action():
        current = Answer.objects.select_related("assessment__cycle").get(pk=answer.pk)
        return answer_save(
            answer=current,
            content=AnswerContent(
                status="implemented", evidence="Written during the submit.", links=[]
            ),
            base_version=current.version,
            user=user,
        )

    return action


def _upload(answer, user):
    def action():
        current = Answer.objects.select_related("assessment__cycle").get(pk=answer.pk)
        return attachment_add(
            answer=current, upload=upload(), checked_type=PDF, sha256="0" * 64, user=user
        )

    return action


def _remove(answer, user):
    def action():
        attachment = Attachment.objects.select_related("answer__assessment__cycle").get(
            answer=answer
        )
        return attachment_remove(attachment=attachment, user=user)

    return action


def _theme(answer, user):
    """Answer once for a theme holding the answer's recommendation."""
    theme = Theme.objects.create(name="Focal points", slug="focal-points", position=1)
    ThemeLink.objects.create(theme=theme, recommendation=answer.recommendation, reason="Test.")

    def action():
        return theme_answer(
            assessment=Assessment.objects.select_related("cycle").get(pk=answer.assessment_id),
            theme=theme,
            content=AnswerContent(
                status="implemented", evidence="Answered for the theme.", links=[]
            ),
            versions={answer.pk: Answer.objects.get(pk=answer.pk).version},
            user=user,
        )

    return action


def _workbook(answer, user):
    """Apply a workbook whose preview was read before the submit began."""
    assessment = Assessment.objects.select_related("cycle", "member_state").get(
        pk=answer.assessment_id
    )
    data = edit(
        build_workbook(assessment=assessment),
        {answer.recommendation.code: {"evidence": "Typed in the capital."}},
    )
    plan = read_workbook(data=data, filename="answers.xlsx", assessment=assessment)

    def action():
        return workbook_apply(
            assessment=Assessment.objects.select_related("cycle").get(pk=assessment.pk),
            plan=plan,
            seen_versions={answer.recommendation.code: Answer.objects.get(pk=answer.pk).version},
            take_workbook=set(),
            user=user,
        )

    return action


WRITES = {
    "save": _save,
    "upload": _upload,
    "remove": _remove,
    "theme": _theme,
    "workbook": _workbook,
}


@pytest.fixture
def with_a_file(first_answer, editor_norway):
    attachment_add(
        answer=first_answer,
        upload=upload("old.pdf"),
        checked_type=PDF,
        sha256="1" * 64,
        user=editor_norway,
    )
    return first_answer


def _submit(assessment, user):
    return lambda: assessment_submit(
        assessment=Assessment.objects.select_related("cycle").get(pk=assessment.pk),
        submitted_by=user,
    )


@pytest.mark.parametrize("kind", WRITES)
def test_a_write_that_began_before_the_submit_is_in_the_snapshot(
    kind, monkeypatch, norway_assessment, with_a_file, focal_point_norway, editor_norway
):
    # Every write takes the assessment's lock first: pause it once it holds it.
    reached, go = paused_at(
        monkeypatch, "assessments.services.answers.lock_for_editing", after=True
    )
    write = Worker(WRITES[kind](with_a_file, editor_norway))
    write.start()
    assert reached.wait(timeout=10), write.error

    submit = Worker(_submit(norway_assessment, focal_point_norway))
    assert blocked(submit), "the submit did not wait for the write in progress"
    go.set()
    write.finish()
    submit.finish()

    assert write.error is None and submit.error is None
    submission = Submission.objects.get()
    assert snapshot_content(submission) == live_content(norway_assessment)


@pytest.mark.parametrize("kind", WRITES)
def test_a_write_that_comes_during_the_submit_is_refused_and_changes_nothing(
    kind, monkeypatch, norway_assessment, with_a_file, focal_point_norway, editor_norway
):
    reached, go = paused_at(monkeypatch, "assessments.services.lifecycle.build_snapshot")
    submit = Worker(_submit(norway_assessment, focal_point_norway))
    submit.start()
    assert reached.wait(timeout=10)
    before = live_content(norway_assessment)

    write = Worker(WRITES[kind](with_a_file, editor_norway))
    assert blocked(write), "the write did not wait for the submit in progress"
    go.set()
    submit.finish()
    write.finish()

    assert submit.error is None
    assert isinstance(write.error, PermissionDenied)
    assert "submitted and is read-only" in str(write.error)
    assert live_content(norway_assessment) == before
    assert snapshot_content(Submission.objects.get()) == before


def test_colleagues_saving_and_uploading_through_the_site_during_a_submit_never_diverge(
    cycle, norway_assessment, focal_point_norway, editor_norway, django_user_model
):
    """The issue's reproduction, through the real views: in every round, whatever the
    colleagues were told, the stored answers and files equal the snapshot."""
    from delegations.models import Member

    colleagues = [editor_norway]
    for name in ("ingrid", "ola"):
        user = django_user_model.objects.create_user(username=name, password="pw")
        Member.objects.create(
            user=user, member_state=norway_assessment.member_state, role=Member.Role.EDITOR
        )
        colleagues.append(user)
    answers = list(norway_assessment.answers.order_by("pk"))
    told_saved = []

    for round_number in range(5):
        start = threading.Barrier(len(colleagues) + 2)

        def autosave(user, answer, round_number=round_number, start=start):
            client = SignedInClient()
            client.force_login(user)
            start.wait()
            for attempt in range(15):
                current = Answer.objects.get(pk=answer.pk)
                prefix = f"r{answer.pk}-"
                result = client.post(
                    reverse("assessments:answer_save", args=[norway_assessment.pk, answer.pk]),
                    {
                        prefix + "status": "partially_implemented",
                        prefix + "evidence": f"{user.username} round {round_number} #{attempt}",
                        prefix + "links": "",
                        prefix + "version": current.version,
                    },
                    HTTP_HX_REQUEST="true",
                )
                assert result.status_code in (200, 403), result.status_code
                if result.status_code == 200 and b"Saved" in result.content:
                    told_saved.append(user.username)

        def attach(start=start, round_number=round_number):
            client = SignedInClient()
            client.force_login(editor_norway)
            start.wait()
            for attempt in range(5):
                result = client.post(
                    reverse(
                        "assessments:attachment_upload",
                        args=[norway_assessment.pk, answers[-1].pk],
                    ),
                    {f"a{answers[-1].pk}-file": upload(f"r{round_number}-{attempt}.pdf")},
                )
                assert result.status_code in (302, 403), result.status_code

        def submit(start=start):
            client = SignedInClient()
            client.force_login(focal_point_norway)
            start.wait()
            time.sleep(0.02)
            return client.post(
                reverse("assessments:assessment_submit", args=[norway_assessment.pk]),
                {"confirm": "on"},
            )

        workers = [
            Worker(lambda user=user, answer=answer: autosave(user, answer))
            for user, answer in zip(colleagues, answers, strict=False)
        ]
        workers += [Worker(attach), Worker(submit)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.finish()
            assert worker.error is None, worker.error

        latest = Submission.objects.filter(assessment=norway_assessment).latest("number")
        assert latest.number == round_number + 1
        assert snapshot_content(latest) == live_content(norway_assessment)
        # Reopen for the next round, as a return by the reviewer would.
        Assessment.objects.filter(pk=norway_assessment.pk).update(status=AssessmentStatus.RETURNED)
    assert told_saved, "no save was accepted: the race was not run"


@pytest.fixture
def reviewer(django_user_model):
    # Not the `reviewer` fixture: a transactional test flushes the migrations' group.
    return django_user_model.objects.create_user(username="rita", password="pw", is_staff=True)


@pytest.fixture
def submitted(norway_assessment, focal_point_norway):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    return norway_assessment


def test_a_return_and_an_accept_at_once_let_exactly_one_through(submitted, reviewer):
    start = threading.Barrier(2)

    def act(transition, **extra):
        def action():
            start.wait()
            return transition(
                assessment=Assessment.objects.get(pk=submitted.pk),
                user=reviewer,
                seen_submission=1,
                **extra,
            )

        return action

    workers = [
        Worker(act(assessment_return, text="Please add evidence.")),
        Worker(act(assessment_accept)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.finish()

    errors = [worker.error for worker in workers if worker.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], TransitionRefused)
    submitted.refresh_from_db()
    winner = next(worker for worker in workers if worker.error is None)
    assert submitted.status == winner.result.to_status
    assert submitted.status_changes.count() == 2  # the submit and the one that won


def test_a_submit_and_an_accept_of_the_version_before_it_never_accept_the_new_one(
    submitted, reviewer, focal_point_norway, monkeypatch
):
    """The reviewer saw version 1; version 2 is being submitted after a return."""
    assessment_return(assessment=submitted, user=reviewer, text="Complete 2014.", seen_submission=1)
    reached, go = paused_at(monkeypatch, "assessments.services.lifecycle.build_snapshot")
    submit = Worker(_submit(submitted, focal_point_norway))
    submit.start()
    assert reached.wait(timeout=10)

    accept = Worker(
        lambda: assessment_accept(
            assessment=Assessment.objects.get(pk=submitted.pk),
            user=reviewer,
            seen_submission=1,
        )
    )
    assert blocked(accept)
    go.set()
    submit.finish()
    accept.finish()

    assert submit.error is None
    assert isinstance(accept.error, TransitionRefused)
    assert "Version 2 was submitted" in str(accept.error)
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
