"""The open data in the secretariat's desk: its API keys and the record of their uses."""

from django.contrib import admin, messages
from django.db.models import Count, Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from r2p_site.admin_mixins import RecordAdmin

from .models import ApiKeyUse, SecretariatApiKey

# The library registers its model with English names; the secretariat's keys are
# managed here, named in its languages, and never deleted (their uses stay on record).
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(SecretariatApiKey)
class SecretariatApiKeyAdmin(APIKeyModelAdmin):
    list_display = ("name", "prefix", "created", "expiry_date", "_has_expired", "revoked", "used")
    list_filter = ("revoked", "created")
    fields = ("name", "prefix", "expiry_date", "revoked")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(use_count=Count("uses"), last_used=Max("uses__used_at"))
        )

    @admin.display(description=_("uses (last)"))
    def used(self, key):
        if not key.use_count:
            return "–"
        return f"{key.use_count} ({key.last_used:%Y-%m-%d %H:%M})"

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.pk:
            obj.save()
            return
        # Only the hash is stored: the key is shown this once, on the next page.
        key = self.model.objects.assign_key(obj)
        obj.save()
        messages.warning(
            request,
            gettext(
                "The API key “%(name)s” is: %(key)s — copy it now and keep it safe: it is "
                "stored only as a hash and will not be shown again."
            )
            % {"name": obj.name, "key": key},
        )


@admin.register(ApiKeyUse)
class ApiKeyUseAdmin(RecordAdmin, admin.ModelAdmin):
    list_display = ("used_at", "key", "path", "status", "address")
    list_filter = ("status", "key")
    list_select_related = ("key",)
    search_fields = ("path", "address", "key__name", "key__prefix")
    date_hierarchy = "used_at"
