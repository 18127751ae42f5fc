"""The secretariat reviews; it never edits answers, acts as a delegation user, or grants powers.

Every registered admin is checked for what it lets a secretariat user do; accounts,
groups and passwords are for superusers only; a staff account never belongs to a
delegation, whichever path a membership row took.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from assessments.access import member_of
from delegations.models import Member, MemberChange
from tests.assessments.conftest import (  # noqa: F401
    catalogue,
    cycle,
    norway_assessment,
)

pytestmark = pytest.mark.django_db

ACTIONS = ["add", "change", "delete", "view"]

# What each registered admin (and each of its inlines, after "/") lets a user do;
# assessments/README.md shows the same table.
SECRETARIAT_MAY = {
    "auth.group": set(),
    "accounts.user": {"view"},
    "accounts.user/delegations.member": {"view"},
    # Inviting a focal point (revoking is part of it); the invitation is never edited.
    "delegations.invitation": {"add", "view"},
    # The log of membership changes is a record: read-only for everyone.
    "delegations.memberchange": {"view"},
    "assessments.cycle": {"add", "change", "view"},
    "assessments.cycle/assessments.cycletranslation": set(ACTIONS),
    # The six names corrected to the UN's official forms; each correction a record.
    "delegations.memberstate": {"change", "view"},
    "delegations.memberstate/delegations.memberstatenamechange": {"view"},
    "delegations.member": {"add", "change", "delete", "view"},
    "assessments.assessment": {"view"},
    "assessments.submission": {"view"},
    "assessments.emailrecord": {"view"},
    "assessments.extension": {"add", "view"},
    # ZIPs of PDFs built for the secretariat: read and downloaded, never edited.
    "assessments.export": {"view"},
    "catalogue.target": {"view"},
    "catalogue.report": {"add", "change", "view"},
    "catalogue.report/catalogue.section": {"add", "change", "view"},
    # Official translations of titles and recommendations: the secretariat's to keep.
    "catalogue.report/catalogue.reporttranslation": set(ACTIONS),
    "catalogue.section": {"add", "change", "view"},
    "catalogue.section/catalogue.recommendation": {"add", "change", "view"},
    "catalogue.recommendation": {"add", "change", "view"},
    "catalogue.recommendation/catalogue.recommendationtranslation": set(ACTIONS),
    # Imports of official translations: a record, read; made on their own pages.
    "catalogue.translationimport": {"view"},
    # Themes are the secretariat's curation, links and their reasons included.
    "catalogue.theme": set(ACTIONS),
    "catalogue.theme/catalogue.themelink": set(ACTIONS),
    "catalogue.theme/catalogue.themetranslation": set(ACTIONS),
    # Sign-in records and two-factor devices: superusers only (unlocking, a lost phone).
    "axes.accessattempt": set(),
    "axes.accessfailurelog": set(),
    "axes.accesslog": set(),
    "otp_static.staticdevice": set(),
    "otp_totp.totpdevice": set(),
    # The task queue (django-tasks-db): superusers only; a missing PDF shows on submissions.
    "django_tasks_database.dbtaskresult": set(),
    # The token API's keys: created and revoked (a change), never deleted, so that the
    # record of their uses stays; the uses are a record.
    "opendata.secretariatapikey": {"add", "change", "view"},
    "opendata.apikeyuse": {"view"},
}
SUPERUSER_MAY = {
    **{key: set(ACTIONS) for key in SECRETARIAT_MAY},
    "delegations.invitation": {"add", "view"},
    "delegations.memberchange": {"view"},
    "assessments.cycle": {"add", "change", "view"},
    "assessments.cycle/assessments.cycletranslation": set(ACTIONS),
    "delegations.memberstate": {"change", "view"},
    "delegations.memberstate/delegations.memberstatenamechange": {"view"},
    "assessments.assessment": {"view"},
    "assessments.submission": {"view"},
    "assessments.emailrecord": {"view"},
    "catalogue.translationimport": {"view"},
    "assessments.extension": {"add", "view"},
    "assessments.export": {"view"},
    "catalogue.target": {"add", "change", "view"},
    # Attempts and logs are records: read-only pages, deletable to lift a lockout.
    "axes.accessattempt": {"change", "delete", "view"},
    "axes.accessfailurelog": {"change", "delete", "view"},
    "axes.accesslog": {"change", "delete", "view"},
    "otp_static.staticdevice/otp_static.statictoken": set(ACTIONS),
    # Queued, running and finished tasks with their errors: read-only.
    "django_tasks_database.dbtaskresult": {"view"},
    "opendata.secretariatapikey": {"add", "change", "view"},
    "opendata.apikeyuse": {"view"},
}


def with_authenticator(user):
    # Staff sign in with two factors; the suite's client passes the second step for them.
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def superuser(django_user_model):
    return with_authenticator(
        django_user_model.objects.create_superuser("root", password="pw-root")
    )


@pytest.fixture
def helpdesk(django_user_model):
    """A staff account outside the Secretariat group."""
    return with_authenticator(
        django_user_model.objects.create_user("helpdesk", password="pw-h", is_staff=True)
    )


def what_admins_allow(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    allowed = {}
    for model, model_admin in admin.site._registry.items():
        key = model._meta.label_lower
        allowed[key] = {
            action
            for action in ACTIONS
            if getattr(model_admin, f"has_{action}_permission")(request)
        }
        for inline in model_admin.get_inline_instances(request):
            inline_key = f"{key}/{inline.model._meta.label_lower}"
            allowed[inline_key] = {
                action
                for action in ACTIONS
                if (
                    inline.has_add_permission(request, None)
                    if action == "add"
                    else getattr(inline, f"has_{action}_permission")(request)
                )
            }
    return allowed


def inline_management(forms):
    return {
        "delegation_member-TOTAL_FORMS": forms,
        "delegation_member-INITIAL_FORMS": forms,
        "delegation_member-MIN_NUM_FORMS": 0,
        "delegation_member-MAX_NUM_FORMS": 1,
    }


def user_form(user, **changes):
    """The POST of the admin's user change page for `user`, with its inline left as it is."""
    membership = Member.objects.filter(user=user).first()
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **inline_management(1 if membership else 0),
    }
    data.update({flag: "on" for flag in ["is_active", "is_staff"] if getattr(user, flag)})
    if membership:
        data.update(
            {
                "delegation_member-0-id": membership.pk,
                "delegation_member-0-user": user.pk,
                "delegation_member-0-member_state": membership.member_state_id,
                "delegation_member-0-role": membership.role,
            }
        )
    data.update(changes)
    return data


