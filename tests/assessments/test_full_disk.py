"""A full disk loses nothing: an upload, a country report or a ZIP of reports that the
file storage cannot keep fails with a clear message and a recorded error, leaves no
file, partial or empty, without its row and no row without its file, and the country
report is stored once there is room again.

The media directory is filled for real: `FullDisk` is FileSystemStorage itself on a
disk of a given capacity (what MEDIA_ROOT holds counts), writing until the disk is full
and then failing with ENOSPC, as a real full disk does, leaving what it wrote. One test
lets the kernel itself stop a write midway (a file size ceiling: no mount, no root).
"""

import datetime
import errno
import hashlib
import io
import logging
import os
import signal
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from moto import mock_aws

from assessments.models import Assessment, Attachment, Export, ExportState, Submission
from assessments.services import answers as answer_services
from assessments.services.exports import export_pdf_zip_build, export_pdf_zip_request
from assessments.services.lifecycle import assessment_submit
from assessments.services.reports import PDF_RETRY_AFTER, PdfNotReady, render_submission_pdf
from assessments.storing import StorageFailed
from assessments.uploads import check_upload
from tests.assessments.test_attachments import PDF, upload

pytestmark = pytest.mark.django_db

# An evidence file of 100 KiB: a PDF by its content, as the upload check wants.
EVIDENCE_SIZE = 100 * 1024
EVIDENCE = PDF + b"%" * (EVIDENCE_SIZE - len(PDF))
ENOSPC_TEXT = os.strerror(errno.ENOSPC)


class UntilFull:
    """An upload's content as the disk takes it: its chunks until `free` bytes are
    written, then the error of a full disk (raised where the next write would fail)."""

    def __init__(self, content, free: int):
        self.content, self.free = content, free

    def chunks(self, chunk_size=None):
        free = self.free
        for chunk in self.content.chunks():
            if len(chunk) > free:
                yield chunk[:free]
                raise OSError(errno.ENOSPC, ENOSPC_TEXT)
            free -= len(chunk)
            yield chunk


class FullDisk(FileSystemStorage):
    """FileSystemStorage on a disk of `capacity` bytes; records the sizes of the files it
    deletes (so a test can tell that a partial file was there and is gone)."""

    deleted: list[tuple[str, int]] = []

    def __init__(self, capacity: int, **kwargs):
        super().__init__(**kwargs)
        self.capacity = capacity

    def _save(self, name, content):
        free = max(self.capacity - sum(size for _, size in media_files(self.location)), 0)
        # Streamed, even an upload spooled to a temporary file (which a disk of its own
        # would copy the same way).
        return super()._save(name, UntilFull(content, free))

    def delete(self, name):
        if self.exists(name):
            FullDisk.deleted.append((name, self.size(name)))
        super().delete(name)


class FileSizeCeiling(FileSystemStorage):
    """FileSystemStorage whose writes the kernel stops at `ceiling` bytes (RLIMIT_FSIZE,
    which any process may lower for itself): a real write failing midway, EFBIG."""

    deleted: list[tuple[str, int]] = []

    def __init__(self, ceiling: int, **kwargs):
        super().__init__(**kwargs)
        self.ceiling = ceiling

    def _save(self, name, content):
        import resource

        limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        # Without this the kernel kills the process rather than failing the write.
        handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.ceiling, limits[1]))
        try:
            return super()._save(name, content)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, limits)
            signal.signal(signal.SIGXFSZ, handler)

    def delete(self, name):
        if self.exists(name):
            FileSizeCeiling.deleted.append((name, self.size(name)))
        super().delete(name)


def media_files(root) -> list[tuple[str, int]]:
    """Every file under the media directory, as (name relative to it, size)."""
    root = Path(root)
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            found.append((path.relative_to(root).as_posix(), path.stat().st_size))
    return sorted(found)


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def disk(settings):
    """The media storage on a disk with room for `room` more bytes (none at first)."""

    class Disk:
        def set_room(self, room: int):
            used = sum(size for _, size in media_files(settings.MEDIA_ROOT))
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {
                    "BACKEND": "tests.assessments.test_full_disk.FullDisk",
                    "OPTIONS": {"capacity": used + room},
                },
            }

    FullDisk.deleted = []
    disk = Disk()
    disk.set_room(0)
    return disk


def assert_media_holds_exactly_the_attachments(settings):
    """No file without its row, no row without its file, each file as uploaded."""
    stored = dict(media_files(settings.MEDIA_ROOT))
    attachments = list(Attachment.objects.all())
    assert sorted(stored) == sorted(attachment.file.name for attachment in attachments)
    for attachment in attachments:
        assert stored[attachment.file.name] == attachment.size
        assert sha256(settings.MEDIA_ROOT / attachment.file.name) == attachment.sha256


