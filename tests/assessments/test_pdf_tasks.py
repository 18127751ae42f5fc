"""The country report is rendered by a worker, never in a request: submitting queues one
task, the task stores the PDF once, and a failed or dead rendering is retried."""

import datetime
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.documents import pdf as pdf_module
from assessments.models import AssessmentStatus, EmailKind, EmailRecord, Submission
from assessments.services.answers import attachment_add
from assessments.services.lifecycle import assessment_submit, submission_received
from assessments.services.reports import PDF_RETRY_AFTER, render_submission_pdf
from assessments.uploads import check_upload
from tests.queue import run_queued

pytestmark = pytest.mark.django_db


class CountingRenderer:
    """The real renderer, counting its calls; broken on demand."""

    def __init__(self):
        self.calls, self.broken = 0, False
        self.real = pdf_module.render_country_report

    def __call__(self, snapshot, **kwargs):
        self.calls += 1
        if self.broken:
            raise RuntimeError("Pango gave up")
        return self.real(snapshot, **kwargs)


@pytest.fixture
def renderer(monkeypatch):
    counting = CountingRenderer()
    monkeypatch.setattr(pdf_module, "render_country_report", counting)
    return counting


@pytest.fixture
def submitted(
    norway_assessment, focal_point_norway, task_queue, django_capture_on_commit_callbacks
):
    """Submitted and committed, the submit's task run by a worker: its rendering queued,
    not run (the notice it prepared is tests/assessments/test_notifications.py's)."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    (received,) = task_queue.results
    task_queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        received.task.call(*received.args)
    task_queue.results[:] = [
        queued for queued in task_queue.results if queued.task is render_submission_pdf
    ]
    return submission


def pdf_url(submission):
    return reverse("assessments:submission_pdf", args=[submission.assessment_id, submission.number])


def test_submitting_queues_one_rendering_and_one_notice_and_does_neither_in_the_request(
    client,
    focal_point_norway,
    norway_assessment,
    task_queue,
    renderer,
    django_capture_on_commit_callbacks,
):
    client.force_login(focal_point_norway)
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(
            reverse("assessments:assessment_submit", args=[norway_assessment.pk]),
            {"confirm": "on"},
        )

    assert result.status_code == 302
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.SUBMITTED
    submission = norway_assessment.submissions.get()
    # One row written to the queue by the request.
    assert [(queued.task, queued.args) for queued in task_queue.results] == [
        (submission_received, [submission.pk])
    ]
    assert renderer.calls == 0
    assert not EmailRecord.objects.exists()
    assert not submission.pdf and submission.pdf_attempts == 0

    # The worker's side: the rendering queued as a task of its own, the notice prepared.
    (received,) = task_queue.results
    task_queue.clear()
    assert received.task.call(*received.args) == "prepared"
    assert (render_submission_pdf, [submission.pk]) in [
        (queued.task, queued.args) for queued in task_queue.results
    ]
    assert renderer.calls == 0
    assert EmailRecord.objects.filter(kind=EmailKind.SUBMITTED).exists()


def test_running_the_queued_task_stores_the_pdf(submitted, task_queue, renderer):
    assert run_queued(task_queue) == ["stored"]

    submitted.refresh_from_db()
    assert renderer.calls == 1
    with submitted.pdf.open("rb") as stored:
        document = stored.read()
    assert document.startswith(b"%PDF-")
    assert submitted.pdf_sha256 == hashlib.sha256(document).hexdigest()


def test_a_failing_task_records_the_error_and_the_download_says_it_is_being_prepared(
    client, submitted, task_queue, renderer, focal_point_norway
):
    renderer.broken = True
    assert run_queued(task_queue) == ["failed: PdfNotReady"]

    submitted.refresh_from_db()
    assert submitted.pdf_error == "RuntimeError: Pango gave up"
    client.force_login(focal_point_norway)
    result = client.get(pdf_url(submitted))
    assert result.status_code == 503
    assert "The country report is being prepared" in result.content.decode()
    assert renderer.calls == 1
    # Retried only after the delay.
    assert task_queue.results == []


def test_a_task_run_twice_renders_once(submitted, task_queue, renderer):
    task_queue.results.append(task_queue.results[0])

    assert run_queued(task_queue) == ["stored", "stored"]
    assert renderer.calls == 1


def test_a_task_finding_the_rendering_claimed_by_another_worker_leaves_it_to_that_worker(
    submitted, task_queue, renderer
):
    Submission.objects.filter(pk=submitted.pk).update(
        pdf_attempted_at=timezone.now(), pdf_attempts=1
    )
    assert run_queued(task_queue) == ["claimed elsewhere"]
    assert renderer.calls == 0


def test_a_worker_that_died_mid_rendering_is_retried_after_the_delay(
    client, submitted, task_queue, renderer, focal_point_norway
):
    # The claim of a worker that died: attempted, no PDF, no error.
    died_at = timezone.now()
    Submission.objects.filter(pk=submitted.pk).update(pdf_attempted_at=died_at, pdf_attempts=1)
    task_queue.clear()
    client.force_login(focal_point_norway)

    assert client.get(pdf_url(submitted)).status_code == 202
    assert task_queue.results == []  # within the delay, the claim may still be alive

    Submission.objects.filter(pk=submitted.pk).update(
        pdf_attempted_at=died_at - PDF_RETRY_AFTER - datetime.timedelta(seconds=1)
    )
    assert client.get(pdf_url(submitted)).status_code == 202
    assert client.get(pdf_url(submitted)).status_code == 202
    assert len(task_queue.results) == 1  # one retry, however many clicks

    assert run_queued(task_queue) == ["stored"]
    served = client.get(pdf_url(submitted))
    assert served.status_code == 200
    b"".join(served.streaming_content)  # read to the end, which closes the file
    submitted.refresh_from_db()
    assert submitted.pdf_attempts == 2


def test_a_lost_task_is_queued_again_by_the_submission_page_after_the_delay(
    client, submitted, task_queue, focal_point_norway
):
    task_queue.clear()  # the queue lost it
    Submission.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - PDF_RETRY_AFTER - datetime.timedelta(seconds=1)
    )
    client.force_login(focal_point_norway)
    client.get(submitted.get_absolute_url())
    assert [queued.args for queued in task_queue.results] == [[submitted.pk]]


def test_the_overview_and_submission_page_say_being_prepared_instead_of_a_link(
    client, submitted, task_queue, focal_point_norway
):
    client.force_login(focal_point_norway)
    overview = client.get(submitted.assessment.get_absolute_url()).content.decode()
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert pdf_url(submitted) not in overview
    assert "being prepared" in overview
    assert pdf_url(submitted) not in page
    assert "is being prepared" in page

    run_queued(task_queue)
    overview = client.get(submitted.assessment.get_absolute_url()).content.decode()
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert pdf_url(submitted) in overview
    assert pdf_url(submitted) in page
    assert "being prepared" not in page


@pytest.fixture
def in_memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def test_pdfs_are_stored_through_the_configured_storage_and_downloaded_from_it(
    client, in_memory_storage, submitted, task_queue, focal_point_norway, settings
):
    run_queued(task_queue)
    submitted.refresh_from_db()

    assert in_memory_storage.exists(submitted.pdf.name)
    assert not (settings.MEDIA_ROOT / submitted.pdf.name).exists()
    client.force_login(focal_point_norway)
    result = client.get(pdf_url(submitted))
    assert result.status_code == 200
    assert b"".join(result.streaming_content).startswith(b"%PDF-")


def test_attachments_are_stored_through_the_configured_storage_and_downloaded_from_it(
    client, in_memory_storage, first_answer, focal_point_norway, settings
):
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = SimpleUploadedFile("law.pdf", content)
    attachment = attachment_add(
        answer=first_answer,
        upload=upload,
        checked_type=check_upload(upload),
        sha256=hashlib.sha256(content).hexdigest(),
        user=focal_point_norway,
    )

    assert in_memory_storage.exists(attachment.file.name)
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()
    client.force_login(focal_point_norway)
    result = client.get(attachment.get_absolute_url())
    assert result.status_code == 200
    assert b"".join(result.streaming_content) == content


def test_the_cron_command_queues_a_missing_pdf_once_while_its_retry_is_pending(
    submitted, task_queue
):
    task_queue.clear()  # the queue lost the submit's task
    Submission.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - PDF_RETRY_AFTER - datetime.timedelta(seconds=1)
    )
    for _ in range(3):
        call_command("render_missing_pdfs", stdout=io.StringIO())

    assert [queued.args for queued in task_queue.results] == [[submitted.pk]]


def test_a_submit_whose_task_cannot_be_queued_still_stands(
    client,
    focal_point_norway,
    norway_assessment,
    task_queue,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue unreachable")

    monkeypatch.setattr("assessments.services.lifecycle.submission_received", QueueDown())
    client.force_login(focal_point_norway)
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(
            reverse("assessments:assessment_submit", args=[norway_assessment.pk]),
            {"confirm": "on"},
        )

    assert result.status_code == 302
    assert norway_assessment.submissions.count() == 1
