from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from accounts import views as accounts_views

from . import views

admin.site.site_header = _("R2P implementation self-assessment")
admin.site.site_title = _("R2P self-assessment")
admin.site.index_title = _("Secretariat desk")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/", include("operations.urls")),
    path("start/", views.start, name="start"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("delegations.urls")),
    # Django's set_language, remembering a signed-in user's choice.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("catalogue/", include("catalogue.urls")),
    path("assessments/", include("assessments.urls")),
    path("", include(("opendata.urls", "opendata"))),
    # The admin login shows a "forgotten your password" link when this name exists.
    path(
        "admin/password_reset/",
        login_not_required(RedirectView.as_view(pattern_name="accounts:password_reset")),
        name="admin_password_reset",
    ),
    path("admin/", admin.site.urls),
    # Browsers ask for it on pages without an icon link (the admin's, files); without
    # it every such page logged a "Not Found".
    path("favicon.ico", views.favicon),
]

handler500 = views.server_error
