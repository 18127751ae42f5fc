"""The synthesis: public at /synthesis/, the secretariat's at /synthesis/secretariat/
(names in the "opendata" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("synthesis/", views.synthesis, name="synthesis"),
    path("synthesis/<slug:code>/synthesis.csv", views.synthesis_csv, name="synthesis_csv"),
    path("synthesis/<slug:code>/synthesis.json", views.synthesis_json, name="synthesis_json"),
    path(
        "synthesis/<slug:code>/report-<str:language>.pdf",
        views.synthesis_pdf,
        name="synthesis_pdf",
    ),
    path("synthesis/secretariat/", views.desk, name="synthesis_desk"),
    path(
        "synthesis/secretariat/<slug:code>/synthesis.csv",
        views.desk_csv,
        name="synthesis_desk_csv",
    ),
    path(
        "synthesis/secretariat/<slug:code>/synthesis.json",
        views.desk_json,
        name="synthesis_desk_json",
    ),
    path("synthesis/secretariat/request/", views.desk_request, name="synthesis_desk_request"),
    path(
        "synthesis/secretariat/documents/<int:pk>.pdf",
        views.desk_document,
        name="synthesis_desk_document",
    ),
]
