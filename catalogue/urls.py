from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("reports/<int:year>/", views.report_detail, name="report_detail"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path(
        "recommendations/<str:code>/",
        views.recommendation_detail,
        name="recommendation_detail",
    ),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
]
