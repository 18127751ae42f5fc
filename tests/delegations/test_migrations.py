"""The delegations' tables move into their own app without losing a row.

The database is taken back to the schema before the move (Member States and their
members in assessments, invitations and the log in accounts), filled the way that schema's
code filled it, then migrated forward: every row comes through under the new names, and
so do the Secretariat group's permissions and the admin's history of those objects.
"""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Assessment, Submission
from delegations.models import Invitation, Member, MemberChange, MemberState

BEFORE = [("assessments", "0018_printable_names"), ("accounts", "0007_printable_names")]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before_the_move(migrated_groups):
    """The historical models of the schema before the move, on a database migrated back."""
    # The command, not the executor alone: content types are renamed by its signals.
    call_command("migrate", "delegations", "zero", verbosity=0)
    loader = MigrationExecutor(connection).loader
    others = [
        node
        for node in loader.graph.leaf_nodes()
        # opendata's migrations need the newest assessments: not in the older state.
        if node[0] not in {"delegations", "opendata", *(app for app, _name in BEFORE)}
    ]
    try:
        yield loader.project_state([*BEFORE, *others]).apps
    finally:
        call_command("migrate", verbosity=0)


def test_every_row_of_the_delegations_comes_through_the_move(before_the_move):
    apps = before_the_move
    User = apps.get_model("accounts", "User")
    OldState = apps.get_model("assessments", "MemberState")
    OldMember = apps.get_model("assessments", "DelegationMember")
    OldInvitation = apps.get_model("accounts", "Invitation")
    OldChange = apps.get_model("accounts", "MembershipChange")
    Cycle = apps.get_model("assessments", "Cycle")
    OldAssessment = apps.get_model("assessments", "Assessment")
    OldContentType = apps.get_model("contenttypes", "ContentType")
    OldLogEntry = apps.get_model("admin", "LogEntry")

    nora = User.objects.create(username="nora", email="nora@mfa.no")
    sam = User.objects.create(username="sam", is_staff=True)
    norway = OldState.objects.create(name="Norway", iso3="NOR", regional_group="african")
    kenya = OldState.objects.create(name="Kenya", iso3="KEN", regional_group="african")
    member = OldMember.objects.create(user=nora, member_state=norway, role="focal_point")
    now = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    invitation = OldInvitation.objects.create(
        email="ola@mfa.no",
        member_state=norway,
        role="editor",
        token_hash="a" * 64,
        token_nonce="b" * 32,
        invited_by=nora,
        created_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )
    change = OldChange.objects.create(
        member_state=norway,
        action="invited",
        actor=nora,
        actor_name="nora",
        subject="ola@mfa.no",
        role="editor",
        invitation=invitation,
        created_at=now,
    )
    cycle = Cycle.objects.create(code="2025", name="2025", deadline=datetime.date(2025, 6, 25))
    assessment = OldAssessment.objects.create(member_state=kenya, cycle=cycle, status="submitted")
    OldSubmission = apps.get_model("assessments", "Submission")
    submission = OldSubmission.objects.create(
        assessment=assessment,
        number=1,
        submitted_at=now,
        submitted_by=nora,
        snapshot={"format": 2},
        pdf="submissions/1/report.pdf",
        pdf_sha256="c" * 64,
    )
    state_type = OldContentType.objects.get(app_label="assessments", model="memberstate")
    OldLogEntry.objects.create(
        user=sam,
        content_type=state_type,
        object_id=str(norway.pk),
        object_repr="Norway",
        action_flag=CHANGE,
    )

    call_command("migrate", verbosity=0)

    assert MemberState.objects.get(pk=norway.pk).name == "Norway"
    assert MemberState.objects.count() == 2
    moved = Member.objects.select_related("user", "member_state").get(pk=member.pk)
    assert (moved.user.username, moved.member_state.iso3, moved.role) == (
        "nora",
        "NOR",
        Member.Role.FOCAL_POINT,
    )
    assert moved.user.delegation_member == moved
    assert Invitation.objects.get(pk=invitation.pk).member_state_id == norway.pk
    assert MemberChange.objects.get(pk=change.pk).invitation_id == invitation.pk
    assert Assessment.objects.get(pk=assessment.pk).member_state.name == "Kenya"
    # A stored country report is the same file, with the same hash, after the move.
    moved_submission = Submission.objects.get(pk=submission.pk)
    assert (moved_submission.pdf.name, moved_submission.pdf_sha256) == (
        "submissions/1/report.pdf",
        "c" * 64,
    )
    # The admin's history still leads to Norway, under the app it now belongs to.
    entry = LogEntry.objects.get(object_repr="Norway")
    assert entry.content_type == ContentType.objects.get_for_model(MemberState)
    assert entry.get_edited_object() == MemberState.objects.get(pk=norway.pk)
    assert not ContentType.objects.filter(
        app_label__in=["assessments", "accounts"],
        model__in=["memberstate", "delegationmember", "invitation", "membershipchange"],
    ).exists()
    # The Secretariat group keeps its powers over the delegations, under their new names.
    held = set(
        Group.objects.get(name="Secretariat").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {
        ("delegations", "view_memberstate"),
        ("delegations", "add_member"),
        ("delegations", "change_member"),
        ("delegations", "delete_member"),
        ("delegations", "view_member"),
        ("delegations", "add_invitation"),
        ("delegations", "view_invitation"),
        ("delegations", "view_memberchange"),
    } <= held
    # New rows take the next keys: the tables' sequences came along.
    assert MemberState.objects.create(name="Chile", iso3="CHL", regional_group="african").pk > (
        kenya.pk
    )
