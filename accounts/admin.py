from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from assessments.admin import DelegationMemberInline
from assessments.models import DelegationMember, DelegationRole
from assessments.roles import DELEGATE_CANDIDATES
from assessments.state_search import StateNameSearch
from catalogue.bidi import ltr_isolated

from . import invitations
from .invitations import membership_removed_record, membership_saved_record
from .models import Invitation, MembershipChange, User


class SuperuserManagesMixin:
    """Only superusers add, change or delete; others with the view permission only read.

    The stock user and group admins let anyone holding change_user or change_group
    tick superuser, staff, groups and permissions, on any account including their
    own, and set passwords. Permissions alone cannot express "manage membership but
    not powers", so these admins require a superuser whatever the permissions say.
    """

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(SuperuserManagesMixin, BaseUserAdmin):
    """Secretariat staff read accounts here; the stock password page answers 403 for them.

    Delegation membership is managed in the delegation members admin.
    """

    inlines = [DelegationMemberInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Two-factor sign-in"), {"fields": ["two_factor_required"]}),
    ]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "delegation"]
    list_select_related = ["delegation_membership__member_state"]

    @admin.display(
        description=_("delegation"), ordering="delegation_membership__member_state__name"
    )
    def delegation(self, user):
        membership = getattr(user, "delegation_membership", None)
        return membership.member_state if membership else "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # The password summary offers a button to the password page, which is not theirs.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    # The delegation inline changes a State's delegation: recorded as the delegation
    # members admin records it, and so is a membership that goes with its account.
    def save_formset(self, request, form, formset, change):
        if formset.model is not DelegationMember:
            return super().save_formset(request, form, formset, change)
        # One delegation per account: the inline holds at most one row.
        before = (
            DelegationMember.objects.select_related("user", "member_state")
            .filter(user=form.instance)
            .first()
        )
        super().save_formset(request, form, formset, change)
        if formset.deleted_objects:
            membership_removed_record(actor=request.user, member=before)
        for member in formset.new_objects:
            membership_saved_record(actor=request.user, member=member, before=None)
        for member, _fields in formset.changed_objects:
            membership_saved_record(actor=request.user, member=member, before=before)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for member in DelegationMember.objects.select_related("user", "member_state").filter(
            user__in=queryset
        ):
            membership_removed_record(actor=request.user, member=member)
        super().delete_queryset(request, queryset)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The delegation members admin picks its users through this search
        # (autocomplete): offer only the accounts that may belong to a delegation.
        picking = (
            request.GET.get("app_label"),
            request.GET.get("model_name"),
            request.GET.get("field_name"),
        )
        if picking == ("assessments", "delegationmember", "user"):
            queryset = queryset.filter(DELEGATE_CANDIDATES)
        return queryset, may_have_duplicates


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserManagesMixin, BaseGroupAdmin):
    """A group's permissions are powers: only superusers change them."""


class InvitationForm(forms.ModelForm):
    """The secretariat invites a State's focal point; the rules are the service's own.

    The role is offered, with its one choice, so that the form says what it does: the
    focal point, once in, invites the editors."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role, DelegationRole(role).label) for role in invitations.SECRETARIAT_INVITES],
        initial=invitations.SECRETARIAT_INVITES[0],
        help_text=_(
            "The secretariat invites a State's focal point, who may submit the assessment. "
            "Once signed in, the focal point invites the delegation's editors from the site, "
            "and can hand the focal point role over to one of them."
        ),
    )

    class Meta:
        model = Invitation
        fields = ["email", "member_state", "role"]
        help_texts = {
            "member_state": _(
                "A State has one focal point: no second one can be invited for a State that "
                "has one. An account that exists already is added to a delegation in the "
                "delegation members page instead."
            ),
        }

    invited_by = None  # Set per request by InvitationAdmin.get_form.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" not in self.fields:
            return  # an invitation's own page, where everything is read-only
        days = settings.INVITATION_VALID_DAYS
        self.fields["email"].help_text = ngettext(
            "The invitation goes to this address by e-mail, with a link that works once, "
            "for %(days)s day.",
            "The invitation goes to this address by e-mail, with a link that works once, "
            "for %(days)s days.",
            days,
        ) % {"days": days}

    def clean(self):
        cleaned_data = super().clean()
        email, member_state = cleaned_data.get("email"), cleaned_data.get("member_state")
        role = cleaned_data.get("role")
        if email and member_state and role:
            refusal = invitations.invitation_refusal(
                email=User.objects.normalize_email(email),
                member_state=member_state,
                role=role,
                invited_by=self.invited_by,
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned_data


@admin.register(Invitation)
class InvitationAdmin(StateNameSearch, admin.ModelAdmin):
    """The secretariat invites focal points and revokes invitations; nothing else changes.

    The link's token is never shown: only its hash is stored, and the e-mail carries it.
    """

    form = InvitationForm
    list_display = [
        "email",
        "member_state",
        "role",
        "status",
        "invited_by",
        "expires_at",
        "sent_at",
    ]
    list_filter = ["role", "member_state__regional_group", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["member_state", "invited_by"]
    search_fields = ["email", "member_state__name"]
    autocomplete_fields = ["member_state"]
    actions = ["revoke"]
    readonly_fields = [
        "email",
        "member_state",
        "role",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_user",
        "revoked_at",
        "language",
        "sent_at",
        "send_attempts",
        "send_error",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["email", "member_state", "role"]

    def add_view(self, request, form_url="", extra_context=None):
        # Django's "Add invitation" would not say who is invited.
        title = _("Invite a State's focal point")
        return super().add_view(request, form_url, {**(extra_context or {}), "title": title})

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            return form
        return type(form.__name__, (form,), {"invited_by": request.user})

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        # Revoking makes a link unusable, which is part of inviting, not a change.
        return self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        # The form checked the rules; the service creates, records and e-mails.
        created = invitations.invitation_create(
            email=form.cleaned_data["email"],
            member_state=form.cleaned_data["member_state"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
        )
        obj.pk, obj.role = created.pk, created.role

    @admin.action(description=_("Revoke the selected invitations"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked, skipped = 0, {}
        for invitation in queryset.select_related("member_state").order_by("email"):
            if invitations.invitation_revoke(invitation=invitation, revoked_by=request.user):
                revoked += 1
                continue
            invitation.refresh_from_db(fields=["accepted_at", "revoked_at"])
            reason = _("accepted already") if invitation.accepted_at else _("revoked already")
            skipped.setdefault(reason, []).append(invitation.email)
        if revoked:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation revoked: its link no longer works.",
                    "%(count)d invitations revoked: their links no longer work.",
                    revoked,
                )
                % {"count": revoked},
            )
        for reason, emails in skipped.items():
            messages.warning(
                request,
                ngettext(
                    "%(count)d invitation not revoked (%(reason)s): %(emails)s.",
                    "%(count)d invitations not revoked (%(reason)s): %(emails)s.",
                    len(emails),
                )
                % {
                    "count": len(emails),
                    "reason": reason,
                    # Addresses are left-to-right runs in an Arabic sentence.
                    "emails": pgettext("between names", ", ").join(map(ltr_isolated, emails)),
                },
            )


@admin.register(MembershipChange)
class MembershipChangeAdmin(StateNameSearch, admin.ModelAdmin):
    """The log of delegation membership changes: read-only, for everyone."""

    list_display = ["created_at", "member_state", "action", "role", "subject", "actor_name"]
    list_filter = ["action", "member_state__regional_group"]
    list_select_related = ["member_state"]
    search_fields = ["member_state__name", "subject", "actor_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
