"""Evidence files, country reports and exports in an S3-compatible object store, the
production set-up with several web and worker machines (moto plays the store)."""

import hashlib
import io
import zipfile

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from assessments.models import Assessment
from assessments.services.exports import export_pdf_zip_build, export_pdf_zip_request
from assessments.services.lifecycle import assessment_submit
from tests.assessments.test_attachments import PDF, upload

pytestmark = pytest.mark.django_db

BUCKET = "r2p-files"


@pytest.fixture
def bucket(settings):
    with mock_aws():
        store = boto3.resource("s3", region_name="us-east-1")
        store.create_bucket(Bucket=BUCKET)
        # The options production settings give S3Storage when S3_BUCKET is set.
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "access_key": "test",
                    "secret_key": "test",
                    "region_name": "us-east-1",
                    "default_acl": None,
                    "file_overwrite": False,
                    "querystring_auth": True,
                },
            },
        }
        yield store.Bucket(BUCKET)


def keys(bucket):
    return sorted(item.key for item in bucket.objects.all())


def test_evidence_is_stored_in_the_bucket_served_after_the_check_and_removed_with_it(
    client,
    focal_point_norway,
    focal_point_kenya,
    first_answer,
    bucket,
    django_capture_on_commit_callbacks,
):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "law.pdf", PDF)
    attachment = first_answer.attachments.get()
    assert keys(bucket) == [attachment.file.name]

    download = client.get(attachment.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF
    client.force_login(focal_point_kenya)
    assert client.get(attachment.get_absolute_url()).status_code == 404

    client.force_login(focal_point_norway)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:attachment_delete", args=[attachment.pk]))
    assert keys(bucket) == []


def test_a_file_lost_by_the_store_is_a_404_not_a_server_error(
    client, focal_point_norway, first_answer, bucket
):
    client.force_login(focal_point_norway)
    upload(client, first_answer, "law.pdf", PDF)
    attachment = first_answer.attachments.get()
    bucket.Object(attachment.file.name).delete()

    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_the_country_report_and_the_zip_of_reports_are_stored_in_the_bucket(
    client,
    focal_point_norway,
    secretariat,
    norway_assessment,
    bucket,
    django_capture_on_commit_callbacks,
):
    # Tasks run at once in the tests: the worker's rendering writes to the store.
    with django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    submission.refresh_from_db()
    assert keys(bucket) == [submission.pdf.name]

    client.force_login(focal_point_norway)
    result = client.get(
        reverse("assessments:submission_pdf", args=[norway_assessment.pk, submission.number])
    )
    document = b"".join(result.streaming_content)
    assert hashlib.sha256(document).hexdigest() == submission.pdf_sha256

    export = export_pdf_zip_build(
        export=export_pdf_zip_request(
            assessments=Assessment.objects.filter(pk=norway_assessment.pk),
            requested_by=secretariat,
            filename="R2P-PDFs.zip",
        )
    )
    assert export.file.name in keys(bucket)
    with export.file.open("rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    assert archive.read(archive.namelist()[0]) == document
