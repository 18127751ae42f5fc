from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("ready", views.ready, name="ready"),
]
