from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("reports/<int:year>/", views.report_detail, name="report_detail"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
]
