from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Cycle, DelegationMember, MemberState


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    """The secretariat opens a new reporting cycle here, choosing the reports it covers."""

    list_display = ["name", "code", "deadline", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["name", "code"]
    filter_horizontal = ["reports"]
    ordering = ["-deadline"]

    def has_delete_permission(self, request, obj=None):
        # Assessments and their submissions belong to a cycle for good.
        return False


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ["name", "iso3", "regional_group"]
    list_filter = ["regional_group"]
    search_fields = ["name", "iso3"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DelegationMember)
class DelegationMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "member_state", "role"]
    list_filter = ["role", "member_state__regional_group"]
    list_select_related = ["user", "member_state"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "member_state__name"]
    autocomplete_fields = ["user", "member_state"]


class DelegationMemberInline(admin.StackedInline):
    model = DelegationMember
    can_delete = True
    autocomplete_fields = ["member_state"]
    verbose_name = _("delegation")
    verbose_name_plural = _("delegation")
