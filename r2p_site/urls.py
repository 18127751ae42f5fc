from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "R2P implementation self-assessment"
admin.site.site_title = "R2P self-assessment"
admin.site.index_title = "Secretariat"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
]
