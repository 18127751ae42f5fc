"""Answering a theme once: unanswered recommendations by default, answered ones only once
confirmed, each an ordinary answer with its history, and all or nothing on a conflict."""

import pytest
from django.urls import reverse

from assessments.models import Answer, AnswerChange, AnswerStatus, AssessmentStatus
from assessments.services import answers as answer_services
from assessments.services.answers import AnswerContent, ThemeConflict, answer_save, theme_answer
from catalogue.models import Recommendation, Theme, ThemeLink

pytestmark = pytest.mark.django_db

THEME_CODES = ["2013-MS-01", "2013-MS-03", "2014-MS-02"]


@pytest.fixture
def theme(catalogue):
    theme = Theme.objects.create(name="National focal points", slug="focal-points", position=1)
    for code in THEME_CODES:
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code=code), reason="Test."
        )
    return theme


def answer_of(assessment, code) -> Answer:
    return assessment.answers.get(recommendation__code=code)


def url(assessment, theme):
    return reverse("assessments:theme_answers", args=[assessment.pk, theme.slug])


def shown_form(client, assessment, theme) -> dict:
    """The hidden fields of the page as the person opened it."""
    form = client.get(url(assessment, theme)).context["form"]
    return {name: form[name].value() for name in ("unanswered", "answered")}


def save(answer, user, **content):
    fields = {"status": AnswerStatus.IMPLEMENTED, "evidence": "", "links": [], **content}
    return answer_save(
        answer=answer, content=AnswerContent(**fields), base_version=answer.version, user=user
    )


def contents(assessment):
    return {
        answer.recommendation.code: (answer.status, answer.evidence)
        for answer in assessment.answers.select_related("recommendation")
    }


def test_a_theme_answer_goes_to_the_unanswered_recommendations_only_by_default(
    client, focal_point_norway, norway_assessment, theme
):
    save(answer_of(norway_assessment, "2013-MS-03"), focal_point_norway, evidence="Our own.")
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)

    response = client.post(
        url(norway_assessment, theme),
        {**seen, "status": "partially_implemented", "evidence": "Focal point named in 2019."},
    )

    assert response.status_code == 302
    assert contents(norway_assessment) == {
        "2013-MS-01": ("partially_implemented", "Focal point named in 2019."),
        "2013-MS-02": ("", ""),
        "2013-MS-03": ("implemented", "Our own."),
        "2014-MS-01": ("", ""),
        "2014-MS-02": ("partially_implemented", "Focal point named in 2019."),
    }


def test_an_answer_whose_only_evidence_is_a_file_is_replaced_only_once_confirmed(
    client, focal_point_norway, norway_assessment, theme
):
    from tests.assessments.test_attachments import PDF, upload

    client.force_login(focal_point_norway)
    upload(client, answer_of(norway_assessment, "2013-MS-03"), "decree.pdf", PDF)
    seen = shown_form(client, norway_assessment, theme)

    client.post(url(norway_assessment, theme), {**seen, "status": "implemented"})

    assert contents(norway_assessment)["2013-MS-03"] == ("", "")
    assert contents(norway_assessment)["2013-MS-01"] == ("implemented", "")


def test_each_answer_given_by_a_theme_has_its_own_history_naming_the_theme(
    client, focal_point_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)
    client.post(url(norway_assessment, theme), {**seen, "status": "implemented"})

    for code in THEME_CODES:
        answer = answer_of(norway_assessment, code)
        [change] = answer.changes.all()
        assert (change.kind, change.note, change.changed_by) == (
            AnswerChange.Kind.THEME,
            "National focal points",
            focal_point_norway,
        )
        assert change.after["status"] == "implemented"
        assert answer.version == 1  # an ordinary answer, edited on its own from here
    history = client.get(
        reverse(
            "assessments:answer_history",
            args=[norway_assessment.pk, answer_of(norway_assessment, "2013-MS-01").pk],
        )
    )
    assert "Copied from a theme" in history.content.decode()