def test_the_upload_that_fills_the_disk_is_refused_clearly_and_leaves_nothing_behind(
    client, focal_point_norway, first_answer, disk, settings, caplog
):
    """The reported case: a few uploads fit, the next one fills the disk midway."""
    disk.set_room(4 * EVIDENCE_SIZE + EVIDENCE_SIZE // 2)
    client.force_login(focal_point_norway)
    for number in range(1, 5):
        page = upload(client, first_answer, f"law-{number}.pdf", EVIDENCE)
        assert f"law-{number}.pdf is attached" in page.content.decode()
    answer_before = first_answer.content()
    changes_before = first_answer.changes.count()

    with caplog.at_level(logging.ERROR, logger="assessments.storing"):
        page = upload(client, first_answer, "law-5.pdf", EVIDENCE)

    assert page.status_code == 503
    text = page.content.decode()
    assert "law-5.pdf could not be stored" in text
    assert "full or unavailable. Nothing was saved." in text
    assert "is attached" not in text
    assert Attachment.objects.count() == 4
    assert not Attachment.objects.filter(original_name="law-5.pdf").exists()
    assert first_answer.changes.count() == changes_before
    first_answer.refresh_from_db()
    assert first_answer.content() == answer_before
    # Half of it had been written when the disk filled up; it is gone.
    ((partial, size),) = FullDisk.deleted
    assert size == EVIDENCE_SIZE // 2
    assert partial not in dict(media_files(settings.MEDIA_ROOT))
    assert_media_holds_exactly_the_attachments(settings)
    (record,) = [r for r in caplog.records if r.name == "assessments.storing"]
    assert record.levelno == logging.ERROR
    assert partial in record.getMessage()
    assert ENOSPC_TEXT in str(record.exc_info[1])


def test_an_upload_to_a_disk_without_room_leaves_no_empty_file(
    client, focal_point_norway, first_answer, disk, settings
):
    client.force_login(focal_point_norway)
    page = upload(client, first_answer, "law.pdf", EVIDENCE)

    assert page.status_code == 503
    assert "law.pdf could not be stored" in page.content.decode()
    assert [size for _, size in FullDisk.deleted] == [0]
    assert media_files(settings.MEDIA_ROOT) == []
    assert not Attachment.objects.exists()
    assert not first_answer.changes.exists()


def test_an_upload_spooled_to_a_temporary_file_leaves_neither_it_nor_a_partial_file(
    client, focal_point_norway, first_answer, disk, settings, tmp_path
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = spool = tmp_path / "uploads"
    spool.mkdir()
    disk.set_room(EVIDENCE_SIZE // 3)
    client.force_login(focal_point_norway)

    page = upload(client, first_answer, "law.pdf", EVIDENCE)

    assert page.status_code == 503
    assert [size for _, size in FullDisk.deleted] == [EVIDENCE_SIZE // 3]
    assert media_files(settings.MEDIA_ROOT) == []
    assert list(spool.iterdir()) == []
    assert not Attachment.objects.exists()


def test_a_write_the_kernel_stops_midway_leaves_no_partial_file(
    client, focal_point_norway, first_answer, settings
):
    pytest.importorskip("resource")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.assessments.test_full_disk.FileSizeCeiling",
            "OPTIONS": {"ceiling": 40_000},
        },
    }
    FileSizeCeiling.deleted = []
    client.force_login(focal_point_norway)

    page = upload(client, first_answer, "law.pdf", EVIDENCE)

    assert page.status_code == 503
    assert "law.pdf could not be stored" in page.content.decode()
    # The kernel let 40,000 bytes through, then refused; that file is gone.
    assert [size for _, size in FileSizeCeiling.deleted] == [40_000]
    assert media_files(settings.MEDIA_ROOT) == []
    assert not Attachment.objects.exists()

    small = PDF + b"%" * 1000
    page = upload(client, first_answer, "small.pdf", small)
    assert "small.pdf is attached" in page.content.decode()
    assert_media_holds_exactly_the_attachments(settings)


def test_a_file_whose_row_cannot_be_saved_is_deleted_again(
    focal_point_norway, first_answer, settings, monkeypatch
):
    def history_fails(**kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr(answer_services, "_record_attachment_change", history_fails)
    content = SimpleUploadedFile("law.pdf", EVIDENCE)
    with pytest.raises(RuntimeError):
        answer_services.attachment_add(
            answer=first_answer,
            upload=content,
            checked_type=check_upload(content),
            sha256=hashlib.sha256(EVIDENCE).hexdigest(),
            user=focal_point_norway,
        )

    assert media_files(settings.MEDIA_ROOT) == []
    assert not Attachment.objects.exists()


def test_an_object_store_that_refuses_the_upload_is_a_clear_message_not_a_500(
    client, focal_point_norway, first_answer, settings, caplog
):
    with mock_aws():
        boto3.resource("s3", region_name="us-east-1").create_bucket(Bucket="r2p-files")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "r2p-files",
                    "access_key": "test",
                    "secret_key": "test",
                    "region_name": "us-east-1",
                    "default_acl": None,
                    "file_overwrite": False,
                },
            },
        }
        client.force_login(focal_point_norway)
        boto3.client("s3", region_name="us-east-1").delete_bucket(Bucket="r2p-files")

        with caplog.at_level(logging.ERROR, logger="assessments.storing"):
            page = upload(client, first_answer, "law.pdf", EVIDENCE)

    assert page.status_code == 503
    assert "law.pdf could not be stored" in page.content.decode()
    assert not Attachment.objects.exists()
    assert not first_answer.changes.exists()
    (record,) = [r for r in caplog.records if r.name == "assessments.storing"]
    assert record.levelno == logging.ERROR
    assert "NoSuchBucket" in str(record.exc_info[1])