def user_flags(user):
    user.refresh_from_db()
    return (
        user.is_superuser,
        user.is_staff,
        set(user.groups.values_list("name", flat=True)),
        set(user.user_permissions.values_list("codename", flat=True)),
    )


# What every registered admin grants


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("secretariat", SECRETARIAT_MAY), ("superuser", SUPERUSER_MAY)],
)
def test_every_registered_admin_grants_exactly_the_decided_powers(request, persona, expected):
    assert what_admins_allow(request.getfixturevalue(persona)) == expected


def test_the_secretariat_group_holds_no_power_over_accounts_groups_or_permissions(secretariat):
    held = set(
        Group.objects.get(name="Secretariat").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("assessments", "review_assessment") in held
    assert {perm for perm in held if perm[0] in {"accounts", "auth"}} == {("accounts", "view_user")}
    assert {perm for perm in held if perm[0] == "delegations"} == {
        ("delegations", "view_memberstate"),
        ("delegations", "change_memberstate"),
        ("delegations", "view_memberstatenamechange"),
        ("delegations", "add_member"),
        ("delegations", "change_member"),
        ("delegations", "delete_member"),
        ("delegations", "view_member"),
        ("delegations", "add_invitation"),
        ("delegations", "view_invitation"),
        ("delegations", "view_memberchange"),
    }
    assert {perm for perm in held if perm[1].endswith("_assessment")} == {
        ("assessments", "view_assessment"),
        ("assessments", "review_assessment"),
    }


# Accounts: read-only for the secretariat


def test_secretariat_cannot_make_itself_superuser_staff_or_grant_itself_groups(client, secretariat):
    client.force_login(secretariat)
    before = user_flags(secretariat)
    everything = Permission.objects.values_list("pk", flat=True)
    response = client.post(
        reverse("admin:accounts_user_change", args=[secretariat.pk]),
        user_form(
            secretariat,
            is_superuser="on",
            groups=list(Group.objects.values_list("pk", flat=True)),
            user_permissions=list(everything),
        ),
    )
    assert response.status_code == 403
    assert user_flags(secretariat) == before


def test_secretariat_cannot_make_a_delegate_staff_or_superuser(
    client, secretariat, focal_point_norway
):
    client.force_login(secretariat)
    before = user_flags(focal_point_norway)
    response = client.post(
        reverse("admin:accounts_user_change", args=[focal_point_norway.pk]),
        user_form(
            focal_point_norway,
            is_staff="on",
            is_superuser="on",
            groups=[Group.objects.get(name="Secretariat").pk],
        ),
    )
    assert response.status_code == 403
    assert user_flags(focal_point_norway) == before


def test_secretariat_reads_a_user_page_without_a_way_to_save_it(
    client, secretariat, focal_point_norway
):
    client.force_login(secretariat)
    page = client.get(reverse("admin:accounts_user_change", args=[focal_point_norway.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'name="delegation_member-0-member_state"' not in html
    assert 'href="../password/"' not in html
    assert "Norway" in html


def test_secretariat_cannot_open_or_post_a_delegates_password_page(
    client, secretariat, focal_point_norway
):
    client.force_login(secretariat)
    url = reverse("admin:auth_user_password_change", args=[focal_point_norway.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"password1": "taken-over-1234", "password2": "taken-over-1234", "usable_password": "true"},
    )
    assert response.status_code == 403
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.check_password("pw-nora")


def test_secretariat_cannot_add_a_user_with_a_password(client, secretariat, django_user_model):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "mallory", "password1": "pw-mallory-123", "password2": "pw-mallory-123"},
    )
    assert response.status_code == 403
    assert not django_user_model.objects.filter(username="mallory").exists()


def test_secretariat_cannot_delete_a_user(
    client, secretariat, focal_point_norway, django_user_model
):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:accounts_user_delete", args=[focal_point_norway.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert django_user_model.objects.filter(pk=focal_point_norway.pk).exists()


# Groups: superusers only, even for a staff member holding change_group


def test_secretariat_cannot_create_a_group(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:auth_group_add"),
        {
            "name": "Everything",
            "permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="Everything").exists()


def test_a_staff_member_holding_change_group_cannot_give_its_group_every_permission(
    client, secretariat
):
    group = Group.objects.get(name="Secretariat")
    group.permissions.add(Permission.objects.get(codename="change_group"))
    before = set(group.permissions.values_list("pk", flat=True))
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 403
    assert set(group.permissions.values_list("pk", flat=True)) == before


# Delegation members: the secretariat manages them, never with a staff account


def test_secretariat_cannot_add_itself_as_a_delegations_focal_point(client, secretariat, norway):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_member_add"),
        {"user": secretariat.pk, "member_state": norway.pk, "role": Member.Role.FOCAL_POINT},
    )
    assert response.status_code == 200
    assert "A staff account cannot belong to a delegation" in str(
        response.context["adminform"].form.errors["user"]
    )
    assert not Member.objects.filter(user=secretariat).exists()


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ({"is_staff": True}, "A staff account cannot belong to a delegation"),
        ({"is_superuser": True}, "A superuser account cannot belong to a delegation"),
        ({"is_active": False}, "An inactive account cannot belong to a delegation"),
    ],
)
def test_no_staff_superuser_or_inactive_account_can_be_made_a_delegation_member(
    client, secretariat, norway, django_user_model, account, message
):
    user = django_user_model.objects.create_user("other", **account)
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_member_add"),
        {"user": user.pk, "member_state": norway.pk, "role": Member.Role.EDITOR},
    )
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["user"])
    assert not Member.objects.filter(user=user).exists()


