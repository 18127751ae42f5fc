"""The restore drill: a backup restored into a fresh database and a fresh storage folder,
then checked the way the secretariat and the delegations would find it.

Inside this process, the restored copy becomes the default database and the folder the
default storage until the drill ends (`database.connected_to`, `override_settings`); the
configured ones are neither read nor written meanwhile, and the copy is dropped after.

Checked: every table's rows and the migrations against the manifest; every stored file
read back with its SHA-256 and size; every file a FileField names exists; every
submission's PDF against its stored SHA-256 and every attachment against its own; and
that the site serves them, through Django's test client: the public home page, as the
secretariat each submission's page and PDF, each attachment and the desk, each PDF
recognised as authentic by the public verification page, and as a delegation member
their own pages. Signing in writes a session and (when the account has none) an
authenticator device into the copy: after the counts, and only there.
"""

import hashlib
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Answer, AnswerChange, Attachment, Submission
from delegations.models import Member
from r2p_site.roles import SECRETARIAT_GROUP, is_secretariat

from . import database, files
from .manifest import PROBLEMS_LISTED, Manifest
from .restore import RestoreResult, backup_restore

# The models whose rows the report names, beside the total of every table.
NAMED_COUNTS = [
    ("answers", Answer),
    ("answer changes", AnswerChange),
    ("attachments", Attachment),
    ("submissions", Submission),
]


@dataclass
class DrillReport:
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def check(self, problems: list[str], passed: str) -> None:
        if len(problems) > PROBLEMS_LISTED:
            problems = [
                *problems[:PROBLEMS_LISTED],
                f"... and {len(problems) - PROBLEMS_LISTED} more like these",
            ]
        self.problems += problems
        if not problems:
            self.passed.append(passed)


def restore_drill(*, source: Path) -> DrillReport:
    """Restore `source` into a fresh database and storage folder, check it, drop both.
    A damaged backup raises BackupDamaged before anything is restored."""
    report = DrillReport()
    started = time.monotonic()
    with (
        database.fresh_database() as settings_dict,
        TemporaryDirectory(prefix="r2p-drill-files-") as folder,
        database.connected_to(settings_dict),
        override_settings(**_site_settings(folder)),
        translation.override(settings.LANGUAGE_CODE),
    ):
        result = backup_restore(source=source)
        report.passed.append(
            f"backup of {result.manifest.created_at} ({result.manifest.engine}) verified "
            "against its manifest and restored into a fresh database and storage folder"
        )
        _check_rows(report, result)
        _check_stored_files(report, result.manifest)
        _check_references(report, result)
        _check_submission_pdfs(report)
        _check_attachments(report)
        if result.unapplied:
            call_command("migrate", interactive=False, verbosity=0)
            report.passed.append(
                f"migrated: the {len(result.unapplied)} migrations the backup predates"
            )
        with _quiet("axes"):  # its "successful login" lines, one per drill sign-in
            _check_pages(report)
    report.seconds = time.monotonic() - started
    return report


@contextmanager
def _quiet(logger_name: str):
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _site_settings(folder: str) -> dict:
    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": folder},
            },
            # The pages' data is checked, not the collected static files: a one-off
            # container that never ran collectstatic can drill too.
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "MEDIA_ROOT": folder,
        # The test client's host and scheme, whatever production requires.
        "ALLOWED_HOSTS": ["testserver"],
        "SECURE_SSL_REDIRECT": False,
        # Every submission is verified from one address, more often than a person may.
        "VERIFY_RATE_LIMIT": 1_000_000,
        # Nothing the pages queue or send leaves the copy.
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _check_rows(report: DrillReport, result: RestoreResult) -> None:
    manifest, contents = result.manifest, result.contents
    named = ", ".join(
        f"{label} {contents.tables.get(model._meta.db_table, 0)}" for label, model in NAMED_COUNTS
    )
    report.check(
        result.problems,
        f"rows: all {len(manifest.tables)} tables as in the backup ({named})",
    )
    problems = []
    if contents.migrations != manifest.migrations:
        problems.append("migrations: the restored database's differ from the backup's")
    report.check(problems, f"migrations: the {len(manifest.migrations)} of the backup")


def _check_stored_files(report: DrillReport, manifest: Manifest) -> None:
    problems = []
    for entry in manifest.files:
        try:
            sha256, size = files.stored_digest(default_storage, entry.name)
        except FileNotFoundError:
            problems.append(f"file {entry.name}: not in the restored storage")
            continue
        if (sha256, size) != (entry.sha256, entry.size):
            problems.append(f"file {entry.name}: reads back different from the backup")
    report.check(
        problems,
        f"files: all {len(manifest.files)} read back from the restored storage with their "
        "SHA-256 and size",
    )


def _check_references(report: DrillReport, result: RestoreResult) -> None:
    manifest, contents = result.manifest, result.contents
    problems = [
        f"file {name}: named by the rows, missing from the storage when the backup was made"
        for name in manifest.missing_files
    ]
    for label, names in contents.file_names.items():
        if len(names) != manifest.references.get(label, 0):
            problems.append(
                f"{label}: {len(names)} rows name a file, the backup had "
                f"{manifest.references.get(label, 0)}"
            )
        problems += [
            f"{label}: {name} is named by a row but not stored"
            for name in names
            if name not in manifest.missing_files and not default_storage.exists(name)
        ]
    counted = ", ".join(f"{label} {len(names)}" for label, names in contents.file_names.items())
    report.check(problems, f"every file a row names is stored ({counted})")


