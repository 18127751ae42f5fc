"""The delegations in the secretariat's desk: Member States, members, invitations and
the log of every change to a delegation's members."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.forms.models import InlineForeignKeyField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from catalogue.bidi import ltr_isolated
from r2p_site.admin_mixins import RecordAdmin

from . import services
from .access import may_be_member
from .collation import name_order
from .models import (
    Invitation,
    Member,
    MemberChange,
    MemberState,
    MemberStateNameChange,
    NameLanguage,
    name_field,
)
from .services import member_removed_record, member_saved_record
from .state_search import StateNameSearch

NAME_FIELDS = [name_field(language) for language in NameLanguage.values]


class MemberStateNamesForm(forms.ModelForm):
    """The six names; a name once given cannot be emptied (a blank one means that the
    CLDR had none and the English name is shown)."""

    class Meta:
        model = MemberState
        fields = NAME_FIELDS
        labels = {"name": _("name in English")}

    def clean(self):
        cleaned_data = super().clean()
        for field in NAME_FIELDS:
            if field in cleaned_data and not cleaned_data[field] and self.initial.get(field):
                self.add_error(
                    field, _("A State's name cannot be blank: type the UN's official form.")
                )
        return cleaned_data


class MissingNamesFilter(admin.SimpleListFilter):
    title = _("names")
    parameter_name = "names"

    def lookups(self, request, model_admin):
        return [("missing", _("Shown in English in some language"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.with_missing_names()
        return queryset


class MemberStateNameChangeInline(admin.TabularInline):
    """Every correction of the State's names, newest first: read only."""

    model = MemberStateNameChange
    fields = ["language", "before", "after", "changed_by_name", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberState)
class MemberStateAdmin(StateNameSearch, admin.ModelAdmin):
    """The secretariat corrects a State's names to the UN's official forms, each
    correction recorded; the code and the regional group are the fixture's."""

    state_path = "pk"
    form = MemberStateNamesForm
    list_display = ["name", "shown_name", "iso3", "regional_group", "names_in_english"]
    list_filter = ["regional_group", MissingNamesFilter]
    search_fields = ["name", "iso3"]
    fields = [*NAME_FIELDS, "iso3", "regional_group"]
    readonly_fields = ["iso3", "regional_group"]
    inlines = [MemberStateNameChangeInline]

    @admin.display(description=_("name in the language of this page"))
    def shown_name(self, state):
        return state.local_name

    @admin.display(description=_("languages with no name (English shown)"))
    def names_in_english(self, state):
        return ", ".join(
            str(label)
            for language, label in NameLanguage.choices
            if language != NameLanguage.ENGLISH and not getattr(state, name_field(language))
        )

    def get_ordering(self, request):
        # The list and the autocompletes of every State field, in the reader's collation.
        return [name_order()]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The recorded correction is the service's: it saves only the names that changed.
        services.state_names_correct(
            member_state=obj,
            names={
                language: form.cleaned_data[name_field(language)]
                for language in NameLanguage.values
                if name_field(language) in form.changed_data
            },
            corrected_by=request.user,
        )


class MemberForm(forms.ModelForm):
    """Refuses staff, superuser and inactive accounts as delegation members.

    The same rule holds in `access.member_of`; here it gets a message naming
    the field instead of a membership that silently does nothing.
    """

    class Meta:
        model = Member
        fields = ["user", "member_state", "role"]

    def _check_user(self, user):
        if may_be_member(user):
            return None
        if user.is_superuser:
            return _("A superuser account cannot belong to a delegation.")
        if user.is_staff:
            return _(
                "A staff account cannot belong to a delegation: the secretariat "
                "reviews assessments, it never answers for a State."
            )
        return _("An inactive account cannot belong to a delegation.")

    def clean(self):
        cleaned_data = super().clean()
        # In the inline on the user page this is the parent user, with the flags just posted.
        user = cleaned_data.get("user")
        if user is not None and (message := self._check_user(user)):
            # In the inline the user field is hidden: its error goes on top of the form.
            inline = isinstance(self.fields.get("user"), InlineForeignKeyField)
            self.add_error(None if inline else "user", message)
        return cleaned_data


@admin.register(Member)
class MemberAdmin(StateNameSearch, admin.ModelAdmin):
    """The secretariat adds, moves and removes delegation members; accounts are not its to edit."""

    form = MemberForm
    list_display = ["user", "member_state", "role"]
    list_filter = ["role", "member_state__regional_group"]
    list_select_related = ["user", "member_state"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "member_state__name"]
    autocomplete_fields = ["user", "member_state"]

    # Every change to a delegation is recorded where the secretariat and the focal
    # point read them (accounts.MemberChange), made here or on the site.
    def save_model(self, request, obj, form, change):
        before = (
            Member.objects.select_related("user", "member_state").get(pk=obj.pk) if change else None
        )
        super().save_model(request, obj, form, change)
        member_saved_record(actor=request.user, member=obj, before=before)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("user", "member_state"):
            member_removed_record(actor=request.user, member=member)
        super().delete_queryset(request, queryset)


class MemberInline(admin.StackedInline):
    """The user's delegation on the user page: superusers only, like the page itself."""

    model = Member
    form = MemberForm
    can_delete = True
    autocomplete_fields = ["member_state"]
    verbose_name = _("delegation")
    verbose_name_plural = _("delegation")

    def has_add_permission(self, request, obj):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


User = get_user_model()


class InvitationForm(forms.ModelForm):
    """The secretariat invites a State's focal point; the rules are the service's own.

    The role is offered, with its one choice, so that the form says what it does: the
    focal point, once in, invites the editors."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role, Member.Role(role).label) for role in services.SECRETARIAT_INVITES],
        initial=services.SECRETARIAT_INVITES[0],
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
            refusal = services.invitation_refusal(
                email=User.objects.normalize_email(email),
                member_state=member_state,
                role=role,
                invited_by=self.invited_by,
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned_data


@admin.register(Invitation)
class InvitationAdmin(RecordAdmin, StateNameSearch, admin.ModelAdmin):
    """The secretariat invites focal points and revokes invitations; nothing else changes.

    The link's token is never shown: only its hash is stored, and the e-mail carries it.
    """

    may_add = True
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

    def has_revoke_permission(self, request):
        # Revoking makes a link unusable, which is part of inviting, not a change.
        return self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        # The form checked the rules; the service creates, records and e-mails.
        created = services.invitation_create(
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
            if services.invitation_revoke(invitation=invitation, revoked_by=request.user):
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


@admin.register(MemberChange)
class MemberChangeAdmin(RecordAdmin, StateNameSearch, admin.ModelAdmin):
    """The log of delegation membership changes: read-only, for everyone."""

    list_display = ["created_at", "member_state", "action", "role", "subject", "actor_name"]
    list_filter = ["action", "member_state__regional_group"]
    list_select_related = ["member_state"]
    search_fields = ["member_state__name", "subject", "actor_name"]
    date_hierarchy = "created_at"
