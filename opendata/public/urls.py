"""The public pages of published assessments (see views.py); all of them answer
without signing in."""

from django.urls import path

from . import views

urlpatterns = [
    path("published/", views.published_list, name="published_list"),
    path(
        "published/<slug:cycle_code>/<str:iso3>/",
        views.published_state,
        name="published_state",
    ),
    path(
        "published/<slug:cycle_code>/<str:iso3>/report.pdf",
        views.published_pdf,
        name="published_pdf",
    ),
    path(
        "published/<slug:cycle_code>/<str:iso3>/files/<int:attachment_id>/",
        views.published_file,
        name="published_file",
    ),
]
