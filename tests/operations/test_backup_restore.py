"""Backups, their restore and the restore drill, on the engine the tests run on: a small
filled database is backed up, restored into a fresh database (a new SQLite file, or a
new database on the PostgreSQL server of DATABASE_URL) and storage folder, and compared;
damaged backups fail clearly and leave the target as it was."""

import hashlib
import io
import json
import re
import shutil
import tarfile
from contextlib import contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from assessments.models import Answer, AnswerChange, Attachment, Submission
from assessments.services.answers import AnswerContent, answer_save, attachment_add
from assessments.services.lifecycle import assessment_submit
from assessments.uploads import check_upload, sha256_of
from operations.backups import database
from operations.backups.create import backup_create
from operations.backups.drill import restore_drill
from operations.backups.files import stored_names
from operations.backups.manifest import MANIFEST_NAME, BackupDamaged
from operations.backups.restore import TargetNotEmpty, backup_restore
from tests.assessments.conftest import catalogue, cycle, norway_assessment  # noqa: F401
from tests.assessments.test_attachments import PDF
from tests.assessments.test_object_storage import bucket  # noqa: F401

# pg_dump reads what is committed: the data is made outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filled(migrated_groups, secretariat, focal_point_norway, norway_assessment):  # noqa: F811
    """Norway's assessment answered, with a change history, an evidence file, and
    submitted: its country report rendered by the (immediate) task queue."""
    for answer in norway_assessment.answers.all()[:2]:
        answer_save(
            answer=answer,
            content=AnswerContent(status="implemented", evidence="A law of 2024.", links=[]),
            base_version=answer.version,
            user=focal_point_norway,
        )
    upload = SimpleUploadedFile("law.pdf", PDF)
    attachment_add(
        answer=norway_assessment.answers.first(),
        upload=upload,
        checked_type=check_upload(upload),
        sha256=sha256_of(upload),
        user=focal_point_norway,
    )
    submission = assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    submission.refresh_from_db()
    assert submission.pdf, "the task queue should have rendered the country report"
    return submission


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Answer, AnswerChange, Attachment, Submission)
    }


@contextmanager
def fresh_site(tmp_path):
    """A new, empty database and storage folder as the site's, until leaving."""
    folder = tmp_path / "restored-files"
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        database.fresh_database() as settings_dict,
        database.connected_to(settings_dict),
        override_settings(STORAGES=storages, MEDIA_ROOT=folder),
    ):
        yield


