from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from delegations.access import MEMBER_CANDIDATES
from delegations.admin import MemberInline
from delegations.models import Member
from delegations.services import member_removed_record, member_saved_record

from .models import User


class SuperuserManagesMixin:
    """Only superusers add, change or delete; others with the view permission only read.

    The stock user and group admins let anyone holding change_user or change_group
    tick superuser, staff, groups and permissions, on any account including their
    own, and set passwords. Permissions alone cannot express "manage delegations but
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

    A user's delegation is managed in the delegation members admin.
    """

    inlines = [MemberInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Two-factor sign-in"), {"fields": ["two_factor_required"]}),
    ]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "delegation"]
    list_select_related = ["delegation_member__member_state"]

    @admin.display(description=_("delegation"), ordering="delegation_member__member_state__name")
    def delegation(self, user):
        member = getattr(user, "delegation_member", None)
        return member.member_state if member else "—"

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
    # members admin records it, and so is a member row that goes with its account.
    def save_formset(self, request, form, formset, change):
        if formset.model is not Member:
            return super().save_formset(request, form, formset, change)
        # One delegation per account: the inline holds at most one row.
        before = (
            Member.objects.select_related("user", "member_state").filter(user=form.instance).first()
        )
        super().save_formset(request, form, formset, change)
        if formset.deleted_objects:
            member_removed_record(actor=request.user, member=before)
        for member in formset.new_objects:
            member_saved_record(actor=request.user, member=member, before=None)
        for member, _fields in formset.changed_objects:
            member_saved_record(actor=request.user, member=member, before=before)

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for member in Member.objects.select_related("user", "member_state").filter(
            user__in=queryset
        ):
            member_removed_record(actor=request.user, member=member)
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
        if picking == ("delegations", "member", "user"):
            queryset = queryset.filter(MEMBER_CANDIDATES)
        return queryset, may_have_duplicates


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserManagesMixin, BaseGroupAdmin):
    """A group's permissions are powers: only superusers change them."""
