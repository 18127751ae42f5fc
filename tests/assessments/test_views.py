"""The delegation's pages: overview, report pages with autosave, history, submission."""

import pytest
from django.urls import reverse

from assessments.models import AnswerStatus, AssessmentStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.views.cards import Card, card_urls

pytestmark = pytest.mark.django_db


def save_url(response):
    return reverse("assessments:answer_save", args=[response.assessment_id, response.pk])


def answer(response, **fields):
    prefix = f"r{response.pk}-"
    data = {"status": "implemented", "evidence": "", "links": "", "version": response.version}
    data.update(fields)
    return {prefix + key: value for key, value in data.items()}


def test_a_delegate_starts_the_assessment_of_the_open_cycle(client, focal_point_norway, cycle):
    client.force_login(focal_point_norway)
    page = client.get(reverse("assessments:home"))
    assert "Start the assessment" in page.content.decode()

    response = client.post(reverse("assessments:assessment_start", args=[cycle.code]))

    assessment = focal_point_norway.delegation_member.member_state.assessments.get()
    assert response.url == assessment.get_absolute_url()
    assert assessment.answers.count() == 5


def test_overview_shows_progress_per_report_and_the_deadline(
    client, focal_point_norway, norway_assessment, first_answer
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="", links=[]),
        base_version=0,
        user=focal_point_norway,
    )
    client.force_login(focal_point_norway)

    page = client.get(norway_assessment.get_absolute_url())

    assert [
        (item.report.year, item.progress.answered, item.progress.total)
        for item in page.context["per_report"]
    ] == [
        (2013, 1, 3),
        (2014, 0, 2),
    ]
    assert "25 June 2099, 23:59 UTC" in page.content.decode()


def test_report_page_lists_member_state_recommendations_with_paragraphs(
    client, focal_point_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    page = client.get(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    html = page.content.decode()
    assert "2013-MS-03" in html
    assert "2013-UN-01" not in html
    assert 'Relevant paragraphs: <span dir="ltr">1–5</span>' in html
    assert 'hx-post="' in html


def test_report_page_shows_each_saved_answer_in_labelled_fields(
    client, focal_point_norway, editor_norway, first_answer
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(
            status=AnswerStatus.PARTIALLY_IMPLEMENTED,
            evidence="Early-warning unit set up in 2021.",
            links=["https://example.org/a", "https://example.org/b"],
        ),
        base_version=0,
        user=editor_norway,
    )
    client.force_login(focal_point_norway)
    page = client.get(
        reverse("assessments:report_answers", args=[first_answer.assessment_id, 2013])
    )
    html = page.content.decode()
    prefix = f"id_r{first_answer.pk}"
    assert f'value="partially_implemented" id="{prefix}-status_2" checked>' in html
    assert f'value="implemented" id="{prefix}-status_1">' in html
    assert f'<label class="form-check-label" for="{prefix}-status_2">' in html
    assert f'for="{prefix}-evidence">Evidence</label>' in html
    assert ">Early-warning unit set up in 2021.</textarea>" in html
    assert ">https://example.org/a\nhttps://example.org/b</textarea>" in html
    assert f'name="r{first_answer.pk}-version" value="1"' in html
    assert html.count("data-autosave-texts") == 1


def test_autosave_saves_one_answer_and_returns_its_new_version(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)

    result = client.post(
        save_url(first_answer),
        answer(first_answer, evidence="Law of 2020.", links="https://example.org/law"),
        headers={"HX-Request": "true"},
    )

    first_answer.refresh_from_db()
    assert result.status_code == 200
    assert (first_answer.status, first_answer.evidence, first_answer.links) == (
        "implemented",
        "Law of 2020.",
        ["https://example.org/law"],
    )
    html = result.content.decode()
    assert "Saved" in html
    assert f'id="id_r{first_answer.pk}-version" hx-swap-oob="true"' in html
    assert 'value="1"' in html


def test_without_javascript_a_plain_post_saves_and_returns_to_the_answer(
    client, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    result = client.post(save_url(first_answer), answer(first_answer, status="not_started"))
    assert result.status_code == 302
    assert result.url.endswith(f"#answer-{first_answer.pk}")
    first_answer.refresh_from_db()
    assert first_answer.status == AnswerStatus.NOT_STARTED


@pytest.fixture
def saved_by_erik(first_answer, editor_norway):
    """Erik saved the first answer after Nora opened it at version 0."""
    return answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="Erik's text.", links=[]),
        base_version=0,
        user=editor_norway,
    )


def test_a_stale_save_is_refused_showing_both_versions_and_keeping_the_typed_text(
    client, focal_point_norway, first_answer, saved_by_erik
):
    client.force_login(focal_point_norway)

    result = client.post(
        save_url(first_answer),
        answer(first_answer, evidence="Nora's text.", version=0),
        headers={"HX-Request": "true"},
    )

    html = result.content.decode()
    assert "Erik&#x27;s text." in html
    assert "Nora&#x27;s text." in html
    assert "Your text has not been saved" in html
    # The status beside the button agrees with the alert: nothing of hers was saved.
    state = html.split(f'id="save-state-{first_answer.pk}"')[1].split("</span>\n</span>")[0]
    assert "Not saved" in state
    assert "Saved" not in state.replace("Not saved", "")
    assert result["HX-Retarget"] == f"#answer-{first_answer.pk}"
    first_answer.refresh_from_db()
    assert first_answer.evidence == "Erik's text."


def test_a_stale_plain_post_answers_409_with_both_versions(
    client, focal_point_norway, first_answer, saved_by_erik
):
    client.force_login(focal_point_norway)
    result = client.post(save_url(first_answer), answer(first_answer, evidence="Mine.", version=0))
    assert result.status_code == 409
    assert "Erik&#x27;s text." in result.content.decode()
    assert "Mine." in result.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "done"}, "Select a valid choice"),
        ({"evidence": "x" * 10_001}, "at most 10000 characters"),
        ({"links": "javascript:alert(1)"}, "is not a web address"),
        ({"links": "ftp://example.org/file"}, "is not a web address"),
        ({"links": "\n".join(f"https://e.org/{i}" for i in range(11))}, "at most 10 links"),
        ({"version": "abc"}, "Enter a whole number"),
        ({"version": "-1"}, "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(
    client, focal_point_norway, first_answer, fields, message
):
    client.force_login(focal_point_norway)

    htmx = client.post(
        save_url(first_answer), answer(first_answer, **fields), headers={"HX-Request": "true"}
    )
    plain = client.post(save_url(first_answer), answer(first_answer, **fields))

    assert message in htmx.content.decode()
    assert "Not saved" in htmx.content.decode()
    assert plain.status_code == 400
    assert message in plain.content.decode()
    first_answer.refresh_from_db()
    assert (first_answer.status, first_answer.version) == ("", 0)
    assert not first_answer.changes.exists()


