"""The published assessments in the API; opendata/api/urls.py includes these under
/api/v1/. Public: no sign-in, read-only."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .published import PublishedDetail, PublishedList

urlpatterns = [
    path("published/", login_not_required(PublishedList.as_view()), name="published_api_list"),
    path(
        "published/<slug:cycle_code>/<str:iso3>/",
        login_not_required(PublishedDetail.as_view()),
        name="published_api_detail",
    ),
]