def test_secretariat_cannot_move_a_membership_onto_a_staff_account(
    client, secretariat, helpdesk, focal_point_norway
):
    membership = focal_point_norway.delegation_member
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_member_change", args=[membership.pk]),
        {"user": helpdesk.pk, "member_state": membership.member_state_id, "role": membership.role},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]
    membership.refresh_from_db()
    assert membership.user == focal_point_norway


def test_secretariat_moves_a_delegate_to_another_state_and_role(
    client, secretariat, editor_norway, kenya
):
    membership = editor_norway.delegation_member
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_member_change", args=[membership.pk]),
        {"user": editor_norway.pk, "member_state": kenya.pk, "role": Member.Role.FOCAL_POINT},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.member_state, membership.role) == (kenya, Member.Role.FOCAL_POINT)
    assert membership_log() == [
        ("NOR", MemberChange.Action.MEMBER_REMOVED, Member.Role.EDITOR),
        ("KEN", MemberChange.Action.MEMBER_ADDED, Member.Role.FOCAL_POINT),
    ]


def membership_log():
    from delegations.models import MemberChange

    return list(
        MemberChange.objects.order_by("pk").values_list("member_state__iso3", "action", "role")
    )


def test_secretariat_removes_a_delegate_from_a_delegation(client, secretariat, editor_norway):
    membership = editor_norway.delegation_member
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_member_delete", args=[membership.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    assert not Member.objects.filter(pk=membership.pk).exists()


