"""The delegation page (members, invitations, the log) and the invitation link's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from . import services
from .access import member_of
from .forms import InvitationAcceptForm, InviteEditorForm
from .models import Invitation, Member, MemberChange

# The log on the delegation page shows the latest changes; the secretariat's admin has all.
LOG_LENGTH = 100


def _own_delegation(request) -> Member:
    """The signed-in user as a member of a delegation: 404 outside one."""
    me = member_of(request.user)
    if me is None:
        raise Http404
    return me


def _focal_point(request) -> Member:
    """The signed-in focal point as a member: 404 outside a delegation, 403 for an editor."""
    me = _own_delegation(request)
    if me.role != Member.Role.FOCAL_POINT:
        raise PermissionDenied(_("Only the focal point changes the delegation."))
    return me


def _delegation_page(request, me, *, form=None, status=200):
    state = me.member_state
    context = {
        "me": me,
        "is_focal_point": me.role == Member.Role.FOCAL_POINT,
        "members": Member.objects.filter(member_state=state)
        .select_related("user")
        .order_by("-role", "user__last_name", "user__username"),
    }
    if context["is_focal_point"]:
        context.update(
            form=form or InviteEditorForm(),
            pending=Invitation.objects.pending().filter(member_state=state).order_by("-created_at"),
            changes=MemberChange.objects.filter(member_state=state)[:LOG_LENGTH],
        )
    return render(request, "delegations/delegation.html", context, status=status)


@never_cache
def delegation(request):
    return _delegation_page(request, _own_delegation(request))


@require_POST
def delegation_invite(request):
    me = _focal_point(request)
    form = InviteEditorForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                email=form.cleaned_data["email"],
                member_state=me.member_state,
                role=Member.Role.EDITOR,
                invited_by=request.user,
            )
        except services.DelegationRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("delegations:delegation")
    return _delegation_page(request, me, form=form, status=400)


def _refused_or_done(request, action, done_message: str):
    try:
        action()
    except services.DelegationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done_message)
    return redirect("delegations:delegation")


@require_POST
def delegation_invitation_revoke(request, pk: int):
    me = _focal_point(request)
    invitation = get_object_or_404(Invitation, pk=pk, member_state_id=me.member_state_id)
    return _refused_or_done(
        request,
        lambda: services.invitation_revoke(invitation=invitation, revoked_by=request.user),
        _("Invitation revoked: its link no longer works."),
    )


def _own_member(request, pk: int) -> Member:
    """A member of the focal point's own delegation (404 for another State's)."""
    me = _focal_point(request)
    return get_object_or_404(
        Member.objects.select_related("user", "member_state"),
        pk=pk,
        member_state_id=me.member_state_id,
    )


@require_POST
def delegation_member_remove(request, pk: int):
    member = _own_member(request, pk)
    return _refused_or_done(
        request,
        lambda: services.member_remove(member=member, removed_by=request.user),
        _("%(name)s no longer belongs to the delegation.") % {"name": member.user},
    )


@require_POST
def delegation_hand_over(request, pk: int):
    member = _own_member(request, pk)
    return _refused_or_done(
        request,
        lambda: services.focal_point_hand_over(to_member=member, handed_over_by=request.user),
        _("%(name)s is now the focal point; you are an editor.") % {"name": member.user},
    )


def _invalid(request):
    # One page and one status for a token never issued and a spent or expired one:
    # the page tells nothing to someone guessing links.
    return render(request, "delegations/invitation_invalid.html", status=404)


def _welcome(request, user):
    """The invited person's account exists: signed in, on to two-factor set-up."""
    login(request, user, backend="accounts.backends.UserWithDelegationBackend")
    next_url = reverse(
        "delegations:delegation"
        if user.delegation_member.role == Member.Role.FOCAL_POINT
        else settings.LOGIN_REDIRECT_URL
    )
    messages.success(request, _("Your account is ready. Now set up two-factor sign-in."))
    return redirect(reverse("accounts:two_factor_enrol") + "?" + urlencode({"next": next_url}))


@login_not_required
@never_cache
@sensitive_variables("token")
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token: str):
    """The e-mailed link: choose a username and password, then set up two-factor sign-in."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _invalid(request)
    if not invitation.is_usable():
        services.unusable_link_opened(invitation=invitation)
        return _invalid(request)
    context = {"invitation": invitation}
    if request.user.is_authenticated:
        return render(request, "delegations/invitation_signed_in.html", context)
    if services.email_taken(invitation.email):
        return render(request, "delegations/invitation_account_exists.html", context, status=409)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except services.UsernameTaken as taken:
            form.add_error("username", str(taken))
        except services.DelegationRefused:
            return _invalid(request)
        else:
            return _welcome(request, user)
    context["form"] = form
    return render(request, "delegations/invitation_accept.html", context)
