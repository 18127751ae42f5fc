"""Migrations apply forward on a database holding the previous schema with data.

The database is taken back to the schema before this release's migrations, filled
the way that schema's code filled it, then migrated forward: every row must come
through, renamed where the models were.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Attachment,
    ReviewComment,
    Submission,
)

BEFORE = [("assessments", "0006_review")]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def previous_schema():
    """The historical models of the schema before, on a database migrated back to it."""
    # The command, not the executor alone: content types are renamed by its signals.
    call_command("migrate", *BEFORE[0], verbosity=0)
    try:
        yield MigrationExecutor(connection).loader.project_state(BEFORE).apps
    finally:
        # Leave the database as every other test expects it, whatever happened.
        call_command("migrate", verbosity=0)


def test_answers_history_files_and_permissions_come_through_the_migrations(previous_schema):
    apps = previous_schema
    Target = apps.get_model("catalogue", "Target")
    Report = apps.get_model("catalogue", "Report")
    Section = apps.get_model("catalogue", "Section")
    Recommendation = apps.get_model("catalogue", "Recommendation")
    MemberState = apps.get_model("assessments", "MemberState")
    Cycle = apps.get_model("assessments", "Cycle")
    OldAssessment = apps.get_model("assessments", "Assessment")
    Response = apps.get_model("assessments", "Response")
    ResponseChange = apps.get_model("assessments", "ResponseChange")
    OldAttachment = apps.get_model("assessments", "Attachment")
    OldComment = apps.get_model("assessments", "ReviewComment")
    OldSubmission = apps.get_model("assessments", "Submission")
    User = apps.get_model("accounts", "User")

    user = User.objects.create(username="nora")
    target = Target.objects.create(code="MS", name="Member States", position=1)
    report = Report.objects.create(number=5, year=2013, symbol="A/67/929", title="Report")
    section = Section.objects.create(report=report, target=target, paragraphs="1–5")
    recommendation = Recommendation.objects.create(
        section=section, position=1, code="2013-MS-01", text="Do it."
    )
    state = MemberState.objects.create(name="Norway", iso3="NOR", regional_group="african")
    cycle = Cycle.objects.create(code="2025", name="2025", deadline=datetime.date(2025, 6, 25))
    assessment = OldAssessment.objects.create(member_state=state, cycle=cycle, status="submitted")
    response = Response.objects.create(
        assessment=assessment,
        recommendation=recommendation,
        status="implemented",
        evidence="A law of 2021.",
        links=["https://example.org/law"],
        version=3,
        updated_by=user,
    )
    a, b = {"name": "a.pdf", "sha256": "1", "size": 1}, {"name": "b.pdf", "sha256": "2", "size": 1}
    ResponseChange.objects.create(
        response=response, kind="edited", version=1, before={}, after={"evidence": "A law."}
    )
    added = ResponseChange.objects.create(
        response=response,
        kind="attachment_added",
        version=3,
        before={"attachments": [a]},
        after={"attachments": [a, b]},
    )
    removed = ResponseChange.objects.create(
        response=response,
        kind="attachment_removed",
        version=3,
        before={"attachments": [a, b]},
        after={"attachments": [b]},
    )
    file = OldAttachment.objects.create(
        response=response,
        file="attachments/1/x.pdf",
        original_name="b.pdf",
        extension=".pdf",
        content_type="application/pdf",
        size=1,
        sha256="2",
    )
    comment = OldComment.objects.create(assessment=assessment, response=response, text="Why?")
    submission = OldSubmission.objects.create(
        assessment=assessment, number=1, submitted_by=user, snapshot={"format": 1, "reports": []}
    )

    call_command("migrate", verbosity=0)

    answer = Answer.objects.get(pk=response.pk)
    assert (answer.assessment_id, answer.recommendation_id) == (assessment.pk, recommendation.pk)
    assert (answer.status, answer.evidence, answer.links, answer.version) == (
        "implemented",
        "A law of 2021.",
        ["https://example.org/law"],
        3,
    )
    assert answer.changes.count() == 3
    assert AnswerChange.objects.get(pk=added.pk).after == {"attachments": [b]}
    assert AnswerChange.objects.get(pk=added.pk).before == {"attachments": []}
    assert AnswerChange.objects.get(pk=removed.pk).before == {"attachments": [a]}
    assert Attachment.objects.get(pk=file.pk).answer_id == answer.pk
    assert ReviewComment.objects.get(pk=comment.pk).answer_id == answer.pk
    migrated = Assessment.objects.get(pk=assessment.pk)
    assert (migrated.evidence_chars, migrated.evidence_lines, migrated.link_count) == (14, 1, 1)
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.pdf_attempts, stored.pdf_error) == (0, "")
    # The Secretariat group keeps reading answers and their history under the new names.
    codenames = set(
        Group.objects.get(name="Secretariat").permissions.values_list("codename", flat=True)
    )
    assert {"view_answer", "view_answerchange", "review_assessment"} <= codenames
    assert not {"change_user", "add_user", "view_response"} & codenames