def test_the_membership_page_offers_no_way_to_add_or_edit_the_account(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("admin:delegations_member_add"))
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields) == ["user", "member_state", "role"]
    widget = page.context["adminform"].form.fields["user"].widget
    assert (widget.can_add_related, widget.can_change_related) == (False, False)
    assert reverse("admin:accounts_user_add") not in page.content.decode()


def test_choosing_a_delegation_member_offers_only_active_non_staff_accounts(
    client, secretariat, superuser, helpdesk, focal_point_norway, django_user_model
):
    django_user_model.objects.create_user("gone", is_active=False)
    client.force_login(secretariat)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "delegations", "model_name": "member", "field_name": "user"},
    )
    assert response.status_code == 200
    offered = {int(result["id"]) for result in response.json()["results"]}
    assert offered == {focal_point_norway.pk}


# A staff account with a membership row never acts as a delegate


@pytest.mark.parametrize("persona", ["secretariat", "helpdesk", "superuser"])
def test_a_staff_or_superuser_account_with_a_stray_membership_has_no_delegation(
    request, persona, norway
):
    user = request.getfixturevalue(persona)
    Member.objects.create(user=user, member_state=norway, role="focal_point")
    user.refresh_from_db()
    assert member_of(user) is None


def test_a_staff_account_with_a_stray_membership_gets_404_on_the_delegations_pages(
    client,
    helpdesk,
    norway_assessment,  # noqa: F811 (a fixture imported above)
):
    Member.objects.create(
        user=helpdesk, member_state=norway_assessment.member_state, role="focal_point"
    )
    client.force_login(helpdesk)
    pk = norway_assessment.pk
    for url in [
        reverse("assessments:home"),
        reverse("assessments:assessment_detail", args=[pk]),
        reverse("assessments:report_answers", args=[pk, 2013]),
        reverse("assessments:assessment_submit", args=[pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # Nor does the navigation offer the delegation's pages.
    home = client.get(reverse("home")).content.decode()
    assert "Assessment of Norway" not in home
    assert f'href="{reverse("assessments:home")}"' not in home


@pytest.mark.parametrize("persona", ["secretariat", "helpdesk"])
def test_a_staff_account_with_a_stray_membership_cannot_save_an_answer(
    request,
    client,
    persona,
    norway_assessment,  # noqa: F811 (a fixture imported above)
):
    user = request.getfixturevalue(persona)
    Member.objects.create(
        user=user, member_state=norway_assessment.member_state, role="focal_point"
    )
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    client.force_login(user)
    prefix = f"r{answer.pk}-"
    response = client.post(
        reverse("assessments:answer_save", args=[norway_assessment.pk, answer.pk]),
        {
            prefix + "status": "implemented",
            prefix + "evidence": "Typed by the secretariat.",
            prefix + "links": "",
            prefix + "version": answer.version,
        },
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert (answer.status, answer.evidence, answer.version) == ("", "", 0)


# Superusers keep full management


def test_a_superuser_makes_a_user_staff_and_gives_groups(client, superuser, django_user_model):
    user = django_user_model.objects.create_user("sara", password="pw-sara")
    client.force_login(superuser)
    secretariat_group = Group.objects.get(name="Secretariat")
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        user_form(user, is_staff="on", groups=[secretariat_group.pk]),
    )
    assert response.status_code == 302
    assert user_flags(user)[1:3] == (True, {"Secretariat"})


def test_a_superuser_cannot_make_a_delegate_staff_while_she_belongs_to_a_delegation(
    client, superuser, focal_point_norway
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_change", args=[focal_point_norway.pk]),
        user_form(focal_point_norway, is_staff="on"),
    )
    assert response.status_code == 200
    assert "A staff account cannot belong to a delegation" in response.content.decode()
    focal_point_norway.refresh_from_db()
    assert not focal_point_norway.is_staff


def test_a_superuser_sets_a_password_and_adds_a_user(client, superuser, focal_point_norway):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[focal_point_norway.pk]),
        {"password1": "a-new-pw-4321", "password2": "a-new-pw-4321", "usable_password": "true"},
    )
    assert response.status_code == 302
    focal_point_norway.refresh_from_db()
    assert focal_point_norway.check_password("a-new-pw-4321")

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ola",
            "password1": "pw-ola-12345",
            "password2": "pw-ola-12345",
            "usable_password": "true",
            **inline_management(0),
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="ola").check_password("pw-ola-12345")