# The country report


@pytest.fixture
def submitted_on_a_full_disk(
    norway_assessment, focal_point_norway, disk, django_capture_on_commit_callbacks
):
    """Submitted; its rendering (run at once here, by the worker in production) could not
    store the PDF."""
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


def test_a_country_report_that_cannot_be_stored_records_why_and_leaves_no_empty_file(
    submitted_on_a_full_disk, settings
):
    submission = submitted_on_a_full_disk
    assert not submission.pdf
    assert submission.pdf_attempts == 1
    assert submission.pdf_error == f"StorageFailed: OSError: [Errno 28] {ENOSPC_TEXT}"
    assert [size for _, size in FullDisk.deleted] == [0]
    assert media_files(settings.MEDIA_ROOT) == []

    # The task fails, so that the queue shows it too.
    result = render_submission_pdf.enqueue(submission.pk, retry_now=True)
    assert result.status == TaskResultStatus.FAILED
    assert [error.exception_class for error in result.errors] == [PdfNotReady]
    assert [size for _, size in FullDisk.deleted] == [0, 0]
    assert media_files(settings.MEDIA_ROOT) == []


def test_the_download_says_the_report_failed_and_is_retried_and_the_command_fails(
    client, submitted_on_a_full_disk, focal_point_norway, secretariat
):
    client.force_login(focal_point_norway)
    result = client.get(pdf_url(submitted_on_a_full_disk))
    assert result.status_code == 503
    page = result.content.decode()
    assert "The last attempt to produce it did not succeed" in page
    assert "tried again automatically" in page

    with pytest.raises(CommandError, match="could not be rendered or stored"):
        call_command("render_missing_pdfs", stdout=(output := io.StringIO()))
    assert "last rendering failed 1" in output.getvalue()
    with pytest.raises(CommandError):
        call_command("render_missing_pdfs", "--now", "--here", stdout=(output := io.StringIO()))
    assert "rendered 0, still missing 1, last rendering failed 1" in output.getvalue()

    client.force_login(secretariat)
    listing = client.get(reverse("admin:assessments_submission_changelist"), {"pdf": "missing"})
    assert ENOSPC_TEXT in listing.content.decode()


def test_once_there_is_room_the_retry_stores_the_report_with_its_sha256(
    client, submitted_on_a_full_disk, focal_point_norway, disk, settings
):
    submission = submitted_on_a_full_disk
    disk.set_room(10 * 1024 * 1024)
    make_retryable(submission)
    client.force_login(focal_point_norway)
    # This visit queues the retry (run at once here); the next one downloads.
    assert client.get(pdf_url(submission)).status_code == 503
    result = client.get(pdf_url(submission))

    assert result.status_code == 200
    document = b"".join(result.streaming_content)
    assert document.startswith(b"%PDF-")
    submission.refresh_from_db()
    assert submission.pdf_error == ""
    assert submission.pdf_attempts == 2
    assert submission.pdf_sha256 == hashlib.sha256(document).hexdigest()
    assert media_files(settings.MEDIA_ROOT) == [(submission.pdf.name, len(document))]
    assert sha256(settings.MEDIA_ROOT / submission.pdf.name) == submission.pdf_sha256


def test_the_command_renders_here_once_there_is_room(submitted_on_a_full_disk, disk, settings):
    disk.set_room(10 * 1024 * 1024)
    output = io.StringIO()
    call_command("render_missing_pdfs", "--now", "--here", stdout=output)

    assert "rendered 1, still missing 0, last rendering failed 0" in output.getvalue()
    submission = Submission.objects.get()
    assert sha256(settings.MEDIA_ROOT / submission.pdf.name) == submission.pdf_sha256


# The ZIP of country reports


def test_a_zip_of_reports_that_cannot_be_stored_is_marked_failed_and_leaves_no_file(
    norway_assessment,
    focal_point_norway,
    secretariat,
    disk,
    settings,
    django_capture_on_commit_callbacks,
):
    disk.set_room(10 * 1024 * 1024)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    submission = Submission.objects.get()
    assert submission.pdf
    reports_before = media_files(settings.MEDIA_ROOT)
    disk.set_room(1000)

    export = export_pdf_zip_request(
        assessments=Assessment.objects.filter(pk=norway_assessment.pk),
        requested_by=secretariat,
        filename="R2P-PDFs.zip",
    )
    with pytest.raises(StorageFailed):
        export_pdf_zip_build(export=export)

    export = Export.objects.get()
    assert export.state == ExportState.FAILED
    assert ENOSPC_TEXT in export.error
    assert not export.file
    assert [size for _, size in FullDisk.deleted] == [1000]
    assert media_files(settings.MEDIA_ROOT) == reports_before
