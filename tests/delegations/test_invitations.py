"""Delegation accounts by invitation: the secretariat invites focal points, focal points
invite and remove editors and hand their role over, and every change is recorded."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations import services
from delegations.models import Invitation, Member, MemberChange, MemberState

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "a long pass phrase 7"
DELEGATION = reverse("delegations:delegation")


def link_token(message) -> str:
    return re.search(r"/accounts/invitation/([A-Za-z0-9_-]+)/", message.body).group(1)


def accept_url(token: str) -> str:
    return reverse("delegations:invitation_accept", args=[token])


def account_form(username="ingrid", **changes):
    return {
        "first_name": "Ingrid",
        "last_name": "Berg",
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }


def invite(*, email, member_state, role, invited_by, capture):
    """Invite through the service, the e-mail sent as the transaction commits."""
    with capture(execute=True):
        invitation = services.invitation_create(
            email=email,
            member_state=member_state,
            role=role,
            invited_by=invited_by,
        )
    return invitation, link_token(mail.outbox[-1])


@pytest.fixture
def kenya_invitation(secretariat, kenya, django_capture_on_commit_callbacks):
    """The secretariat invited Kenya's focal point; returns the invitation and its token."""
    return invite(
        email="amina@mfa.go.ke",
        member_state=kenya,
        role=Member.Role.FOCAL_POINT,
        invited_by=secretariat,
        capture=django_capture_on_commit_callbacks,
    )


@pytest.fixture
def editor_invitation(focal_point_norway, norway, django_capture_on_commit_callbacks):
    """Nora, Norway's focal point, invited an editor."""
    return invite(
        email="ola@mfa.no",
        member_state=norway,
        role=Member.Role.EDITOR,
        invited_by=focal_point_norway,
        capture=django_capture_on_commit_callbacks,
    )


def actions(member_state):
    return list(
        MemberChange.objects.filter(member_state=member_state)
        .order_by("pk")
        .values_list("action", flat=True)
    )


# The secretariat invites a focal point


def test_secretariat_invites_a_focal_point_from_the_admin_by_e_mail(
    client, secretariat, kenya, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:delegations_invitation_add"),
            {"email": "amina@mfa.go.ke", "member_state": kenya.pk, "role": "focal_point"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.member_state, invitation.role) == (
        "amina@mfa.go.ke",
        kenya,
        Member.Role.FOCAL_POINT,
    )
    assert invitation.invited_by == secretariat
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["amina@mfa.go.ke"]
    assert "Kenya" in message.subject
    token = link_token(message)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and accept_url(token) in html
    change = MemberChange.objects.get()
    assert (change.action, change.actor, change.subject) == (
        MemberChange.Action.INVITED,
        secretariat,
        "amina@mfa.go.ke",
    )


def test_the_database_holds_only_the_hash_of_the_links_token(kenya_invitation, settings):
    invitation, token = kenya_invitation
    assert len(token) >= 43
    assert token not in str(list(Invitation.objects.values()))
    assert invitation.token_hash == services.token_hash(token)
    # What the database holds makes the link only with the site's secret key.
    settings.SECRET_KEY = "another key" * 5
    assert services.link_token(invitation.token_nonce) != token


def test_the_e_mail_is_sent_only_once_the_invitation_is_committed(
    secretariat, kenya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            email="amina@mfa.go.ke",
            member_state=kenya,
            role=Member.Role.FOCAL_POINT,
            invited_by=secretariat,
        )
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_refused_invitation_mail_is_recorded_and_sent_later_with_a_working_link(
    client, secretariat, kenya, monkeypatch, django_capture_on_commit_callbacks
):
    from smtplib import SMTPRecipientsRefused

    from django.core.mail import EmailMultiAlternatives

    def refused(self, *args, **kwargs):
        raise SMTPRecipientsRefused({"amina@mfa.go.ke": (550, b"mailbox unavailable")})

    client.force_login(secretariat)
    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refused)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:delegations_invitation_add"),
                {"email": "amina@mfa.go.ke", "member_state": kenya.pk, "role": "focal_point"},
            )
    assert response.status_code == 302  # the invitation stands; the mail is retried
    invitation = Invitation.objects.get()
    assert (invitation.sent_at, invitation.send_attempts) == (None, 1)
    assert "SMTPRecipientsRefused" in invitation.send_error
    listing = client.get(reverse("admin:delegations_invitation_changelist") + "?sent_at__isempty=1")
    assert "amina@mfa.go.ke" in listing.content.decode()

    assert services.invitations_send_unsent() == (1, 0)
    assert services.invitations_send_unsent() == (0, 0)
    [message] = mail.outbox
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_error == ""
    client.logout()
    assert client.get(accept_url(link_token(message))).status_code == 200


