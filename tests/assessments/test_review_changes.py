"""The review page of a resubmission: what changed first, filters, navigation, statuses
in colour and words, and a confirmation before returning or accepting."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import AssessmentStatus
from assessments.services.answers import (
    AnswerContent,
    answer_save,
    attachment_add,
    attachment_remove,
)
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import assessment_return, comment_reply_add, review_comment_add
from assessments.uploads import check_upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def review_url(assessment, **params):
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def save(answer, user, **content):
    answer.refresh_from_db()
    fields = {"status": answer.status, "evidence": answer.evidence, "links": answer.links}
    answer_save(
        answer=answer,
        content=AnswerContent(**{**fields, **content}),
        base_version=answer.version,
        user=user,
    )


def attach(answer, user, name="law.pdf", content=PDF):
    upload = SimpleUploadedFile(name, content)
    return attachment_add(
        answer=answer,
        upload=upload,
        checked_type=check_upload(upload),
        sha256=hashlib.sha256(content).hexdigest(),
        user=user,
    )


@pytest.fixture
def resubmitted(norway_assessment, focal_point_norway, secretariat, first_answer):
    """Version 1 answered one recommendation; version 2 changed it and answered another."""
    save(first_answer, focal_point_norway, status="not_started", evidence="Draft <b>law</b>.")
    old = attach(first_answer, focal_point_norway, name="old-law.pdf")
    third = norway_assessment.answers.get(recommendation__code="2013-MS-03")
    save(third, focal_point_norway, status="not_started")  # and left so in version 2
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    assessment_return(
        assessment=norway_assessment, user=secretariat, seen_submission=1, text="More."
    )
    save(
        first_answer,
        focal_point_norway,
        status="implemented",
        evidence="Law 12/2021 <script>alert(1)</script>.",
        links=["https://example.org/law"],
    )
    attachment_remove(attachment=old, user=focal_point_norway)
    attach(first_answer, focal_point_norway, name="new-law.pdf", content=PDF + b"%2\n")
    second = norway_assessment.answers.get(recommendation__code="2014-MS-02")
    save(second, focal_point_norway, status="partially_implemented")
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    norway_assessment.refresh_from_db()
    return norway_assessment


def test_a_resubmission_shows_first_what_changed_since_the_previous_version(
    client, secretariat, resubmitted, first_answer
):
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted)).content.decode()

    assert "2 answers changed since version 1" in html
    changes = html[html.index('id="changes"') : html.index('id="answers"')]
    assert (
        f'<a href="#answer-{first_answer.pk}" class="recommendation-code">2013-MS-01</a>' in changes
    )
    assert "2014-MS-02" in changes
    assert (
        '<span class="review-status status-not_started">Not started</span> → '
        '<span class="review-status status-implemented">Implemented</span>'
    ) in changes
    assert "Draft &lt;b&gt;law&lt;/b&gt;." in changes
    assert "Law 12/2021 &lt;script&gt;alert(1)&lt;/script&gt;." in changes
    assert "<script>alert" not in html
    assert "https://example.org/law" in changes
    assert "new-law.pdf" in changes[changes.index("Files added") :]
    assert "old-law.pdf" in changes[changes.index("Files removed") :]
    assert html.index('id="changes"') < html.index("Submitted country reports")


def test_each_changed_answer_carries_a_badge(client, secretariat, resubmitted):
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted)).content.decode()
    answers = html[html.index('id="answers"') :]
    assert answers.count("changed since version 1</span>") == 2


def test_a_first_submission_has_no_changes_section(client, secretariat, norway_assessment):
    assessment_submit(assessment=norway_assessment, submitted_by=norway_assessment.created_by)
    client.force_login(secretariat)
    html = client.get(review_url(norway_assessment)).content.decode()
    assert 'id="changes"' not in html
    assert "changed since version" not in html
    assert "?show=changed" not in html


def test_an_unchanged_resubmission_says_so(client, secretariat, norway_assessment):
    user = norway_assessment.created_by
    assessment_submit(assessment=norway_assessment, submitted_by=user)
    assessment_return(assessment=norway_assessment, user=secretariat, seen_submission=1, text="?")
    assessment_submit(assessment=norway_assessment, submitted_by=user)
    client.force_login(secretariat)
    html = client.get(review_url(norway_assessment)).content.decode()
    assert "Version 2 changes no answer of version 1." in html


def test_the_reports_are_linked_from_a_navigation(client, secretariat, resubmitted):
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted)).content.decode()
    assert '<a href="#report-2013">2013</a>' in html
    assert '<a href="#report-2014">2014</a>' in html
    assert 'id="report-2013"' in html


@pytest.mark.parametrize(
    ("show", "codes"),
    [
        ("changed", {"2013-MS-01", "2014-MS-02"}),
        ("not_answered", {"2013-MS-02", "2014-MS-01"}),
        ("not_started", {"2013-MS-03"}),
        # Answered without evidence; the two not yet answered are "not_answered" only.
        ("no_evidence", {"2013-MS-03", "2014-MS-02"}),
        ("commented", {"2013-MS-02"}),
        ("", {"2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"}),
        ("nonsense", {"2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"}),
    ],
)
def test_the_answers_can_be_filtered_on_the_server(client, secretariat, resubmitted, show, codes):
    commented = resubmitted.answers.get(recommendation__code="2013-MS-02")
    review_comment_add(assessment=resubmitted, answer=commented, text="Why?", user=secretariat)
    client.force_login(secretariat)
    page = client.get(review_url(resubmitted, show=show))
    shown = {
        answer.recommendation.code
        for _report, answers in page.context["reports"]
        for answer in answers
    }
    assert shown == codes


def test_the_active_filter_is_marked_and_counts_are_shown(client, secretariat, resubmitted):
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted, show="changed")).content.decode()
    assert '<span aria-current="page">Changed (2)</span>' in html
    assert '<a href="?show=no_evidence#answers">No evidence (2)</a>' in html
    assert '<a href="?#answers">All</a>' in html


def test_a_filter_that_matches_nothing_says_so(client, secretariat, resubmitted):
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted, show="commented")).content.decode()
    assert "No answer matches this filter." in html


def test_statuses_show_in_colour_and_in_words(client, secretariat, resubmitted):
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted)).content.decode()
    assert '<span class="review-status status-implemented">Implemented</span>' in html
    assert '<span class="review-status status-not_answered">Not yet answered</span>' in html
    assert (
        '<span class="review-status status-partially_implemented">Partially implemented</span>'
        in html
    )


def test_the_review_page_shows_replies_and_addressed_comments(
    client, secretariat, focal_point_norway, resubmitted, first_answer
):
    from assessments.services.review import comment_mark_addressed

    on_answer = review_comment_add(
        assessment=resubmitted, answer=first_answer, text="Cite it.", user=secretariat
    )
    comment_reply_add(comment=on_answer, user=focal_point_norway, text="Done <i>now</i>.")
    comment_mark_addressed(comment=on_answer, user=focal_point_norway)
    client.force_login(secretariat)
    html = client.get(review_url(resubmitted)).content.decode()
    assert "Reply from the delegation: nora" in html
    assert "Done &lt;i&gt;now&lt;/i&gt;." in html
    assert "Addressed: nora" in html
    assert "More." in html  # the return's comment, on the assessment


def test_the_review_page_queries_stay_constant_with_versions_comments_and_replies(
    client, secretariat, focal_point_norway, resubmitted, first_answer, django_assert_num_queries
):
    first = review_comment_add(
        assessment=resubmitted, answer=first_answer, text="?", user=secretariat
    )
    comment_reply_add(comment=first, user=focal_point_norway, text="!")
    client.force_login(secretariat)
    url = review_url(resubmitted)
    client.get(url)
    # 17 for the page (one of them loads the two snapshots compared), 1 for the two-factor
    # device that verified the session.
    with django_assert_num_queries(18) as few:
        client.get(url)
    for answer in resubmitted.answers.all():
        comment = review_comment_add(
            assessment=resubmitted, answer=answer, text="Why?", user=secretariat
        )
        comment_reply_add(comment=comment, user=focal_point_norway, text="Because.")
    general = review_comment_add(assessment=resubmitted, text="Overall?", user=secretariat)
    comment_reply_add(comment=general, user=focal_point_norway, text="Fine.")
    assessment_return(assessment=resubmitted, user=secretariat, seen_submission=2, text="Again.")
    save(first_answer, focal_point_norway, evidence="Third version.")
    assessment_submit(assessment=resubmitted, submitted_by=focal_point_norway)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# Confirmation of return and accept


def test_accept_asks_for_confirmation_and_says_the_assessment_becomes_final(
    client, secretariat, resubmitted
):
    client.force_login(secretariat)
    page = client.post(
        review_url(resubmitted), {"action": "accept", "text": "Thanks.", "submission": 2}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Accept version 2?" in html
    assert "The assessment becomes final: the delegation can no longer change it." in html
    assert '<input type="hidden" name="submission" value="2">' in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert ">Thanks.</textarea>" in html
    resubmitted.refresh_from_db()
    assert resubmitted.status == AssessmentStatus.SUBMITTED
    assert not resubmitted.review_comments.filter(text="Thanks.").exists()

    client.post(
        review_url(resubmitted),
        {"action": "accept", "text": "Thanks.", "submission": 2, "confirmed": "1"},
    )
    resubmitted.refresh_from_db()
    assert resubmitted.status == AssessmentStatus.ACCEPTED


def test_return_asks_for_confirmation_and_says_what_the_delegation_will_see(
    client, secretariat, resubmitted
):
    client.force_login(secretariat)
    html = client.post(
        review_url(resubmitted), {"action": "return", "text": "Cite <b>it</b>.", "submission": 2}
    ).content.decode()
    assert "Return version 2 for revision?" in html
    assert "will be able to edit the assessment again and will see your comment" in html
    assert ">Cite &lt;b&gt;it&lt;/b&gt;.</textarea>" in html
    assert "Cancel and go back to the review" in html
    resubmitted.refresh_from_db()
    assert resubmitted.status == AssessmentStatus.SUBMITTED


def test_a_confirmation_for_a_version_since_superseded_is_refused(
    client, secretariat, focal_point_norway, resubmitted
):
    """The confirm page names version 2; version 3 arrived before the click."""
    client.force_login(secretariat)
    client.post(review_url(resubmitted), {"action": "accept", "text": "", "submission": 2})
    assessment_return(assessment=resubmitted, user=secretariat, seen_submission=2, text="x")
    assessment_submit(assessment=resubmitted, submitted_by=focal_point_norway)
    page = client.post(
        review_url(resubmitted),
        {"action": "accept", "text": "", "submission": 2, "confirmed": "1"},
        follow=True,
    ).content.decode()
    assert "Version 3 was submitted after the version 2 you reviewed" in page
    resubmitted.refresh_from_db()
    assert resubmitted.status == AssessmentStatus.SUBMITTED