def _submission_label(submission: Submission) -> str:
    return (
        f"submission {submission.assessment.member_state.iso3} "
        f"{submission.assessment.cycle.code} v{submission.number}"
    )


def _submissions():
    return Submission.objects.select_related("assessment__member_state", "assessment__cycle")


def _check_submission_pdfs(report: DrillReport) -> None:
    problems, matched, unrendered = [], 0, 0
    for submission in _submissions():
        label = _submission_label(submission)
        if not submission.pdf:
            if submission.pdf_sha256:
                problems.append(f"{label}: records a PDF SHA-256 but no PDF")
            unrendered += 1
            continue
        try:
            sha256, _size = files.stored_digest(default_storage, submission.pdf.name)
        except FileNotFoundError:
            problems.append(f"{label}: its PDF {submission.pdf.name} is not stored")
            continue
        if sha256 != submission.pdf_sha256:
            problems.append(
                f"{label}: the PDF's SHA-256 is {sha256}, the submission records "
                f"{submission.pdf_sha256}"
            )
            continue
        matched += 1
    waiting = f" ({unrendered} not rendered yet when the backup was made)" if unrendered else ""
    report.check(problems, f"submissions: {matched} PDFs match their SHA-256{waiting}")


def _check_attachments(report: DrillReport) -> None:
    problems, matched = [], 0
    for attachment in Attachment.objects.all():
        try:
            sha256, size = files.stored_digest(default_storage, attachment.file.name)
        except FileNotFoundError:
            problems.append(f"attachment {attachment.pk}: {attachment.file.name} is not stored")
            continue
        if (sha256, size) != (attachment.sha256, attachment.size):
            problems.append(
                f"attachment {attachment.pk}: the file differs from its recorded SHA-256 and size"
            )
            continue
        matched += 1
    report.check(problems, f"attachments: {matched} match their SHA-256 and size")


def _signed_in(user) -> Client:
    """A client past both sign-in steps, as after a password and an authenticator code."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="restore drill", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _fetch(problems: list[str], client: Client, url: str, *, data=None) -> bytes | None:
    """The body of a 200 answer to a GET (or a POST of `data`); otherwise a problem."""
    try:
        response = client.post(url, data) if data is not None else client.get(url)
    except Exception as error:  # every failure is a finding of the drill
        problems.append(f"{url}: {type(error).__name__}: {error}")
        return None
    try:
        body = b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()
    if response.status_code != 200:
        problems.append(f"{url}: answered {response.status_code}")
        return None
    return body


def _check_pages(report: DrillReport) -> None:
    problems = []
    _fetch(problems, Client(), reverse("home"))
    submissions = list(_submissions())
    attachments = list(Attachment.objects.all())
    secretariat = _secretariat_account()
    if secretariat is None:
        if submissions or attachments:
            problems.append("no active secretariat account to sign in with")
        report.check(problems, "pages: the public home page (no secretariat account)")
        return
    desk = _signed_in(secretariat)
    public = Client()
    for url in (reverse("admin:index"), reverse("admin:assessments_submission_changelist")):
        _fetch(problems, desk, url)
    verified = 0
    for submission in submissions:
        label = _submission_label(submission)
        pk, number = submission.assessment_id, submission.number
        _fetch(problems, desk, submission.get_absolute_url())
        if not submission.pdf:
            continue
        document = _fetch(problems, desk, reverse("assessments:submission_pdf", args=[pk, number]))
        if document is None:
            continue
        if hashlib.sha256(document).hexdigest() != submission.pdf_sha256:
            problems.append(f"{label}: the PDF downloaded differs from its SHA-256")
            continue
        page = _fetch(
            problems,
            public,
            reverse("assessments:verify"),
            data={"file": SimpleUploadedFile("report.pdf", document, "application/pdf")},
        )
        # The page's success box, whatever language it is in.
        if page is not None and b"alert-success" not in page:
            problems.append(f"{label}: the verification page does not recognise its PDF")
        elif page is not None:
            verified += 1
    for attachment in attachments:
        body = _fetch(problems, desk, attachment.get_absolute_url())
        if body is not None and hashlib.sha256(body).hexdigest() != attachment.sha256:
            problems.append(f"attachment {attachment.pk}: the download differs from the file")
    delegation = _check_delegation_pages(problems)
    report.check(
        problems,
        f"pages: the public home page; as the secretariat ({secretariat.get_username()}) the "
        f"desk, {len(submissions)} submission pages, {verified} PDFs downloaded and found "
        f"authentic by the verification page, {len(attachments)} attachments; {delegation}",
    )


def _secretariat_account():
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=SECRETARIAT_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("is_superuser", "pk")
    )
    return next((user for user in candidates if is_secretariat(user)), None)


def _check_delegation_pages(problems: list[str]) -> str:
    members = Member.objects.filter(
        user__is_active=True, member_state__assessments__isnull=False
    ).select_related("user", "member_state")
    member = (
        members.filter(member_state__assessments__submissions__isnull=False).first()
        or members.first()
    )
    if member is None:
        return "no delegation member with an assessment to sign in as"
    client = _signed_in(member.user)
    assessments = list(member.member_state.assessments.all())
    _fetch(problems, client, reverse("assessments:home"))
    for assessment in assessments:
        _fetch(problems, client, reverse("assessments:assessment_detail", args=[assessment.pk]))
    return (
        f"as a member of {member.member_state.iso3}'s delegation ({member.user.get_username()}) "
        f"their home page and their assessments' pages ({len(assessments)})"
    )
