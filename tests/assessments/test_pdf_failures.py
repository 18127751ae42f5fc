"""A country report that cannot be rendered: the submission stands, the download says so
clearly, the rendering is retried by the worker, and the secretariat sees which PDFs are
missing. (Tasks run as soon as they are queued in these tests.)"""

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assessments.documents import pdf as pdf_module
from assessments.models import AssessmentStatus, Export, Submission
from assessments.services.lifecycle import assessment_submit
from assessments.services.reports import PDF_RETRY_AFTER

pytestmark = pytest.mark.django_db


class Renderer:
    """Stands in for the country report renderer: broken until repaired; counts calls."""

    def __init__(self):
        self.calls, self.broken = [], True
        self.real = pdf_module.render_country_report

    def __call__(self, snapshot, **kwargs):
        self.calls.append(snapshot["submission"]["number"])
        if self.broken:
            raise RuntimeError("No font for U+1F600")
        return self.real(snapshot, **kwargs)

    def repair(self):
        self.broken = False


@pytest.fixture
def broken_renderer(monkeypatch):
    renderer = Renderer()
    monkeypatch.setattr(pdf_module, "render_country_report", renderer)
    return renderer


@pytest.fixture
def submitted(
    norway_assessment, focal_point_norway, broken_renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    submission.refresh_from_db()
    return submission


def pdf_url(submission):
    return reverse("assessments:submission_pdf", args=[submission.assessment_id, submission.number])


def make_retryable(submission):
    Submission.objects.filter(pk=submission.pk).update(
        pdf_attempted_at=submission.pdf_attempted_at - PDF_RETRY_AFTER - datetime.timedelta(1)
    )


def test_a_failed_rendering_keeps_the_submission_and_records_the_error(submitted, broken_renderer):
    assert submitted.assessment.status == AssessmentStatus.SUBMITTED
    assert not submitted.pdf
    assert submitted.pdf_attempts == 1
    assert submitted.pdf_error == "RuntimeError: No font for U+1F600"
    assert broken_renderer.calls == [1]


def test_the_download_of_a_missing_pdf_gets_a_clear_page_not_a_500(
    client, submitted, focal_point_norway, broken_renderer
):
    client.force_login(focal_point_norway)
    result = client.get(pdf_url(submitted))

    assert result.status_code == 503
    assert result["Retry-After"] == str(int(PDF_RETRY_AFTER.total_seconds()))
    page = result.content.decode()
    assert "The country report is being prepared" in page
    assert "submitted and recorded as it was" in page
    assert "The last attempt to produce it did not succeed" in page
    # A failure is not retried at every click: within the retry delay, nothing renders.
    assert broken_renderer.calls == [1]


def test_the_assessment_and_submission_pages_say_the_rendering_failed(
    client, submitted, focal_point_norway, broken_renderer
):
    client.force_login(focal_point_norway)
    assessment = submitted.assessment
    for url in (
        reverse("assessments:assessment_detail", args=[assessment.pk]),
        reverse("assessments:submission_detail", args=[assessment.pk, submitted.number]),
    ):
        page = client.get(url).content.decode()
        assert "The last attempt to produce it did not succeed" in page, url
        assert "The PDF is being prepared" not in page
        assert "(PDF) is being prepared" not in page


def test_the_download_queues_a_retry_after_the_delay_and_serves_the_pdf_once_it_renders(
    client, submitted, focal_point_norway, broken_renderer
):
    client.force_login(focal_point_norway)
    make_retryable(submitted)
    assert client.get(pdf_url(submitted)).status_code == 503
    assert broken_renderer.calls == [1, 1]
    # Queued once per attempt: the next click, still within the delay, queues nothing.
    assert client.get(pdf_url(submitted)).status_code == 503
    assert broken_renderer.calls == [1, 1]

    broken_renderer.repair()
    submitted.refresh_from_db()
    make_retryable(submitted)
    # The retry this click queues renders the PDF (at once here, by a worker in
    # production); the click itself only says it is being prepared.
    assert client.get(pdf_url(submitted)).status_code == 503
    result = client.get(pdf_url(submitted))

    assert result.status_code == 200
    assert b"".join(result.streaming_content).startswith(b"%PDF-")
    submitted.refresh_from_db()
    assert submitted.pdf_sha256 and submitted.pdf_error == ""
    assert submitted.pdf_attempts == 3


def test_the_secretariat_lists_the_submissions_lacking_their_pdf_and_can_render_them(
    client, submitted, secretariat, broken_renderer
):
    client.force_login(secretariat)
    listing = client.get(reverse("admin:assessments_submission_changelist"), {"pdf": "missing"})
    assert listing.status_code == 200
    assert "No font for U+1F600" in listing.content.decode()

    broken_renderer.repair()
    queued = client.post(
        reverse("admin:assessments_submission_changelist"),
        {"action": "render_missing_pdfs", "_selected_action": [submitted.pk]},
        follow=True,
    )
    assert "PDFs queued for rendering: 1." in queued.content.decode()
    submitted.refresh_from_db()
    assert submitted.pdf_sha256
    listing = client.get(reverse("admin:assessments_submission_changelist"), {"pdf": "missing"})
    assert "No font for U+1F600" not in listing.content.decode()


def test_the_submissions_list_says_a_pdf_never_tried_is_not_rendered_yet(
    client, norway_assessment, focal_point_norway, secretariat
):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)  # not run
    client.force_login(secretariat)

    listing = client.get(reverse("admin:assessments_submission_changelist")).content.decode()

    assert "Missing: not rendered yet" in listing
    assert "after 0 attempts" not in listing


