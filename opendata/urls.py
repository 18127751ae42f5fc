"""The public surfaces of the open data, and the secretariat's synthesis: each part's
URLs are its own (api/, public/, synthesis/)."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("opendata.api.urls")),
    path("", include("opendata.public.urls")),
    path("", include("opendata.synthesis.urls")),
]