def stored_sha256(name: str) -> str:
    with default_storage.open(name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def test_a_backup_records_every_tables_rows_every_stored_file_and_the_migrations(filled, tmp_path):
    attachment = Attachment.objects.get()

    manifest = backup_create(destination=tmp_path / "backup")

    assert manifest.tables["assessments_answer"] == Answer.objects.count() == 5
    assert manifest.tables["assessments_answerchange"] == AnswerChange.objects.count() == 3
    assert manifest.tables["assessments_submission"] == 1
    assert "django_migrations" in manifest.tables
    assert "assessments.0001_initial" in manifest.migrations
    stored = {entry.name: entry for entry in manifest.files}
    assert set(stored) == {filled.pdf.name, attachment.file.name}
    assert stored[filled.pdf.name].sha256 == filled.pdf_sha256
    assert stored[attachment.file.name].sha256 == attachment.sha256
    assert (tmp_path / "backup" / "files" / attachment.file.name).read_bytes() == PDF
    assert manifest.references["assessments.Submission.pdf"] == 1
    assert manifest.missing_files == []
    written = json.loads((tmp_path / "backup" / MANIFEST_NAME).read_text())
    assert written["tables"] == manifest.tables
    assert written["created_at"] == manifest.created_at


def test_a_backup_restored_into_a_fresh_database_and_storage_has_every_row_and_file(
    filled, tmp_path
):
    before = counts()
    backup_create(destination=tmp_path / "backup")

    with fresh_site(tmp_path):
        assert database.current_tables() == []
        result = backup_restore(source=tmp_path / "backup")
        assert result.problems == []
        assert counts() == before
        restored = Submission.objects.get()
        assert restored.pdf_sha256 == filled.pdf_sha256
        assert stored_sha256(restored.pdf.name) == filled.pdf_sha256
        attachment = Attachment.objects.get()
        assert stored_sha256(attachment.file.name) == attachment.sha256
        assert (tmp_path / "restored-files" / restored.pdf.name).is_file()

    # The configured database and storage were only read.
    assert counts() == before
    assert sorted(stored_names(default_storage)) == sorted(
        [filled.pdf.name, Attachment.objects.get().file.name]
    )


def test_the_restore_drill_of_a_tar_backup_checks_rows_files_pdfs_and_pages(
    filled, secretariat, tmp_path
):
    before = counts()
    sessions = Session.objects.count()
    call_command("backup", str(tmp_path / "backup.tar"), stdout=io.StringIO())
    assert tarfile.is_tarfile(tmp_path / "backup.tar")

    output = io.StringIO()
    call_command("restore_drill", str(tmp_path / "backup.tar"), stdout=output)

    report = output.getvalue()
    assert "FAILED" not in report
    assert "answers 5, answer changes 3, attachments 1, submissions 1" in report
    assert "submissions: 1 PDFs match their SHA-256" in report
    assert "1 PDFs downloaded and found authentic by the verification page" in report
    assert "as a member of NOR's delegation (nora)" in report
    assert "Restore drill passed" in report
    # Its sign-ins wrote to the restored copy, which is gone, not to the site's database.
    assert counts() == before
    assert Session.objects.count() == sessions
    secretariat.refresh_from_db()
    assert secretariat.last_login is None


def test_files_in_an_s3_bucket_are_backed_up_through_the_storage_api_and_restored(
    bucket,  # noqa: F811 (the fixture imported above)
    filled,
    tmp_path,
):
    stored = sorted(item.key for item in bucket.objects.all())
    assert filled.pdf.name in stored  # the country report went to the bucket

    manifest = backup_create(destination=tmp_path / "backup")
    report = restore_drill(source=tmp_path / "backup")

    assert sorted(entry.name for entry in manifest.files) == stored
    pdf = next(entry for entry in manifest.files if entry.name == filled.pdf.name)
    assert pdf.sha256 == filled.pdf_sha256
    assert report.problems == []
    assert "submissions: 1 PDFs match their SHA-256" in report.passed


def test_a_backup_restores_into_an_s3_bucket_under_the_same_names(filled, tmp_path, request):
    manifest = backup_create(destination=tmp_path / "backup")
    store = request.getfixturevalue("bucket")  # from here on, the storage is the bucket

    with database.fresh_database() as settings_dict, database.connected_to(settings_dict):
        backup_restore(source=tmp_path / "backup")

        assert sorted(item.key for item in store.objects.all()) == sorted(
            entry.name for entry in manifest.files
        )
        assert stored_sha256(Submission.objects.get().pdf.name) == filled.pdf_sha256


def test_the_drill_fails_on_a_submission_whose_pdf_does_not_match_its_recorded_sha256(
    filled, tmp_path
):
    Submission.objects.update(pdf_sha256="0" * 64)
    backup_create(destination=tmp_path / "backup")

    report = restore_drill(source=tmp_path / "backup")

    assert not report.ok
    assert any(
        "submission NOR 2025 v1: the PDF's SHA-256 is" in problem and filled.pdf_sha256 in problem
        for problem in report.problems
    )
    assert any("the PDF downloaded differs from its SHA-256" in p for p in report.problems)
    with pytest.raises(CommandError, match="Restore drill failed"):
        call_command("restore_drill", str(tmp_path / "backup"), stdout=io.StringIO())


def test_the_drill_fails_on_an_attachment_that_differs_from_its_recorded_sha256(filled, tmp_path):
    attachment = Attachment.objects.get()
    Attachment.objects.update(sha256="f" * 64)
    backup_create(destination=tmp_path / "backup")

    report = restore_drill(source=tmp_path / "backup")

    assert f"attachment {attachment.pk}: the file differs from its recorded SHA-256 and size" in (
        report.problems
    )
    assert f"attachment {attachment.pk}: the download differs from the file" in report.problems


def test_a_file_the_rows_name_but_the_storage_lost_fails_the_backup_and_the_drill(filled, tmp_path):
    attachment = Attachment.objects.get()
    lost = attachment.file.name
    default_storage.delete(lost)

    with pytest.raises(CommandError, match=f"1 files the database names.*{lost}"):
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    report = restore_drill(source=tmp_path / "backup")

    assert (
        f"file {lost}: named by the rows, missing from the storage when the backup was made"
        in report.problems
    )
    assert f"attachment {attachment.pk}: {lost} is not stored" in report.problems


def test_a_backup_never_overwrites_another(filled, tmp_path):
    backup_create(destination=tmp_path / "backup")
    manifest = (tmp_path / "backup" / MANIFEST_NAME).read_bytes()

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    assert (tmp_path / "backup" / MANIFEST_NAME).read_bytes() == manifest
    assert [path.name for path in tmp_path.iterdir() if "partial" in path.name] == []


def test_restore_refuses_a_database_or_storage_that_is_not_empty_unless_forced(filled, tmp_path):
    before = counts()
    backup_create(destination=tmp_path / "backup")

    # The configured database is the one backed up: full.
    with pytest.raises(CommandError, match="The target is not empty"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert counts() == before

    with fresh_site(tmp_path):
        backup_restore(source=tmp_path / "backup")
        with pytest.raises(TargetNotEmpty, match="pass --force"):
            backup_restore(source=tmp_path / "backup")
        output = io.StringIO()
        call_command("restore", str(tmp_path / "backup"), "--force", stdout=output)
        assert "Restored the backup of" in output.getvalue()
        assert counts() == before
        assert stored_sha256(Submission.objects.get().pdf.name) == filled.pdf_sha256


def test_restore_refuses_files_alone_in_an_otherwise_empty_target(filled, tmp_path):
    backup_create(destination=tmp_path / "backup")

    with fresh_site(tmp_path):
        default_storage.save("attachments/1/left-over.pdf", io.BytesIO(PDF))
        left_over = re.escape("files (e.g. attachments/1/left-over.pdf)")
        with pytest.raises(TargetNotEmpty, match=left_over):
            backup_restore(source=tmp_path / "backup")
        assert database.current_tables() == []


def damage_file(backup, filled):
    path = backup / "files" / filled.pdf.name
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01  # one bit, same size
    path.write_bytes(bytes(content))
    return f"file {filled.pdf.name}: SHA-256"


def truncate_file(backup, filled):
    path = backup / "files" / filled.pdf.name
    path.write_bytes(path.read_bytes()[:100])
    return f"file {filled.pdf.name}: 100 bytes, the manifest says"


def remove_file(backup, filled):
    (backup / "files" / filled.pdf.name).unlink()
    return f"file {filled.pdf.name}: missing"


def add_file(backup, filled):
    (backup / "files" / "attachments" / "planted.pdf").write_bytes(PDF)
    return "file attachments/planted.pdf: in the backup but not in its manifest"


def damage_database(backup, filled):
    (database_file,) = backup.glob("database.*")
    with open(database_file, "ab") as dump:
        dump.write(b"\0")
    return f"{database_file.name}: {database_file.stat().st_size} bytes, the manifest says"


def remove_manifest(backup, filled):
    (backup / MANIFEST_NAME).unlink()
    return "no manifest.json: the backup is incomplete"


def garble_manifest(backup, filled):
    path = backup / MANIFEST_NAME
    path.write_text(path.read_text()[:-20])
    return "manifest.json is unreadable"


def swap_manifest_hash(backup, filled):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest["files"][0]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    return f"file {manifest['files'][0]['name']}: SHA-256"


def foreign_manifest(backup, filled):
    (backup / MANIFEST_NAME).write_text(json.dumps({"format": "something-else"}))
    return "it is not a manifest of this site's backups"


def escaping_manifest(backup, filled):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest["files"][0]["name"] = "../../settings.py"
    path.write_text(json.dumps(manifest))
    return "file names that would leave the storage"


def newer_version(backup, filled):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest["migrations"].append("assessments.9999_from_the_future")
    path.write_text(json.dumps(manifest))
    return "made by a newer version of the site"


def other_engine(backup, filled):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    other = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
    name = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    shutil.move(backup / manifest["database"]["name"], backup / name)
    manifest.update(engine=other, database={**manifest["database"], "name": name})
    path.write_text(json.dumps(manifest))
    return f"This is a {other} backup"


DAMAGES = [
    damage_file,
    truncate_file,
    remove_file,
    add_file,
    damage_database,
    remove_manifest,
    garble_manifest,
    swap_manifest_hash,
    foreign_manifest,
    escaping_manifest,
    newer_version,
    other_engine,
]


def test_a_damaged_or_unusable_backup_is_refused_naming_why_and_the_target_stays_empty(
    filled, tmp_path
):
    backup_create(destination=tmp_path / "backup")

    # One backup damaged a different way each time, restored into one empty target.
    with fresh_site(tmp_path):
        for damage in DAMAGES:
            backup = tmp_path / damage.__name__
            shutil.copytree(tmp_path / "backup", backup)
            expected = damage(backup, filled)

            with pytest.raises(CommandError) as refused:
                call_command("restore", str(backup), stdout=io.StringIO())

            message = str(refused.value)
            assert expected in message, (damage.__name__, message)
            assert "othing was restored" in message, (damage.__name__, message)
            assert database.current_tables() == [], damage.__name__
            assert list(stored_names(default_storage)) == [], damage.__name__


def test_the_drill_refuses_a_damaged_backup_before_restoring_anything(filled, tmp_path):
    backup = tmp_path / "backup"
    backup_create(destination=backup)
    expected = damage_file(backup, filled)

    with pytest.raises(BackupDamaged, match=re.escape(expected)):
        restore_drill(source=backup)
    with pytest.raises(CommandError, match=r"Restore drill failed: The backup .* is damaged"):
        call_command("restore_drill", str(backup), stdout=io.StringIO())


def test_a_truncated_tar_backup_is_refused_as_unreadable(filled, tmp_path):
    archive = tmp_path / "backup.tar"
    backup_create(destination=archive)
    archive.write_bytes(archive.read_bytes()[:4096])

    with pytest.raises(BackupDamaged, match=r"not a readable \.tar archive"):
        restore_drill(source=archive)


def test_a_manifest_that_misstates_the_rows_fails_the_drill(filled, tmp_path):
    backup = tmp_path / "backup"
    backup_create(destination=backup)
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    manifest["tables"]["assessments_answer"] += 1
    path.write_text(json.dumps(manifest))

    report = restore_drill(source=backup)

    assert "table assessments_answer: 5 rows, the backup had 6" in report.problems