def test_the_retry_command_queues_what_is_missing_and_fails_while_something_still_fails(
    submitted, broken_renderer
):
    with pytest.raises(CommandError, match="could not be rendered"):
        call_command("render_missing_pdfs", "--now", stdout=io.StringIO())
    assert broken_renderer.calls == [1, 1]

    broken_renderer.repair()
    output = io.StringIO()
    call_command("render_missing_pdfs", "--now", stdout=output)
    assert "queued 1, last rendering failed 0" in output.getvalue()
    submitted.refresh_from_db()
    assert submitted.pdf


def test_the_retry_command_leaves_recent_attempts_to_their_worker(submitted, broken_renderer):
    with pytest.raises(CommandError):
        call_command("render_missing_pdfs", stdout=io.StringIO())
    assert broken_renderer.calls == [1]

    make_retryable(submitted)
    with pytest.raises(CommandError):
        call_command("render_missing_pdfs", stdout=io.StringIO())
    assert broken_renderer.calls == [1, 1]


def test_the_retry_command_renders_in_its_own_process_when_asked(submitted, broken_renderer):
    broken_renderer.repair()
    output = io.StringIO()
    call_command("render_missing_pdfs", "--now", "--here", stdout=output)
    assert "rendered 1, still missing 0" in output.getvalue()
    submitted.refresh_from_db()
    assert submitted.pdf


def test_the_zip_of_pdfs_names_the_ones_still_being_prepared(
    client, submitted, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:assessments_assessment_changelist"),
            {"action": "download_pdfs", "_selected_action": [submitted.assessment_id]},
        )
    export = Export.objects.get()
    result = client.get(reverse("admin:assessments_export_download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(result.streaming_content)))
    assert archive.namelist() == ["MISSING.txt"]
    assert "R2P-NOR-2025-v1.pdf" in archive.read("MISSING.txt").decode()


def test_the_review_page_says_which_version_lacks_its_pdf(client, submitted, secretariat):
    client.force_login(secretariat)
    page = client.get(
        reverse("admin:assessments_assessment_change", args=[submitted.assessment_id])
    ).content.decode()
    assert "PDF not stored yet (1 attempt)" in page
    assert "No font for U+1F600" in page


def test_the_submissions_list_says_how_long_a_missing_pdf_has_been_waited_for(
    client, norway_assessment, focal_point_norway, secretariat
):
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    type(submission).objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=1, minutes=30)
    )
    client.force_login(secretariat)

    listing = client.get(reverse("admin:assessments_submission_changelist")).content.decode()

    assert "Missing: not rendered yet, waiting for 1\xa0hour, 30\xa0minutes" in listing