def test_an_invitation_is_sent_once_however_often_its_task_runs(kenya_invitation):
    invitation, _token = kenya_invitation
    services.send_invitation.call(invitation.pk)
    services.invitation_email_send(invitation_pk=invitation.pk)
    assert len(mail.outbox) == 1


def test_a_revoked_invitation_is_not_sent_again(secretariat, kenya, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", lambda *a, **k: 1 / 0)
        invitation = services.invitation_create(
            email="amina@mfa.go.ke",
            member_state=kenya,
            role=Member.Role.FOCAL_POINT,
            invited_by=secretariat,
        )
        services.invitation_email_send(invitation_pk=invitation.pk)
    services.invitation_revoke(invitation=invitation, revoked_by=secretariat)
    assert services.invitations_send_unsent() == (0, 0)
    assert mail.outbox == []


def test_the_invitation_is_written_in_the_inviters_language(secretariat, kenya):
    from django.utils import translation

    with translation.override("fr"):
        invitation = services.invitation_create(
            email="amina@mfa.go.ke",
            member_state=kenya,
            role=Member.Role.FOCAL_POINT,
            invited_by=secretariat,
        )
    services.invitation_email_send(invitation_pk=invitation.pk)
    assert invitation.language == "fr"
    assert "Vous êtes invité" in mail.outbox[0].body


def test_secretariat_cannot_invite_a_second_focal_point_for_a_state(
    client, secretariat, focal_point_norway, norway
):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_invitation_add"),
        {"email": "other@mfa.no", "member_state": norway.pk, "role": "focal_point"},
    )
    assert response.status_code == 200
    assert "This State has a focal point already" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_invitation_form_offers_the_one_role_the_secretariat_invites_and_says_why(
    client, secretariat
):
    client.force_login(secretariat)
    page = client.get(reverse("admin:delegations_invitation_add"))
    role = page.context["adminform"].form.fields["role"]
    assert list(role.choices) == [("focal_point", "Focal point")]
    html = page.content.decode()
    assert page.context["title"] == "Invite a State's focal point"
    assert '<select name="role"' in html
    assert "the focal point invites the delegation's editors" in html.replace("&#x27;", "'")
    assert "a link that works once, for 7 days" in html


def test_a_forged_role_on_the_invitation_form_is_refused_and_nothing_is_sent(
    client, secretariat, kenya
):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_invitation_add"),
        {"email": "amina@mfa.go.ke", "member_state": kenya.pk, "role": "editor"},
    )
    assert response.status_code == 200
    assert "Select a valid choice. editor is not one of the available choices." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["secretariat", "focal_point_norway"])
def test_an_address_that_has_an_account_is_never_invited(
    request, client, persona, norway, django_user_model
):
    """Not a staff account (which may never be a delegate), nor any other."""
    django_user_model.objects.create_user("staffer", email="Staff@un.org", is_staff=True)
    inviter = request.getfixturevalue(persona)
    with pytest.raises(services.DelegationRefused, match="exists already"):
        services.invitation_create(
            email="staff@UN.org",
            member_state=norway,
            role=Member.Role.EDITOR if persona == "focal_point_norway" else "focal_point",
            invited_by=inviter,
        )
    assert not Invitation.objects.exists()