def test_replacing_answers_already_given_needs_the_confirmation_that_names_them(
    client, focal_point_norway, norway_assessment, theme
):
    save(answer_of(norway_assessment, "2013-MS-03"), focal_point_norway, evidence="Our own.")
    client.force_login(focal_point_norway)
    page = client.get(url(norway_assessment, theme)).content.decode()
    assert "Also replace the answer already given to 1 recommendation:" in page
    assert '"recommendation-code">2013-MS-03</span></label>' in page
    seen = shown_form(client, norway_assessment, theme)

    client.post(
        url(norway_assessment, theme),
        {**seen, "status": "not_started", "evidence": "Planned.", "overwrite": "on"},
    )

    assert {code: contents(norway_assessment)[code] for code in THEME_CODES} == dict.fromkeys(
        THEME_CODES, ("not_started", "Planned.")
    )


def test_a_theme_whose_answers_are_all_given_asks_for_the_confirmation_and_changes_nothing(
    client, focal_point_norway, norway_assessment, theme
):
    for code in THEME_CODES:
        save(answer_of(norway_assessment, code), focal_point_norway)
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)

    response = client.post(url(norway_assessment, theme), {**seen, "status": "not_started"})

    assert response.status_code == 400
    assert "tick the box to replace those answers" in response.content.decode()
    assert {contents(norway_assessment)[code][0] for code in THEME_CODES} == {"implemented"}


def test_the_form_of_a_theme_whose_answers_are_all_given_counts_no_zero(
    client, focal_point_norway, norway_assessment, theme
):
    for code in THEME_CODES:
        save(answer_of(norway_assessment, code), focal_point_norway)
    client.force_login(focal_point_norway)

    html = client.get(url(norway_assessment, theme)).content.decode()

    assert "Every recommendation of this theme has an answer already" in html
    assert "given to the 0" not in html
    assert "Also replace the answers already given to 3 recommendations" in " ".join(html.split())