def test_a_superuser_creates_a_group_and_changes_its_permissions(client, superuser):
    client.force_login(superuser)
    view_user = Permission.objects.get(codename="view_user")
    response = client.post(reverse("admin:auth_group_add"), {"name": "Readers"})
    assert response.status_code == 302
    group = Group.objects.get(name="Readers")
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Readers", "permissions": [view_user.pk]},
    )
    assert response.status_code == 302
    assert list(group.permissions.all()) == [view_user]


def test_the_secretariats_changes_to_a_delegation_are_recorded_like_the_delegations_own(
    client, secretariat, norway, django_user_model
):
    from delegations.models import MemberChange

    user = django_user_model.objects.create_user("olav", first_name="Olav", last_name="Dahl")
    client.force_login(secretariat)
    client.post(
        reverse("admin:delegations_member_add"),
        {"user": user.pk, "member_state": norway.pk, "role": Member.Role.EDITOR},
    )
    membership = Member.objects.get(user=user)
    client.post(
        reverse("admin:delegations_member_delete", args=[membership.pk]),
        {"post": "yes"},
    )

    assert not Member.objects.filter(user=user).exists()
    recorded = list(
        MemberChange.objects.filter(member_state=norway)
        .order_by("pk")
        .values_list("action", "actor", "subject")
    )
    assert recorded == [
        (MemberChange.Action.MEMBER_ADDED, secretariat.pk, "Olav Dahl"),
        (MemberChange.Action.MEMBER_REMOVED, secretariat.pk, "Olav Dahl"),
    ]


def test_a_superusers_changes_on_the_user_page_and_deletions_of_accounts_are_recorded(
    client, superuser, editor_norway, norway
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[editor_norway.pk])
    changed = user_form(editor_norway, **{"delegation_member-0-role": "focal_point"})
    assert client.post(url, changed).status_code == 302
    removed = user_form(editor_norway, **{"delegation_member-0-DELETE": "on"})
    assert client.post(url, removed).status_code == 302
    added = {
        **user_form(editor_norway),
        **inline_management(1),
        "delegation_member-INITIAL_FORMS": 0,
        "delegation_member-0-member_state": norway.pk,
        "delegation_member-0-role": "editor",
    }
    assert client.post(url, added).status_code == 302
    response = client.post(
        reverse("admin:accounts_user_delete", args=[editor_norway.pk]), {"post": "yes"}
    )
    assert response.status_code == 302

    assert not User.objects.filter(pk=editor_norway.pk).exists()
    assert membership_log() == [
        ("NOR", MemberChange.Action.MEMBER_CHANGED, Member.Role.FOCAL_POINT),
        ("NOR", MemberChange.Action.MEMBER_REMOVED, Member.Role.FOCAL_POINT),
        ("NOR", MemberChange.Action.MEMBER_ADDED, Member.Role.EDITOR),
        ("NOR", MemberChange.Action.MEMBER_REMOVED, Member.Role.EDITOR),
    ]
