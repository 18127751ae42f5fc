"""The public surfaces of the open data, and the secretariat's synthesis: each part's
URLs are its own (api/, public/, synthesis/)."""

from django.urls import include, path

from .api import download_views

urlpatterns = [
    path("api/", include("opendata.api.urls")),
    # The downloads' page for people (its files are the API's).
    path("data/", download_views.data_page, name="data"),
    path("", include("opendata.public.urls")),
    path("", include("opendata.synthesis.urls")),
]
