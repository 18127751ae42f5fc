from django.urls import path

from .views import assessment, attachments, documents, responses, submission

app_name = "assessments"

urlpatterns = [
    path("", assessment.assessment_home, name="home"),
    path("start/<slug:cycle_code>/", assessment.assessment_start_view, name="assessment_start"),
    path("<int:pk>/", assessment.assessment_detail, name="assessment_detail"),
    path("<int:pk>/reports/<int:year>/", responses.report_responses, name="report_responses"),
    path(
        "<int:pk>/responses/<int:response_pk>/",
        responses.response_save_view,
        name="response_save",
    ),
    path(
        "<int:pk>/responses/<int:response_pk>/history/",
        responses.response_history,
        name="response_history",
    ),
    path(
        "<int:pk>/responses/<int:response_pk>/attachments/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:pk>/delete/",
        attachments.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/submit/", submission.assessment_submit_view, name="assessment_submit"),
    path(
        "<int:pk>/submissions/<int:number>/",
        submission.submission_detail,
        name="submission_detail",
    ),
    path(
        "<int:pk>/submissions/<int:number>/pdf/",
        documents.submission_pdf,
        name="submission_pdf",
    ),
    path("<int:pk>/preview.pdf", documents.assessment_preview_pdf, name="assessment_preview_pdf"),
    path("verify/", documents.verify, name="verify"),
]
