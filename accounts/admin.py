from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from assessments.admin import DelegationMemberInline

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [DelegationMemberInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "delegation"]
    list_select_related = ["delegation_membership__member_state"]

    @admin.display(
        description=_("delegation"), ordering="delegation_membership__member_state__name"
    )
    def delegation(self, user):
        membership = getattr(user, "delegation_membership", None)
        return membership.member_state if membership else "—"