def test_a_colleagues_save_since_the_page_was_opened_refuses_the_whole_theme(
    client, focal_point_norway, editor_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)
    # The colleague answers one of the theme's recommendations meanwhile.
    save(answer_of(norway_assessment, "2014-MS-02"), editor_norway, evidence="Erik's answer.")
    before = contents(norway_assessment)

    response = client.post(
        url(norway_assessment, theme), {**seen, "status": "not_started", "evidence": "Mine."}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was applied" in page and "2014-MS-02" in page
    assert contents(norway_assessment) == before  # nothing applied, nothing overwritten
    assert not AnswerChange.objects.filter(kind=AnswerChange.Kind.THEME).exists()
    # What was typed stays, and the page now carries the versions as they are.
    form = response.context["form"]
    assert form["evidence"].value() == "Mine."
    erik = answer_of(norway_assessment, "2014-MS-02")
    assert f"{erik.pk}:{erik.version}" in form["answered"].value()
    assert not form["overwrite"].value()


def test_a_save_between_the_check_and_the_writes_rolls_back_every_answer(
    focal_point_norway, editor_norway, norway_assessment, theme, monkeypatch
):
    answers = [answer_of(norway_assessment, code) for code in THEME_CODES]
    real_save = answer_services.answer_save
    calls = []

    def colleague_saves_the_last_one_first(**kwargs):
        if not calls:
            Answer.objects.filter(pk=answers[-1].pk).update(version=7, evidence="Erik's.")
        calls.append(kwargs["answer"].pk)
        return real_save(**kwargs)

    monkeypatch.setattr(answer_services, "answer_save", colleague_saves_the_last_one_first)

    with pytest.raises(ThemeConflict) as refused:
        theme_answer(
            assessment=norway_assessment,
            theme=theme,
            content=AnswerContent(status="implemented", evidence="", links=[]),
            versions={answer.pk: answer.version for answer in answers},
            user=focal_point_norway,
        )

    assert [answer.pk for answer in refused.value.answers] == [answers[-1].pk]
    assert len(calls) == 3
    assert not AnswerChange.objects.exists()
    assert set(norway_assessment.answers.values_list("status", flat=True)) == {""}


def test_answers_outside_the_theme_are_refused_and_nothing_is_applied(
    client, focal_point_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    outside = answer_of(norway_assessment, "2013-MS-02")
    seen = shown_form(client, norway_assessment, theme)

    response = client.post(
        url(norway_assessment, theme),
        {**seen, "unanswered": f"{seen['unanswered']},{outside.pk}:0", "status": "implemented"},
    )

    assert response.status_code == 400
    assert set(norway_assessment.answers.values_list("status", flat=True)) == {""}


def test_a_theme_answer_is_checked_like_an_answer(
    client, focal_point_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)

    response = client.post(
        url(norway_assessment, theme),
        {**seen, "status": "implemented", "links": "javascript:alert(1)"},
    )

    assert response.status_code == 400
    assert "is not a web address" in response.content.decode()
    assert set(norway_assessment.answers.values_list("status", flat=True)) == {""}


def test_the_versions_a_page_carries_must_be_well_formed(
    client, focal_point_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    response = client.post(
        url(norway_assessment, theme), {"unanswered": "1:x", "status": "implemented"}
    )
    assert response.status_code == 400
    assert "Reload the page" in response.content.decode()


def test_another_states_delegate_finds_no_theme_page_of_norway(
    client, focal_point_kenya, norway_assessment, theme
):
    client.force_login(focal_point_kenya)
    assert client.get(url(norway_assessment, theme)).status_code == 404
    response = client.post(url(norway_assessment, theme), {"status": "implemented"})
    assert response.status_code == 404
    assert set(norway_assessment.answers.values_list("status", flat=True)) == {""}


def test_the_secretariat_reads_a_theme_page_but_never_answers_it(
    client, secretariat, focal_point_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)
    client.force_login(secretariat)

    page = client.get(url(norway_assessment, theme))
    response = client.post(url(norway_assessment, theme), {**seen, "status": "implemented"})

    assert page.status_code == 200 and page.context["form"] is None
    assert response.status_code == 403
    assert set(norway_assessment.answers.values_list("status", flat=True)) == {""}


def test_a_submitted_assessment_cannot_be_answered_by_theme(
    client, focal_point_norway, norway_assessment, theme
):
    client.force_login(focal_point_norway)
    seen = shown_form(client, norway_assessment, theme)
    norway_assessment.status = AssessmentStatus.SUBMITTED
    norway_assessment.save(update_fields=["status"])

    response = client.post(url(norway_assessment, theme), {**seen, "status": "implemented"})

    assert response.status_code == 403
    assert set(norway_assessment.answers.values_list("status", flat=True)) == {""}


def test_anonymous_visitors_are_sent_to_sign_in(client, norway_assessment, theme):
    response = client.get(url(norway_assessment, theme))
    assert response.status_code == 302 and "login" in response.url


def test_the_overview_reads_by_theme_with_the_others_apart(
    client, focal_point_norway, norway_assessment, theme
):
    other = Theme.objects.create(name="Early warning", slug="early-warning", position=2)
    ThemeLink.objects.create(
        theme=other, recommendation=Recommendation.objects.get(code="2013-MS-01"), reason="Test."
    )
    save(answer_of(norway_assessment, "2013-MS-01"), focal_point_norway)
    client.force_login(focal_point_norway)

    response = client.get(norway_assessment.get_absolute_url(), {"by": "theme"})

    rows = {
        (item.theme.slug if item.theme else None): (item.progress.answered, item.progress.total)
        for item in response.context["per_theme"]
    }
    # 2013-MS-01 is in both themes and counts in each; 2013-MS-02 and 2014-MS-01 in none.
    assert rows == {"focal-points": (1, 3), "early-warning": (1, 1), None: (0, 2)}
    page = response.content.decode()
    assert url(norway_assessment, theme) in page
    assert "Other (in no theme)" in page


def test_each_answer_card_leads_to_the_themes_of_its_recommendation(
    client, norway_assessment, focal_point_norway, theme, django_assert_num_queries
):
    other = Theme.objects.create(name="Early warning", slug="early-warning", position=2)
    ThemeLink.objects.create(
        theme=other, recommendation=Recommendation.objects.get(code="2013-MS-01"), reason="Test."
    )
    client.force_login(focal_point_norway)
    report = reverse("assessments:report_answers", args=[norway_assessment.pk, 2013])
    client.get(report)

    with django_assert_num_queries(10):  # as many with themes as without (test_views)
        page = client.get(report).content.decode()

    card = page.split(f'id="answer-{answer_of(norway_assessment, "2013-MS-01").pk}"')[1]
    card = card.split("</article>")[0]
    assert f'<a href="{url(norway_assessment, theme)}">National focal points</a>' in card
    assert f'<a href="{url(norway_assessment, other)}">Early warning</a>' in card
    unthemed = page.split(f'id="answer-{answer_of(norway_assessment, "2013-MS-02").pk}"')[1]
    assert "Themes:" not in unthemed.split("</article>")[0]