def test_history_shows_who_changed_what(client, focal_point_norway, first_answer):
    client.force_login(focal_point_norway)
    client.post(save_url(first_answer), answer(first_answer, evidence="First."))
    first_answer.refresh_from_db()
    client.post(save_url(first_answer), answer(first_answer, evidence="Second."))

    page = client.get(
        reverse("assessments:answer_history", args=[first_answer.assessment_id, first_answer.pk])
    )

    html = page.content.decode()
    assert html.count("Answer edited") == 2
    assert "First." in html and "Second." in html
    assert "nora" in html


def test_evidence_is_escaped_everywhere(client, focal_point_norway, first_answer):
    client.force_login(focal_point_norway)
    script = "<script>alert('x')</script>"
    client.post(save_url(first_answer), answer(first_answer, evidence=script))
    for url in (
        reverse("assessments:report_answers", args=[first_answer.assessment_id, 2013]),
        reverse("assessments:answer_history", args=[first_answer.assessment_id, first_answer.pk]),
    ):
        html = client.get(url).content.decode()
        assert script not in html
        assert "&lt;script&gt;" in html


def test_only_the_focal_point_submits_after_confirming(
    client, focal_point_norway, editor_norway, norway_assessment
):
    url = reverse("assessments:assessment_submit", args=[norway_assessment.pk])
    client.force_login(editor_norway)
    assert "Only your delegation" in client.get(url).content.decode()
    client.post(url, {"confirm": "on"})
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.DRAFT

    client.force_login(focal_point_norway)
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert "Tick the box" in unconfirmed.content.decode()

    client.post(url, {"confirm": "on"})
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.SUBMITTED
    assert norway_assessment.submissions.count() == 1


def test_review_page_lists_unanswered_and_answers_without_evidence(
    client, focal_point_norway, norway_assessment, first_answer
):
    client.force_login(focal_point_norway)
    client.post(save_url(first_answer), answer(first_answer))
    page = client.get(reverse("assessments:assessment_submit", args=[norway_assessment.pk]))
    assert [r.recommendation.code for r in page.context["without_evidence"]] == ["2013-MS-01"]
    assert len(page.context["unanswered"]) == 4


