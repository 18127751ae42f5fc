"""Delegation members by invitation: invite, accept, revoke, remove, hand over.

Who may do what: the secretariat invites a State's focal point; a focal point
invites and removes its own delegation's editors and hands the focal point role to
one of them. Every change is a `MemberChange` row. The services check these
rules themselves, so a view or an admin action cannot forget one.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_tasks import task

from r2p_site.roles import is_secretariat

from .access import may_be_member, member_of
from .cldr import cldr_names
from .models import (
    Invitation,
    Member,
    MemberChange,
    MemberState,
    MemberStateNameChange,
    NameLanguage,
    name_field,
)

logger = logging.getLogger(__name__)
User = get_user_model()


class DelegationRefused(Exception):
    """A change the rules do not allow; the message says why, for the person who tried."""


class UsernameTaken(DelegationRefused):
    """The username chosen on the invitation's page was taken meanwhile."""


def token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def link_token(nonce: str) -> str:
    """The token in an invitation's link: only a holder of SECRET_KEY can make it."""
    return salted_hmac("accounts.invitation", nonce, algorithm="sha256").hexdigest()


def invitation_for_token(raw_token: str) -> Invitation | None:
    """The invitation whose link carries `raw_token`, usable or not."""
    return (
        Invitation.objects.select_related("member_state")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def member_change_record(
    *, member_state, action, actor=None, subject, role="", invitation=None
) -> None:
    """Record one change to a delegation's membership, whoever made it and where."""
    MemberChange.objects.create(
        member_state=member_state,
        action=action,
        actor=actor,
        actor_name=str(actor) if actor else "",
        subject=subject,
        role=role,
        invitation=invitation,
    )


def member_saved_record(*, actor, member: Member, before) -> None:
    """Record a member row the secretariat added or changed; `before` is the row as it
    was (None when added). A move to another State is a removal from the first."""
    if before is not None and before.member_state_id != member.member_state_id:
        member_removed_record(actor=actor, member=before)
        before = None
    member_change_record(
        member_state=member.member_state,
        action=MemberChange.Action.MEMBER_CHANGED if before else MemberChange.Action.MEMBER_ADDED,
        actor=actor,
        subject=str(member.user),
        role=member.role,
    )


def member_removed_record(*, actor, member: Member) -> None:
    member_change_record(
        member_state=member.member_state,
        action=MemberChange.Action.MEMBER_REMOVED,
        actor=actor,
        subject=str(member.user),
        role=member.role,
    )


def _focal_point_of(member_state: MemberState) -> Member | None:
    return (
        Member.objects.select_related("user")
        .filter(member_state=member_state, role=Member.Role.FOCAL_POINT)
        .first()
    )


# The roles the secretariat invites to: a State's focal point, who invites the editors.
SECRETARIAT_INVITES = [Member.Role.FOCAL_POINT]


def invite_refusal(*, user, member_state: MemberState, role: str) -> str:
    """Why `user` may not invite someone to `member_state` as `role` ("" when they may)."""
    if is_secretariat(user):
        if role not in SECRETARIAT_INVITES:
            return _("The secretariat invites focal points; the focal point invites editors.")
        return ""
    member = member_of(user)
    if (
        member is None
        or member.member_state_id != member_state.pk
        or member.role != Member.Role.FOCAL_POINT
    ):
        return _("Only the secretariat or the State's focal point invites delegation members.")
    if role != Member.Role.EDITOR:
        return _("A focal point invites editors, and hands the focal point role over to one.")
    return ""


def _message(invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation's e-mail, in the language it was made in."""
    link = reverse("delegations:invitation_accept", args=[link_token(invitation.token_nonce)])
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL.rstrip("/") + link,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    with translation.override(invitation.language):
        message = EmailMultiAlternatives(
            subject=" ".join(
                render_to_string("delegations/email/invitation_subject.txt", context).split()
            ),
            body=render_to_string("delegations/email/invitation.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(
            render_to_string("delegations/email/invitation.html", context), "text/html"
        )
    return message


def invitation_email_send(*, invitation_pk: int) -> Invitation:
    """E-mail the invitation's link unless it left already or the link is no longer
    usable; record the outcome on the invitation, for the secretariat.

    The row is locked while sending, so a task run twice sends once; a worker that dies
    while sending leaves it unsent, for `invitations_send_unsent`.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("member_state")
            .get(pk=invitation_pk)
        )
        if invitation.sent_at or not invitation.token_nonce or not invitation.is_usable():
            return invitation
        invitation.send_attempts += 1
        try:
            _message(invitation).send()
        except Exception as error:
            logger.warning("Invitation %s could not be sent: %s", invitation.pk, error)
            invitation.send_error = f"{type(error).__name__}: {error}"[:2000]
        else:
            invitation.sent_at, invitation.send_error = timezone.now(), ""
        invitation.save(update_fields=["send_attempts", "sent_at", "send_error"])
    return invitation


@task()
def send_invitation(invitation_pk: int) -> str:
    """The worker's side: send it, or record why it could not leave (and fail the task,
    so that the queue shows it too)."""
    invitation = invitation_email_send(invitation_pk=invitation_pk)
    if invitation.sent_at is None and invitation.is_usable():
        raise RuntimeError(invitation.send_error)
    return "sent"


def invitations_send_unsent() -> tuple[int, int]:
    """Try again every usable invitation whose e-mail has not left; (sent, failed)."""
    unsent = Invitation.objects.pending().filter(sent_at=None).exclude(token_nonce="")
    sent = [
        invitation_email_send(invitation_pk=pk).sent_at is not None
        for pk in unsent.values_list("pk", flat=True)
    ]
    return sent.count(True), sent.count(False)


def invitation_refusal(*, email: str, member_state: MemberState, role: str, invited_by) -> str:
    """Why this invitation may not be sent ("" when it may); the forms show it."""
    refusal = invite_refusal(user=invited_by, member_state=member_state, role=role)
    if refusal:
        return refusal
    if email_taken(email):
        return _(
            "An account with this e-mail address exists already. The secretariat adds "
            "existing accounts to a delegation in its delegation members page."
        )
    if Invitation.objects.pending().filter(email__iexact=email).exists():
        return _("This address has an invitation still waiting. Revoke it first to send another.")
    if role == Member.Role.FOCAL_POINT:
        if _focal_point_of(member_state) is not None:
            return _(
                "This State has a focal point already. The focal point hands the role "
                "over to an editor of the delegation."
            )
        if Invitation.objects.pending().filter(member_state=member_state, role=role).exists():
            return _("A focal point invitation for this State is still waiting.")
    return ""


@transaction.atomic
def invitation_create(
    *, email: str, member_state: MemberState, role: str, invited_by
) -> Invitation:
    """Invite `email` into `member_state`'s delegation as `role`; a worker e-mails the
    link once this is committed, in the inviter's language."""
    email = User.objects.normalize_email(email)
    refusal = invitation_refusal(
        email=email, member_state=member_state, role=role, invited_by=invited_by
    )
    if refusal:
        raise DelegationRefused(refusal)
    nonce = secrets.token_hex(16)
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        member_state=member_state,
        role=role,
        token_nonce=nonce,
        token_hash=token_hash(link_token(nonce)),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    member_change_record(
        member_state=member_state,
        action=MemberChange.Action.INVITED,
        actor=invited_by,
        subject=email,
        role=role,
        invitation=invitation,
    )
    # Never a message for an invitation that a rolled-back transaction did not keep.
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk), robust=True)
    return invitation


