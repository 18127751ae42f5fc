"""Included by the admin (TranslationImportAdmin.get_urls): every page is wrapped in
the admin site's login and staff check, then checks its own permission."""

from django.contrib import admin
from django.urls import path

from r2p_site.middleware import max_body

from . import limits, views


def _wrap(view):
    def admin_page(request, **kwargs):
        return view(request, admin.site.each_context(request), **kwargs)

    return admin.site.admin_view(admin_page)


urlpatterns = [
    path(
        "",
        max_body(limits.MAX_UPLOAD_REQUEST_BYTES)(_wrap(views.upload)),
        name="catalogue_translationimport_upload",
    ),
    path("<int:pk>/preview/", _wrap(views.preview), name="catalogue_translationimport_preview"),
    path("<int:pk>/decide/", _wrap(views.decide), name="catalogue_translationimport_decide"),
]
