"""A delegation sees only its own State: every URL of another State's objects answers 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.services.lifecycle import assessment_submit
from assessments.services.review import review_comment_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def norway_objects(client, focal_point_norway, norway_assessment, first_answer):
    client.force_login(focal_point_norway)
    client.post(
        reverse("assessments:attachment_upload", args=[norway_assessment.pk, first_answer.pk]),
        {f"a{first_answer.pk}-file": SimpleUploadedFile("law.pdf", PDF)},
    )
    attachment = first_answer.attachments.get()
    client.logout()
    return norway_assessment, first_answer, attachment


def norway_urls(assessment, answer, attachment):
    a, r = assessment.pk, answer.pk
    return {
        "get": [
            reverse("assessments:assessment_detail", args=[a]),
            reverse("assessments:report_answers", args=[a, 2013]),
            reverse("assessments:answer_history", args=[a, r]),
            reverse("assessments:attachment_download", args=[attachment.pk]),
            reverse("assessments:assessment_submit", args=[a]),
            reverse("assessments:submission_detail", args=[a, 1]),
            reverse("assessments:submission_pdf", args=[a, 1]),
            reverse("assessments:assessment_preview_pdf", args=[a]),
            reverse("assessments:attachment_delete", args=[attachment.pk]),
        ],
        "post": [
            reverse("assessments:answer_save", args=[a, r]),
            reverse("assessments:attachment_upload", args=[a, r]),
            reverse("assessments:attachment_delete", args=[attachment.pk]),
            reverse("assessments:assessment_submit", args=[a]),
            *(
                reverse(f"assessments:{name}", args=[a, comment.pk])
                for comment in assessment.review_comments.all()
                for name in ("comment_reply", "comment_addressed")
            ),
        ],
    }


def test_every_url_of_another_states_assessment_answers_404(
    client, norway_objects, focal_point_kenya, kenya_assessment, focal_point_norway, secretariat
):
    assessment, answer, attachment = norway_objects
    assessment_submit(assessment=assessment, submitted_by=focal_point_norway)
    review_comment_add(assessment=assessment, answer=answer, text="Cite it.", user=secretariat)
    assessment.status = "returned"
    assessment.save()
    client.force_login(focal_point_kenya)
    urls = norway_urls(assessment, answer, attachment)
    assert len(urls["post"]) == 6

    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"confirm": "on"}).status_code == 404, url

    answer.refresh_from_db()
    assert answer.version == 0
    assert answer.attachments.count() == 1
    assert assessment.submissions.count() == 1
    assert not assessment.review_comments.get().replies.exists()
    assert not assessment.review_comments.filter(addressed_at__isnull=False).exists()


def test_an_answer_of_another_state_under_ones_own_assessment_answers_404(
    client, focal_point_kenya, kenya_assessment, norway_objects
):
    _, norway_response, _ = norway_objects
    client.force_login(focal_point_kenya)
    tampered = reverse("assessments:answer_save", args=[kenya_assessment.pk, norway_response.pk])
    history = reverse("assessments:answer_history", args=[kenya_assessment.pk, norway_response.pk])
    assert client.post(tampered, {}).status_code == 404
    assert client.get(history).status_code == 404


def test_users_without_a_delegation_get_404_on_delegation_pages(
    client, django_user_model, norway_objects
):
    assessment, answer, attachment = norway_objects
    client.force_login(django_user_model.objects.create_user("visitor", password="pw-visitor"))
    assert client.get(reverse("assessments:home")).status_code == 404
    for url in norway_urls(assessment, answer, attachment)["get"]:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_login(client, norway_objects):
    assessment, answer, attachment = norway_objects
    for url in norway_urls(assessment, answer, attachment)["get"]:
        result = client.get(url)
        assert result.status_code == 302
        assert result.url.startswith(reverse("accounts:login"))


def test_the_secretariat_reads_every_state_but_cannot_edit(client, secretariat, norway_objects):
    assessment, answer, attachment = norway_objects
    client.force_login(secretariat)
    for url in norway_urls(assessment, answer, attachment)["get"][:4]:
        result = client.get(url)
        if result.streaming:
            # Reading to the end closes the file the way the test client expects.
            b"".join(result.streaming_content)
        assert result.status_code == 200, url
    page = client.get(reverse("assessments:report_answers", args=[assessment.pk, 2013]))
    assert "hx-post" not in page.content.decode()
    assert (
        client.post(
            reverse("assessments:answer_save", args=[assessment.pk, answer.pk]), {}
        ).status_code
        == 404
    )
