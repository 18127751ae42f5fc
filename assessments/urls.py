from django.urls import path

from .views import (
    answers,
    assessment,
    attachments,
    comments,
    documents,
    publication,
    submission,
    themes,
    workbook,
)

app_name = "assessments"

urlpatterns = [
    path("", assessment.assessment_home, name="home"),
    path("start/<slug:cycle_code>/", assessment.assessment_start_view, name="assessment_start"),
    path("<int:pk>/", assessment.assessment_detail, name="assessment_detail"),
    path("<int:pk>/reports/<int:year>/", answers.report_answers, name="report_answers"),
    path("<int:pk>/themes/<slug:slug>/", themes.theme_answers, name="theme_answers"),
    path(
        "<int:pk>/answers/<int:answer_pk>/",
        answers.answer_save_view,
        name="answer_save",
    ),
    path(
        "<int:pk>/answers/<int:answer_pk>/history/",
        answers.answer_history,
        name="answer_history",
    ),
    path(
        "<int:pk>/answers/<int:answer_pk>/attachments/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:pk>/delete/",
        attachments.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "<int:pk>/comments/<int:comment_pk>/reply/",
        comments.comment_reply,
        name="comment_reply",
    ),
    path(
        "<int:pk>/comments/<int:comment_pk>/addressed/",
        comments.comment_addressed,
        name="comment_addressed",
    ),
    path("<int:pk>/submit/", submission.assessment_submit_view, name="assessment_submit"),
    path("<int:pk>/publish/", publication.publication_publish, name="publication_publish"),
    path(
        "<int:pk>/publish/withdraw/",
        publication.publication_withdraw,
        name="publication_withdraw",
    ),
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
    path(
        "<int:pk>/submissions/<int:number>/translated.pdf",
        documents.submission_translated_pdf,
        name="submission_translated_pdf",
    ),
    path("<int:pk>/preview.pdf", documents.assessment_preview_pdf, name="assessment_preview_pdf"),
    path("verify/", documents.verify, name="verify"),
    path("<int:pk>/workbook.xlsx", workbook.workbook_download, name="workbook_download"),
    path("<int:pk>/workbook/upload/", workbook.workbook_upload, name="workbook_upload"),
    path("<int:pk>/workbook/preview/", workbook.workbook_preview, name="workbook_preview"),
]