def test_a_double_submit_creates_one_submission_and_says_so(
    client, focal_point_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    url = reverse("assessments:assessment_submit", args=[norway_assessment.pk])
    client.post(url, {"confirm": "on"})
    second = client.post(url, {"confirm": "on"}, follow=True)
    assert "has been submitted and is read-only" in second.content.decode()
    assert norway_assessment.submissions.count() == 1


def test_a_submitted_assessment_is_read_only_for_the_delegation(
    client, focal_point_norway, norway_assessment, first_answer
):
    client.force_login(focal_point_norway)
    client.post(
        reverse("assessments:assessment_submit", args=[norway_assessment.pk]), {"confirm": "on"}
    )

    page = client.get(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    edit = client.post(save_url(first_answer), answer(first_answer, evidence="Late."))

    assert "hx-post" not in page.content.decode()
    assert "read-only" in page.content.decode()
    assert edit.status_code == 403
    assert "read-only" in edit.content.decode()
    first_answer.refresh_from_db()
    assert first_answer.evidence == ""


def test_an_autosave_refused_because_the_assessment_was_submitted_says_why(
    client, focal_point_norway, editor_norway, norway_assessment, first_answer
):
    """The editor's page was opened before the focal point submitted."""
    from assessments.services.lifecycle import assessment_submit

    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    client.force_login(editor_norway)

    refused = client.post(
        save_url(first_answer),
        answer(first_answer, evidence="Typed before the submit."),
        headers={"HX-Request": "true"},
    )

    assert refused.status_code == 403
    fragment = refused.content.decode()
    assert 'class="text-danger"' in fragment
    assert "Not saved: This assessment has been submitted and is read-only" in fragment
    first_answer.refresh_from_db()
    assert first_answer.evidence == ""


@pytest.mark.parametrize("per_target", [2, 12])
def test_report_page_and_autosave_run_a_constant_number_of_queries(
    client, focal_point_norway, norway_assessment, django_assert_num_queries, per_target
):
    from assessments.services.lifecycle import assessment_sync_answers
    from catalogue.models import Recommendation, Section, recommendation_code

    section = Section.objects.get(report__year=2014, target__code="MS")
    for position in range(3, 3 + per_target):
        Recommendation.objects.create(
            section=section,
            position=position,
            code=recommendation_code(year=2014, target_code="MS", position=position),
            text="More.",
        )
    assessment_sync_answers(assessment=norway_assessment)
    response = norway_assessment.answers.get(recommendation__code="2014-MS-01")
    client.force_login(focal_point_norway)
    url = reverse("assessments:report_answers", args=[norway_assessment.pk, 2014])
    # A session's first request records its start and looks for a two-factor device
    # (accounts.middleware, then at most once a minute); these are the later requests.
    client.get(url)

    # Eight (the report comes with the cycle's others, which the page links to), one for
    # the themes of the page's recommendations, and one for the focal point's second
    # factor (django-otp reads the session's device on every request).
    with django_assert_num_queries(8 + 1 + 1):
        client.get(url)
    # An accepted save: the session, the user with their delegation, the second factor,
    # the answer with its assessment, the lock (which adds the evidence totals), the
    # answer, its history: 7. The test's own transaction adds a savepoint and its release.
    with django_assert_num_queries(7 + 2):
        client.post(
            save_url(response), answer(response, evidence="Yes."), headers={"HX-Request": "true"}
        )


def test_card_urls_made_once_per_page_are_the_answers_own(first_answer):
    card = Card(first_answer, None, urls=card_urls(first_answer.assessment_id))
    args = [first_answer.assessment_id, first_answer.pk]
    assert card.save_url == reverse("assessments:answer_save", args=args)
    assert card.history_url == reverse("assessments:answer_history", args=args)
    assert card.upload_url == reverse("assessments:attachment_upload", args=args)


def test_after_submitting_the_official_pdf_is_the_main_action_with_what_happens_next(
    client, focal_point_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    client.post(
        reverse("assessments:assessment_submit", args=[norway_assessment.pk]), {"confirm": "on"}
    )
    page = client.get(norway_assessment.get_absolute_url()).content.decode()
    assert "The official country report, version 1" in page
    assert "What happens next" in page
    assert "The secretariat reviews the submission." in page
