from django.urls import path

from . import views

app_name = "delegations"

# Under /accounts/, where they have always been: e-mailed invitation links keep working.
urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("delegation/", views.delegation, name="delegation"),
    path("delegation/invite/", views.delegation_invite, name="invite"),
    path(
        "delegation/invitations/<int:pk>/revoke/",
        views.delegation_invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "delegation/members/<int:pk>/remove/",
        views.delegation_member_remove,
        name="member_remove",
    ),
    path(
        "delegation/members/<int:pk>/hand-over/",
        views.delegation_hand_over,
        name="hand_over",
    ),
]