def revoke_refusal(*, user, invitation: Invitation) -> str:
    if is_secretariat(user):
        return ""
    member = member_of(user)
    if (
        member is not None
        and member.role == Member.Role.FOCAL_POINT
        and member.member_state_id == invitation.member_state_id
        and invitation.role == Member.Role.EDITOR
    ):
        return ""
    return _("Only the secretariat or the State's focal point revokes this invitation.")


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, revoked_by) -> bool:
    """Make the link unusable; False when it was already accepted or revoked."""
    refusal = revoke_refusal(user=revoked_by, invitation=invitation)
    if refusal:
        raise DelegationRefused(refusal)
    now = timezone.now()
    # Conditional, so that a revoke racing an acceptance changes nothing once it lost.
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    if not revoked:
        return False
    invitation.revoked_at = now
    member_change_record(
        member_state=invitation.member_state,
        action=MemberChange.Action.INVITATION_REVOKED,
        actor=revoked_by,
        subject=invitation.email,
        role=invitation.role,
        invitation=invitation,
    )
    return True


def unusable_link_opened(*, invitation: Invitation) -> None:
    """Record that an expired, used or revoked link was opened (once per invitation:
    whoever holds the link cannot grow the log by reloading)."""
    if not invitation.changes.filter(action=MemberChange.Action.UNUSABLE_LINK_OPENED).exists():
        member_change_record(
            member_state=invitation.member_state,
            action=MemberChange.Action.UNUSABLE_LINK_OPENED,
            subject=invitation.email,
            role=invitation.role,
            invitation=invitation,
        )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, username: str, password: str, first_name: str, last_name: str
) -> User:
    """Create the invited account and its membership; the link is spent.

    The password has passed Django's validators in the form. A focal point joins
    with two-factor sign-in required, so the account is usable only once an
    authenticator app is set up.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise DelegationRefused(_("This invitation is not valid any more."))
    if email_taken(invitation.email):
        raise DelegationRefused(
            _("An account with this e-mail address exists already. Ask the secretariat.")
        )
    # The State's row is the lock that keeps two focal points from arriving at once.
    MemberState.objects.select_for_update().get(pk=invitation.member_state_id)
    role = invitation.role
    if role == Member.Role.FOCAL_POINT and _focal_point_of(invitation.member_state):
        # Someone became focal point since the invitation (the secretariat's members
        # page): the newcomer joins as editor rather than as a second focal point.
        role = Member.Role.EDITOR
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=invitation.email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                two_factor_required=role == Member.Role.FOCAL_POINT,
            )
    except IntegrityError:
        # The form checked the name was free; someone took it in the meantime.
        raise UsernameTaken(
            _("The username %(username)s was taken a moment ago: choose another.")
            % {"username": username}
        ) from None
    Member.objects.create(user=user, member_state=invitation.member_state, role=role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    member_change_record(
        member_state=invitation.member_state,
        action=MemberChange.Action.INVITATION_ACCEPTED,
        actor=user,
        subject=invitation.email,
        role=role,
        invitation=invitation,
    )
    return user


def _focal_point_acting(user, member_state_id: int) -> Member:
    member = member_of(user)
    if (
        member is None
        or member.member_state_id != member_state_id
        or member.role != Member.Role.FOCAL_POINT
    ):
        raise DelegationRefused(_("Only the State's focal point changes its delegation."))
    return member


@transaction.atomic
def member_remove(*, member: Member, removed_by) -> None:
    """A focal point removes an editor from the delegation; the account stays, without a State."""
    _focal_point_acting(removed_by, member.member_state_id)
    if member.role != Member.Role.EDITOR:
        raise DelegationRefused(
            _("A focal point removes editors; hand the focal point role over first.")
        )
    deleted, _rows = Member.objects.filter(pk=member.pk, role=Member.Role.EDITOR).delete()
    if not deleted:
        raise DelegationRefused(_("This person is no longer an editor of the delegation."))
    member_change_record(
        member_state=member.member_state,
        action=MemberChange.Action.MEMBER_REMOVED,
        actor=removed_by,
        subject=member.user.email or member.user.username,
        role=Member.Role.EDITOR,
    )


@transaction.atomic
def focal_point_hand_over(*, to_member: Member, handed_over_by) -> None:
    """The focal point makes an editor focal point and becomes an editor.

    Both rows change in one transaction under the State's lock: the State never has
    two focal points, nor none, at any moment another request can see.
    """
    MemberState.objects.select_for_update().get(pk=to_member.member_state_id)
    current = _focal_point_acting(handed_over_by, to_member.member_state_id)
    if to_member.role != Member.Role.EDITOR or to_member.pk == current.pk:
        raise DelegationRefused(_("The focal point role goes to an editor of the delegation."))
    if not may_be_member(to_member.user):
        # The State would be left with a focal point nobody can sign in as.
        raise DelegationRefused(
            _("This editor's account is deactivated: hand the role to an active editor.")
        )
    changed = Member.objects.filter(pk=current.pk, role=Member.Role.FOCAL_POINT).update(
        role=Member.Role.EDITOR
    )
    changed += Member.objects.filter(pk=to_member.pk, role=Member.Role.EDITOR).update(
        role=Member.Role.FOCAL_POINT
    )
    if changed != 2:
        # Either row moved under us: the exception rolls both back rather than leave
        # zero or two focal points.
        raise DelegationRefused(_("The delegation changed meanwhile. Reload and try again."))
    User.objects.filter(pk=to_member.user_id).update(two_factor_required=True)
    member_change_record(
        member_state=to_member.member_state,
        action=MemberChange.Action.FOCAL_POINT_HANDED_OVER,
        actor=handed_over_by,
        subject=to_member.user.email or to_member.user.username,
        role=Member.Role.FOCAL_POINT,
    )


# State names


def state_names_fill_missing() -> int:
    """Give each State the CLDR's name in every language it has none in yet (a fresh
    database, a State added); corrected names are never touched. Returns how many names
    were filled."""
    filled = 0
    with transaction.atomic():
        for state in MemberState.objects.select_for_update().order_by("pk"):
            fields = []
            for language, name in cldr_names(state.iso3).items():
                field = name_field(language)
                if name and not getattr(state, field):
                    setattr(state, field, name)
                    fields.append(field)
            if fields:
                state.full_clean()
                state.save(update_fields=fields)
                filled += len(fields)
    return filled


@transaction.atomic
def state_names_correct(
    *, member_state: MemberState, names: dict[str, str], corrected_by
) -> list[MemberStateNameChange]:
    """Set the State's names given by language (a NameLanguage each) and record each one
    that changed. A name cannot be emptied or hold what the report cannot print; a
    refusal (ValidationError) changes nothing."""
    state = MemberState.objects.select_for_update().get(pk=member_state.pk)
    changes = []
    for language, name in names.items():
        field = name_field(NameLanguage(language))
        name = name.strip()
        before = getattr(state, field)
        if name == before:
            continue
        if not name:
            raise ValidationError(
                {field: _("A State's name cannot be blank: type the UN's official form.")},
                code="blank",
            )
        setattr(state, field, name)
        changes.append(
            MemberStateNameChange(
                member_state=state,
                language=language,
                before=before,
                after=name,
                changed_by=corrected_by,
                changed_by_name=corrected_by.get_full_name() or corrected_by.get_username(),
            )
        )
    if not changes:
        return []
    state.full_clean()
    state.save(update_fields=[name_field(change.language) for change in changes])
    MemberStateNameChange.objects.bulk_create(changes)
    member_state.refresh_from_db()
    return changes
