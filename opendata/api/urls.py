"""The API, under /api/v1/ (this URLconf is included at /api/); names in the "opendata"
namespace, prefixed api_. Every view is public (`login_not_required`): the catalogue's
need no sign-in, the secretariat's take an API key instead of a session."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path

from . import docs_views, download_views, secretariat_views, views
from .schema import SchemaView


def public(view_class):
    return login_not_required(view_class.as_view())


v1 = [
    path("", public(views.ApiRoot), name="api_root"),
    path("recommendations/", public(views.RecommendationList), name="api_recommendation_list"),
    path(
        "recommendations/<str:key>/",
        public(views.RecommendationDetail),
        name="api_recommendation_detail",
    ),
    path("reports/", public(views.ReportList), name="api_report_list"),
    path("reports/<int:key>/", public(views.ReportDetail), name="api_report_detail"),
    path("sections/", public(views.SectionList), name="api_section_list"),
    path("sections/<str:key>/", public(views.SectionDetail), name="api_section_detail"),
    path("addressees/", public(views.AddresseeList), name="api_addressee_list"),
    path("addressees/<str:key>/", public(views.AddresseeDetail), name="api_addressee_detail"),
    path("themes/", public(views.ThemeList), name="api_theme_list"),
    path("themes/<str:key>/", public(views.ThemeDetail), name="api_theme_detail"),
    path("member-states/", public(views.MemberStateList), name="api_member_state_list"),
    path(
        "member-states/<str:key>/",
        public(views.MemberStateDetail),
        name="api_member_state_detail",
    ),
    path("cycles/", public(views.CycleList), name="api_cycle_list"),
    path("cycles/<str:key>/", public(views.CycleDetail), name="api_cycle_detail"),
    path("downloads/", public(download_views.DownloadList), name="api_download_list"),
    path(
        "downloads/dictionary.<str:file_format>",
        public(download_views.DownloadDictionary),
        name="api_download_dictionary",
    ),
    # Before the catalogue's files: "published-dictionary.csv" is no file of a language.
    path(
        "downloads/published-dictionary.<str:file_format>",
        public(download_views.PublishedDownloadDictionary),
        name="api_published_download_dictionary",
    ),
    path(
        "downloads/published/<slug:cycle_code>.<str:file_format>",
        public(download_views.PublishedDownloadFile),
        name="api_published_download",
    ),
    path("downloads/<str:name>", public(download_views.DownloadFile), name="api_download"),
    path(
        "secretariat/submissions/",
        public(secretariat_views.SubmissionList),
        name="api_secretariat_submission_list",
    ),
    path(
        "secretariat/submissions/<int:pk>/",
        public(secretariat_views.SubmissionDetail),
        name="api_secretariat_submission_detail",
    ),
    path("schema/", public(SchemaView), name="api_schema"),
    path("docs/", docs_views.api_docs, name="api_docs"),
    # The published assessments (the publication's part).
    path("", include("opendata.api.published_urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    # Last: any other address under /api/ answers in JSON, as the API does.
    re_path(r"^[\s\S]*$", views.api_not_found, name="api_not_found"),
]