def test_secretariat_revokes_an_invitation_from_the_admin(client, secretariat, kenya_invitation):
    invitation, token = kenya_invitation
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:delegations_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert actions(invitation.member_state) == ["invited", "invitation_revoked"]
    assert client.logout() is None
    assert client.get(accept_url(token)).status_code == 404


def test_revoking_says_which_invitations_were_not_revoked_and_why(
    client, secretariat, kenya_invitation, norway
):
    invitation, _token = kenya_invitation
    revoked = services.invitation_create(
        email="ola@mfa.no", member_state=norway, role="focal_point", invited_by=secretariat
    )
    services.invitation_revoke(invitation=revoked, revoked_by=secretariat)
    chile = MemberState.objects.create(
        name="Chile", iso3="CHL", regional_group="latin_american_caribbean"
    )
    accepted = services.invitation_create(
        email="ana@minrel.cl", member_state=chile, role="focal_point", invited_by=secretariat
    )
    services.invitation_accept(
        invitation=accepted, username="ana", password=PASSWORD, first_name="Ana", last_name="R"
    )
    client.force_login(secretariat)

    page = client.post(
        reverse("admin:delegations_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk, revoked.pk, accepted.pk]},
        follow=True,
    )

    messages = [(m.level_tag, m.message) for m in page.context["messages"]]
    assert messages == [
        ("success", "1 invitation revoked: its link no longer works."),
        ("warning", "1 invitation not revoked (accepted already): ana@minrel.cl."),
        ("warning", "1 invitation not revoked (revoked already): ola@mfa.no."),
    ]
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_revoking_only_spent_invitations_is_a_warning_not_a_success(
    client, secretariat, kenya_invitation
):
    invitation, _token = kenya_invitation
    services.invitation_revoke(invitation=invitation, revoked_by=secretariat)
    client.force_login(secretariat)

    page = client.post(
        reverse("admin:delegations_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
        follow=True,
    )

    messages = [(m.level_tag, m.message) for m in page.context["messages"]]
    assert messages == [
        ("warning", "1 invitation not revoked (revoked already): amina@mfa.go.ke."),
    ]


def test_secretariat_reads_the_membership_log_in_the_admin(client, secretariat, kenya_invitation):
    client.force_login(secretariat)
    page = client.get(reverse("admin:delegations_memberchange_changelist"))
    assert page.status_code == 200
    assert "amina@mfa.go.ke" in page.content.decode()
    change = MemberChange.objects.get()
    url = reverse("admin:delegations_memberchange_change", args=[change.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    invitation_page = client.get(
        reverse("admin:delegations_invitation_change", args=[change.invitation_id])
    ).content.decode()
    assert "amina@mfa.go.ke" in invitation_page and 'name="_save"' not in invitation_page
    assert change.invitation.token_hash not in invitation_page


# The link


def test_accepting_creates_the_account_and_membership_and_asks_for_two_factor(
    client, kenya_invitation, kenya
):
    invitation, token = kenya_invitation
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "amina@mfa.go.ke" in page.content.decode()

    response = client.post(accept_url(token), account_form(username="amina"))
    assert response.status_code == 302
    assert (
        response.url == reverse("accounts:two_factor_enrol") + "?next=%2Faccounts%2Fdelegation%2F"
    )
    user = User.objects.get(username="amina")
    assert (user.email, user.get_full_name(), user.is_staff) == (
        "amina@mfa.go.ke",
        "Ingrid Berg",
        False,
    )
    assert user.check_password(PASSWORD)
    assert (user.delegation_member.member_state, user.delegation_member.role) == (
        kenya,
        Member.Role.FOCAL_POINT,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_user == user
    assert actions(kenya) == ["invited", "invitation_accepted"]
    # Signed in, but a focal point's account is usable only with an authenticator app.
    assert client.get(DELEGATION).url.startswith(reverse("accounts:two_factor_enrol"))
    enrol = client.get(response.url).content.decode()
    assert "Focal points must use two-factor sign-in" in enrol and "Not now" not in enrol


def test_an_invited_editor_is_offered_two_factor_sign_in_but_may_skip_it(
    client, editor_invitation, norway
):
    _invitation, token = editor_invitation
    response = client.post(accept_url(token), account_form(username="ola"))
    assert response.url.startswith(reverse("accounts:two_factor_enrol"))
    assert "Not now" in client.get(response.url).content.decode()
    assert client.get(DELEGATION).status_code == 200
    assert User.objects.get(username="ola").delegation_member.role == Member.Role.EDITOR


def test_the_link_works_once(client, kenya_invitation):
    _invitation, token = kenya_invitation
    client.post(accept_url(token), account_form(username="amina"))
    other = client.__class__()
    again = other.post(accept_url(token), account_form(username="mallory"))
    assert again.status_code == 404
    assert "This invitation is not valid" in again.content.decode()
    assert not User.objects.filter(username="mallory").exists()


def test_the_link_expires(client, kenya_invitation, monkeypatch, settings):
    invitation, token = kenya_invitation
    later = invitation.created_at + timedelta(days=settings.INVITATION_VALID_DAYS, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(accept_url(token), account_form(username="amina"))
    assert response.status_code == 404
    assert "This invitation is not valid" in response.content.decode()
    assert not User.objects.filter(username="amina").exists()


def test_opening_an_unusable_link_is_recorded_once(client, kenya_invitation, secretariat, kenya):
    invitation, token = kenya_invitation
    services.invitation_revoke(invitation=invitation, revoked_by=secretariat)
    client.get(accept_url(token))
    client.post(accept_url(token), account_form())
    assert actions(kenya) == ["invited", "invitation_revoked", "unusable_link_opened"]


def test_a_made_up_or_mangled_token_gives_the_same_clear_page(client, kenya_invitation):
    _invitation, token = kenya_invitation
    for bad in ["x" * 43, token[:-1], "a"]:
        response = client.get(accept_url(bad))
        assert response.status_code == 404
        assert "This invitation is not valid" in response.content.decode()


def test_a_weak_password_or_taken_username_is_refused_with_the_field_named(
    client, kenya_invitation, focal_point_norway
):
    _invitation, token = kenya_invitation
    response = client.post(
        accept_url(token), account_form(username="nora", password1="short", password2="short")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "username" in errors and "password1" in errors
    assert not User.objects.filter(email="amina@mfa.go.ke").exists()


@pytest.mark.parametrize("field", ["first_name", "last_name", "username"])
def test_a_name_the_country_report_cannot_print_is_refused(client, kenya_invitation, field):
    _invitation, token = kenya_invitation
    response = client.post(accept_url(token), account_form(**{field: "Amina\ufffe"}))
    assert response.status_code == 200
    assert "cannot print: U+FFFE" in str(response.context["form"].errors[field])
    assert not User.objects.filter(email="amina@mfa.go.ke").exists()


@pytest.mark.parametrize("name", ["Amina\nAdmin", "Amina\u202eanimA", "Amina\u2028Ali"])
def test_a_name_with_a_line_break_or_a_direction_override_is_refused(
    client, kenya_invitation, name
):
    _invitation, token = kenya_invitation
    response = client.post(accept_url(token), account_form(last_name=name))
    assert response.status_code == 200
    assert "invisible formatting characters" in str(response.context["form"].errors["last_name"])
    assert not User.objects.filter(email="amina@mfa.go.ke").exists()


def test_a_persian_name_with_its_non_joiner_is_accepted(client, kenya_invitation):
    _invitation, token = kenya_invitation
    response = client.post(accept_url(token), account_form(last_name="حسین\u200cزاده"))
    assert response.status_code == 302
    assert User.objects.get(email="amina@mfa.go.ke").last_name == "حسین\u200cزاده"


def test_an_account_made_meanwhile_with_the_address_stops_the_link(
    client, kenya_invitation, django_user_model
):
    _invitation, token = kenya_invitation
    django_user_model.objects.create_user("amina-old", email="AMINA@mfa.go.ke")
    response = client.post(accept_url(token), account_form(username="amina"))
    assert response.status_code == 409
    assert not User.objects.filter(username="amina").exists()


def test_a_signed_in_person_is_asked_to_sign_out_before_accepting(
    client, kenya_invitation, focal_point_norway
):
    _invitation, token = kenya_invitation
    client.force_login(focal_point_norway)
    response = client.post(accept_url(token), account_form(username="amina"))
    assert "Sign out to accept the invitation" in response.content.decode()
    assert not User.objects.filter(username="amina").exists()


def test_a_focal_point_arriving_after_another_joins_as_editor(
    client, kenya_invitation, focal_point_kenya, kenya
):
    """The secretariat added a focal point in its members page while the link was out."""
    _invitation, token = kenya_invitation
    client.post(accept_url(token), account_form(username="amina"))
    roles = Member.objects.filter(member_state=kenya).values_list("role", flat=True)
    assert sorted(roles) == ["editor", "focal_point"]


# The delegation page


def test_a_focal_point_invites_an_editor_from_the_delegation_page(
    client, focal_point_norway, norway, django_capture_on_commit_callbacks
):
    client.force_login(focal_point_norway)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delegations:invite"), {"email": "ola@mfa.no"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.member_state, invitation.role, invitation.invited_by) == (
        norway,
        Member.Role.EDITOR,
        focal_point_norway,
    )
    assert mail.outbox[0].to == ["ola@mfa.no"]
    page = client.get(DELEGATION).content.decode()
    assert "ola@mfa.no" in page  # among the invitations waiting, and in the log
    assert "Invited" in page


def test_a_focal_point_never_invites_a_focal_point(focal_point_norway, norway):
    with pytest.raises(services.DelegationRefused):
        services.invitation_create(
            email="two@mfa.no",
            member_state=norway,
            role=Member.Role.FOCAL_POINT,
            invited_by=focal_point_norway,
        )


def test_an_editor_sees_the_members_but_may_not_invite_remove_or_hand_over(
    client, editor_norway, focal_point_norway, editor_invitation
):
    invitation, _token = editor_invitation
    client.force_login(editor_norway)
    page = client.get(DELEGATION)
    assert page.status_code == 200
    html = page.content.decode()
    assert "nora" in html and reverse("delegations:invite") not in html
    assert "ola@mfa.no" not in html  # the invitations and the log are the focal point's
    own = editor_norway.delegation_member.pk
    focal = focal_point_norway.delegation_member.pk
    for url in [
        reverse("delegations:invite"),
        reverse("delegations:member_remove", args=[own]),
        reverse("delegations:hand_over", args=[focal]),
        reverse("delegations:invitation_revoke", args=[invitation.pk]),
    ]:
        assert client.post(url, {"email": "x@mfa.no"}).status_code == 403, url
    assert Member.objects.get(pk=focal).role == Member.Role.FOCAL_POINT
    assert Invitation.objects.count() == 1


def test_another_states_focal_point_gets_404_for_norways_members_and_invitations(
    client, focal_point_kenya, editor_norway, editor_invitation
):
    invitation, _token = editor_invitation
    member = editor_norway.delegation_member.pk
    client.force_login(focal_point_kenya)
    for url in [
        reverse("delegations:member_remove", args=[member]),
        reverse("delegations:hand_over", args=[member]),
        reverse("delegations:invitation_revoke", args=[invitation.pk]),
    ]:
        assert client.post(url).status_code == 404, url
    assert Member.objects.filter(pk=member, role="editor").exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("persona", ["secretariat", None])
def test_the_delegation_page_is_for_delegation_members(request, client, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
        assert client.get(DELEGATION).status_code == 404
    else:
        assert client.get(DELEGATION).url.startswith(reverse("accounts:login"))


def test_a_focal_point_removes_an_editor_and_the_change_is_recorded(
    client, focal_point_norway, editor_norway, norway
):
    client.force_login(focal_point_norway)
    member = editor_norway.delegation_member
    response = client.post(reverse("delegations:member_remove", args=[member.pk]))
    assert response.status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()
    change = MemberChange.objects.get()
    assert (change.action, change.actor, change.subject) == (
        MemberChange.Action.MEMBER_REMOVED,
        focal_point_norway,
        "erik",
    )


def test_a_focal_point_cannot_remove_itself(client, focal_point_norway):
    client.force_login(focal_point_norway)
    member = focal_point_norway.delegation_member
    client.post(reverse("delegations:member_remove", args=[member.pk]))
    assert Member.objects.filter(pk=member.pk, role="focal_point").exists()
    assert not MemberChange.objects.exists()


def test_handing_over_keeps_exactly_one_focal_point(
    client, focal_point_norway, editor_norway, norway
):
    client.force_login(focal_point_norway)
    response = client.post(
        reverse("delegations:hand_over", args=[editor_norway.delegation_member.pk])
    )
    assert response.status_code == 302
    roles = dict(Member.objects.filter(member_state=norway).values_list("user__username", "role"))
    assert roles == {"nora": "editor", "erik": "focal_point"}
    editor_norway.refresh_from_db()
    assert editor_norway.two_factor_required
    assert actions(norway) == ["focal_point_handed_over"]
    # The former focal point is an editor now: no more invitations from her.
    assert client.post(reverse("delegations:invite"), {"email": "x@mfa.no"}).status_code == 403


def test_the_focal_point_role_cannot_be_handed_to_a_deactivated_account(
    client, focal_point_norway, editor_norway, norway
):
    editor_norway.is_active = False
    editor_norway.save()
    client.force_login(focal_point_norway)
    response = client.post(
        reverse("delegations:hand_over", args=[editor_norway.delegation_member.pk]),
        follow=True,
    )
    assert "account is deactivated" in response.content.decode()
    assert focal_point_norway.delegation_member.role == Member.Role.FOCAL_POINT
    assert Member.objects.get(user=editor_norway).role == Member.Role.EDITOR
    assert actions(norway) == []


def test_the_focal_point_role_cannot_be_handed_to_oneself(client, focal_point_norway, norway):
    client.force_login(focal_point_norway)
    client.post(reverse("delegations:hand_over", args=[focal_point_norway.delegation_member.pk]))
    assert Member.objects.get(member_state=norway).role == Member.Role.FOCAL_POINT


def test_a_focal_point_revokes_an_editors_invitation(
    client, focal_point_norway, editor_invitation, norway
):
    invitation, _token = editor_invitation
    client.force_login(focal_point_norway)
    client.post(reverse("delegations:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert actions(norway) == ["invited", "invitation_revoked"]


def test_a_username_taken_while_the_form_was_open_is_asked_again_not_a_500(
    client, kenya_invitation, monkeypatch, django_user_model
):
    """Someone took the name between the form's check and the account's creation."""
    invitation, token = kenya_invitation
    monkeypatch.setattr(
        "delegations.forms.InvitationAcceptForm.clean_username",
        lambda form: form.cleaned_data["username"],
    )
    django_user_model.objects.create_user("ingrid")

    result = client.post(accept_url(token), account_form())

    assert result.status_code == 200
    assert "The username ingrid was taken a moment ago" in result.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Member.objects.filter(member_state=invitation.member_state).exists()
