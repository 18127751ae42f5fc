"""The submitted PDFs of several States as one ZIP: asked for in the admin, built by a
worker into storage, downloaded by the secretariat from a permission-checked view."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Assessment, Export, ExportState
from assessments.services.exports import export_pdf_zip_build, export_pdf_zip_request
from assessments.services.lifecycle import assessment_submit
from assessments.services.reports import render_submission_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(norway_assessment, focal_point_norway):
    """Norway's assessment, submitted; its PDF not rendered yet."""
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    return norway_assessment


def run_action(client, action, assessments):
    return client.post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": action, "_selected_action": [a.pk for a in assessments]},
    )


def test_the_pdfs_of_the_selected_submissions_are_prepared_as_one_zip_to_download(
    client, secretariat, submitted, django_capture_on_commit_callbacks
):
    render_submission_pdf.enqueue(submitted.submissions.get().pk)  # run at once, as a worker would
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_action(client, "download_pdfs", [submitted])
    assert result.url == reverse("admin:assessments_export_changelist")
    listing = client.get(result.url).content.decode()
    assert "The ZIP of PDFs is being prepared" in listing
    export = Export.objects.get()
    assert (export.requested_by, export.state) == (secretariat, ExportState.READY)
    download_url = reverse("admin:assessments_export_download", args=[export.pk])
    assert download_url in listing

    download = client.get(download_url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert archive.namelist() == ["R2P-NOR-2025-v1.pdf"]
    submission = submitted.submissions.get()
    with submission.pdf.open("rb") as stored:
        assert archive.read("R2P-NOR-2025-v1.pdf") == stored.read()


def test_an_export_is_downloaded_by_the_secretariat_only_and_only_once_ready(
    client, secretariat, submitted, focal_point_norway, django_user_model, task_queue
):
    export = export_pdf_zip_request(
        assessments=Assessment.objects.all(), requested_by=secretariat, filename="r2p.zip"
    )
    download_url = reverse("admin:assessments_export_download", args=[export.pk])
    client.force_login(secretariat)
    assert client.get(download_url).status_code == 404  # still being prepared

    export_pdf_zip_build(export=export)
    served = client.get(download_url)
    assert served.status_code == 200
    b"".join(served.streaming_content)  # read to the end, which closes the file

    other_staff = django_user_model.objects.create_user("olga", is_staff=True)
    TOTPDevice.objects.create(user=other_staff, name="phone", confirmed=True)
    client.force_login(other_staff)
    assert client.get(download_url).status_code == 403
    client.force_login(focal_point_norway)
    assert client.get(download_url).status_code == 302  # to the admin's sign-in


def test_a_failed_export_records_its_error(secretariat, submitted, task_queue, monkeypatch):
    export = export_pdf_zip_request(
        assessments=Assessment.objects.all(), requested_by=secretariat, filename="r2p.zip"
    )

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("assessments.services.exports.write_pdf_zip", disk_full)
    with pytest.raises(OSError):
        export_pdf_zip_build(export=export)
    export.refresh_from_db()
    assert export.state == ExportState.FAILED
    assert export.error == "OSError: No space left on device"
    assert not export.file


def test_an_export_whose_worker_stopped_says_so_instead_of_being_prepared_forever(
    client, secretariat, submitted, task_queue
):
    export = export_pdf_zip_request(
        assessments=Assessment.objects.filter(pk=submitted.pk),
        requested_by=secretariat,
        filename="R2P-PDFs.zip",
    )
    client.force_login(secretariat)
    listing = reverse("admin:assessments_export_changelist")
    row = '<td class="field-download">'
    assert row + "Being prepared" in client.get(listing).content.decode()

    Export.objects.filter(pk=export.pk).update(
        requested_at=export.requested_at - Export.LOST_AFTER - timedelta(seconds=1)
    )
    page = client.get(listing).content.decode()
    assert row + "Not built: the worker stopped before finishing. Request it again." in page
