"""The delegation replies to the secretariat's comments and marks them addressed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import CommentReply, ReviewComment
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import (
    comment_mark_addressed,
    comment_reply_add,
    review_comment_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(norway_assessment, focal_point_norway, secretariat, first_answer):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    return review_comment_add(
        assessment=norway_assessment, answer=first_answer, text="Cite the law.", user=secretariat
    )


def reply_url(comment):
    return reverse("assessments:comment_reply", args=[comment.assessment_id, comment.pk])


def addressed_url(comment):
    return reverse("assessments:comment_addressed", args=[comment.assessment_id, comment.pk])


# Services


def test_a_reply_is_kept_with_who_and_when(comment, editor_norway):
    reply = comment_reply_add(comment=comment, user=editor_norway, text="  Law 12/2021.\r\n")
    assert reply.text == "Law 12/2021."
    assert reply.written_by == editor_norway
    assert reply.written_at is not None
    assert list(comment.replies.all()) == [reply]


def test_an_empty_or_too_long_reply_is_refused(comment, focal_point_norway):
    with pytest.raises(ValueError, match="Write your reply"):
        comment_reply_add(comment=comment, user=focal_point_norway, text="   ")
    with pytest.raises(ValueError, match="at most 5000"):
        comment_reply_add(comment=comment, user=focal_point_norway, text="x" * 5001)
    assert not CommentReply.objects.exists()


def test_marking_addressed_records_the_first_who_and_when(
    comment, focal_point_norway, editor_norway
):
    comment_mark_addressed(comment=comment, user=editor_norway)
    first = ReviewComment.objects.get(pk=comment.pk)
    comment_mark_addressed(comment=comment, user=focal_point_norway)
    comment.refresh_from_db()
    assert comment.is_addressed
    assert comment.addressed_by == editor_norway
    assert comment.addressed_at == first.addressed_at


@pytest.mark.parametrize("who", ["secretariat", "focal_point_kenya"])
def test_only_the_states_own_delegation_replies_or_marks_addressed(request, comment, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        comment_reply_add(comment=comment, user=user, text="As if.")
    with pytest.raises(PermissionDenied):
        comment_mark_addressed(comment=comment, user=user)
    comment.refresh_from_db()
    assert not comment.is_addressed
    assert not CommentReply.objects.exists()


# Pages


def test_the_delegation_replies_from_its_overview(client, comment, focal_point_norway):
    client.force_login(focal_point_norway)
    overview = comment.assessment.get_absolute_url()
    page = client.get(overview).content.decode()
    assert f'action="{reply_url(comment)}"' in page
    assert f'action="{addressed_url(comment)}"' in page

    result = client.post(reply_url(comment), {"text": "Done: <b>law</b> 12."})

    assert result.status_code == 302
    assert result.url == f"{overview}#comment-{comment.pk}"
    page = client.get(overview).content.decode()
    assert "Your reply has been sent to the secretariat." in page
    assert "Done: &lt;b&gt;law&lt;/b&gt; 12." in page
    assert "Reply by nora" in page


def test_an_empty_reply_gets_a_message_and_keeps_nothing(client, comment, focal_point_norway):
    client.force_login(focal_point_norway)
    page = client.post(reply_url(comment), {"text": "  "}, follow=True).content.decode()
    assert "This field is required." in page
    assert not CommentReply.objects.exists()


def test_the_delegation_marks_a_comment_addressed(client, comment, editor_norway):
    client.force_login(editor_norway)
    page = client.post(addressed_url(comment), follow=True).content.decode()
    assert "The comment is marked as addressed." in page
    assert "marked by erik" in page
    assert f'action="{addressed_url(comment)}"' not in page  # nothing left to mark
    comment.refresh_from_db()
    assert comment.addressed_by == editor_norway


def test_the_answer_card_says_a_comment_is_addressed_and_links_to_its_replies(
    client, comment, focal_point_norway, first_answer
):
    comment_mark_addressed(comment=comment, user=focal_point_norway)
    client.force_login(focal_point_norway)
    html = client.get(
        reverse("assessments:report_answers", args=[comment.assessment_id, 2013])
    ).content.decode()
    assert "Addressed</span>" in html
    assert f"{comment.assessment.get_absolute_url()}#comment-{comment.pk}" in html


def test_kenya_cannot_reply_to_or_address_norways_comment(client, comment, focal_point_kenya):
    client.force_login(focal_point_kenya)
    assert client.post(reply_url(comment), {"text": "Hi"}).status_code == 404
    assert client.post(addressed_url(comment)).status_code == 404
    comment.refresh_from_db()
    assert not comment.is_addressed
    assert not CommentReply.objects.exists()


def test_a_comment_under_another_assessments_url_answers_404(
    client, comment, focal_point_kenya, kenya_assessment
):
    """Kenya's own assessment in the URL does not open Norway's comment."""
    client.force_login(focal_point_kenya)
    url = reverse("assessments:comment_reply", args=[kenya_assessment.pk, comment.pk])
    assert client.post(url, {"text": "Hi"}).status_code == 404


def test_the_secretariat_cannot_reply_as_the_delegation(client, comment, secretariat):
    client.force_login(secretariat)
    assert client.post(reply_url(comment), {"text": "Hi"}).status_code == 404
    assert client.post(addressed_url(comment)).status_code == 404
    page = client.get(comment.assessment.get_absolute_url()).content.decode()
    assert "Cite the law." in page  # it reads the overview
    assert reply_url(comment) not in page
    assert not CommentReply.objects.exists()


def test_replying_and_marking_take_posts_only(client, comment, focal_point_norway):
    client.force_login(focal_point_norway)
    assert client.get(reply_url(comment)).status_code == 405
    assert client.get(addressed_url(comment)).status_code == 405
