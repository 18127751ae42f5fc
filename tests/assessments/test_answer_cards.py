"""Answer cards are rendered once and shown again while nothing they show changes: the
next page load shows every change, and each page's forms carry that session's own CSRF
token."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models import AssessmentStatus
from assessments.services.answers import AnswerContent, answer_save, attachment_remove
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import (
    assessment_return,
    comment_mark_addressed,
    review_comment_add,
)
from assessments.views.cards import CARD_TEMPLATE, Card, card_urls
from catalogue.models import RecommendationTranslation, Report, Theme, ThemeLink
from tests.clients import SignedInClient

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def report_page(client, assessment, **headers):
    return client.get(
        reverse("assessments:report_answers", args=[assessment.pk, 2013]), headers=headers
    )


def card_of(response, answer) -> str:
    html = response.content.decode()
    start = html.index(f'<article class="card mb-3 answer-card" id="answer-{answer.pk}"')
    return html[start : html.index("</article>", start)]


def cards_rendered(response) -> int:
    return sum(template.name == CARD_TEMPLATE for template in response.templates)


def save_url(answer):
    return reverse("assessments:answer_save", args=[answer.assessment_id, answer.pk])


def upload_url(answer):
    return reverse("assessments:attachment_upload", args=[answer.assessment_id, answer.pk])


def fields(answer, **values):
    data = {"status": "implemented", "evidence": "", "links": "", "version": answer.version}
    data.update(values)
    return {f"r{answer.pk}-{name}": value for name, value in data.items()}


@pytest.fixture
def nora(client, focal_point_norway, norway_assessment):
    """Nora has the report page open: every card of it has been rendered once."""
    client.force_login(focal_point_norway)
    assert cards_rendered(report_page(client, norway_assessment)) == 3
    return client


def test_a_page_shown_again_renders_no_card_and_shows_the_same_cards(nora, norway_assessment):
    first, again = report_page(nora, norway_assessment), report_page(nora, norway_assessment)

    assert cards_rendered(again) == 0
    answers = list(norway_assessment.answers.filter(recommendation__section__report__year=2013))
    shown = [
        [TOKEN.sub("", card_of(page, answer)) for answer in answers] for page in (first, again)
    ]
    assert shown[0] == shown[1]


def test_a_page_of_kept_cards_runs_the_queries_of_one_rendered_afresh(
    client, focal_point_norway, editor_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    report_page(client, norway_assessment)  # the session's first request reads more
    answer_save(
        answer=norway_assessment.answers.get(recommendation__code="2013-MS-02"),
        content=AnswerContent(status="implemented", evidence="New.", links=[]),
        base_version=0,
        user=editor_norway,
    )

    with CaptureQueriesContext(connection) as afresh:
        rendered = report_page(client, norway_assessment)
    with CaptureQueriesContext(connection) as kept:
        shown_again = report_page(client, norway_assessment)

    assert (cards_rendered(rendered), cards_rendered(shown_again)) == (1, 0)
    assert len(kept) == len(afresh)


def test_each_save_of_a_colleague_shows_on_the_next_page_load(
    nora, norway_assessment, first_answer, editor_norway
):
    saved = answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="Erik's law.", links=[]),
        base_version=0,
        user=editor_norway,
    )
    assert ">Erik&#x27;s law.</textarea>" in card_of(
        report_page(nora, norway_assessment), first_answer
    )
    answer_save(
        answer=saved,
        content=AnswerContent(status="implemented", evidence="Erik's decree.", links=[]),
        base_version=1,
        user=editor_norway,
    )

    page = report_page(nora, norway_assessment)

    card = card_of(page, first_answer)
    assert ">Erik&#x27;s decree.</textarea>" in card
    assert f'value="implemented" id="id_r{first_answer.pk}-status_1" checked>' in card
    assert f'name="r{first_answer.pk}-version" value="2"' in card
    assert "by erik" in card
    assert cards_rendered(page) == 1  # the other two are shown as they were


def test_the_name_of_whoever_saved_shows_as_it_is_now(
    nora, norway_assessment, first_answer, editor_norway
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="", links=[]),
        base_version=0,
        user=editor_norway,
    )
    assert "by erik" in card_of(report_page(nora, norway_assessment), first_answer)

    editor_norway.first_name, editor_norway.last_name = "Erik", "Berg"
    editor_norway.save()

    assert "by Erik Berg" in card_of(report_page(nora, norway_assessment), first_answer)


def test_a_file_added_or_removed_shows_on_the_next_page_load(
    nora, norway_assessment, first_answer, focal_point_norway
):
    nora.post(
        upload_url(first_answer), {f"a{first_answer.pk}-file": SimpleUploadedFile("law.pdf", PDF)}
    )

    card = card_of(report_page(nora, norway_assessment), first_answer)
    assert "><bdi>law.pdf</bdi></a>" in card
    assert "No files attached." not in card

    attachment_remove(attachment=first_answer.attachments.get(), user=focal_point_norway)

    card = card_of(report_page(nora, norway_assessment), first_answer)
    assert "law.pdf" not in card
    assert "No files attached." in card


def test_a_secretariat_comment_and_its_addressed_state_show_on_the_next_page_load(
    nora, norway_assessment, first_answer, secretariat, focal_point_norway
):
    comment = review_comment_add(
        assessment=norway_assessment, answer=first_answer, text="Cite the law.", user=secretariat
    )

    card = card_of(report_page(nora, norway_assessment), first_answer)
    assert "Cite the law." in card
    assert "Addressed" not in card

    comment_mark_addressed(comment=comment, user=focal_point_norway)

    assert "Addressed</span>" in card_of(report_page(nora, norway_assessment), first_answer)


def test_the_page_in_another_language_shows_every_card_in_it(nora, norway_assessment, first_answer):
    RecommendationTranslation.objects.create(
        recommendation=first_answer.recommendation, language="fr", text="Adopter une stratégie."
    )
    with translation.override("fr"):
        history, save = translation.gettext("History of changes"), translation.gettext("Save")

    french = card_of(
        report_page(nora, norway_assessment, **{"accept-language": "fr"}), first_answer
    )
    english = card_of(report_page(nora, norway_assessment), first_answer)

    assert (history, save) != ("History of changes", "Save")
    assert "Adopter une stratégie." in french
    assert f">{history}</a>" in french and f">{save}</button>" in french
    assert "Adopter une stratégie." not in english
    assert ">History of changes</a>" in english


def test_a_translation_of_the_recommendation_published_later_shows_on_the_next_page_load(
    nora, norway_assessment, first_answer
):
    french = {"accept-language": "fr"}
    assert '<span lang="en" dir="ltr" class="original-en">' in card_of(
        report_page(nora, norway_assessment, **french), first_answer
    )

    RecommendationTranslation.objects.create(
        recommendation=first_answer.recommendation, language="fr", text="Adopter une stratégie."
    )

    card = card_of(report_page(nora, norway_assessment, **french), first_answer)
    assert '<p class="recommendation-text">Adopter une stratégie.</p>' in card


def test_a_theme_given_to_the_recommendation_or_renamed_shows_on_the_next_page_load(
    nora, norway_assessment, first_answer
):
    theme = Theme.objects.create(name="Early warning", slug="early-warning", position=1)
    ThemeLink.objects.create(theme=theme, recommendation=first_answer.recommendation, reason="-")
    url = reverse("assessments:theme_answers", args=[norway_assessment.pk, "early-warning"])

    assert f'<a href="{url}">Early warning</a>' in card_of(
        report_page(nora, norway_assessment), first_answer
    )

    Theme.objects.filter(pk=theme.pk).update(name="Early warning and assessment")

    assert f'<a href="{url}">Early warning and assessment</a>' in card_of(
        report_page(nora, norway_assessment), first_answer
    )


def test_a_submitted_assessment_shows_read_only_cards_on_the_next_page_load(
    nora, norway_assessment, first_answer, focal_point_norway, secretariat
):
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    card = card_of(report_page(nora, norway_assessment), first_answer)
    assert "hx-post" not in card
    assert 'type="file"' not in card
    assert "csrfmiddlewaretoken" not in card
    assert '<dt class="col-sm-3">Status</dt>' in card

    norway_assessment.refresh_from_db()
    assessment_return(
        assessment=norway_assessment, user=secretariat, text="Add the laws.", seen_submission=1
    )
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.RETURNED

    assert "hx-post" in card_of(report_page(nora, norway_assessment), first_answer)


def test_the_secretariat_reads_the_cards_the_delegation_edits(
    nora, norway_assessment, first_answer, secretariat
):
    reader = SignedInClient()
    reader.force_login(secretariat)

    read = card_of(report_page(reader, norway_assessment), first_answer)
    edited = card_of(report_page(nora, norway_assessment), first_answer)

    assert "hx-post" not in read and 'type="file"' not in read
    assert "hx-post" in edited and 'type="file"' in edited


def test_a_report_the_cycle_does_not_cover_answers_404(
    client, focal_point_norway, norway_assessment
):
    Report.objects.create(number=7, year=2015, symbol="A/69/981", title="Report 2015")
    client.force_login(focal_point_norway)
    for year in (2015, 2012):
        url = reverse("assessments:report_answers", args=[norway_assessment.pk, year])
        assert client.get(url).status_code == 404


def test_the_card_template_reads_only_the_values_that_make_its_key(first_answer):
    """Anything else it read could change without changing the key, and a card kept from
    an earlier page would show it as it was."""

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"the card template read answer.{name}")

    card = Card(first_answer, None, urls=card_urls(first_answer.assessment_id))
    context = {"card": card, "texts": {}, "csrf_token": "token"}
    template = get_template(CARD_TEMPLATE)
    expected = template.render(context)
    key = card.cache_key("page")
    card.answer = Untouchable()  # what the card shows was read into it already

    assert template.render(context) == expected
    assert card.cache_key("page") == key


# CSRF


@pytest.fixture
def strict_client():
    """A client that, like a browser, must send the CSRF token the page gave it."""
    return SignedInClient(enforce_csrf_checks=True)


def test_card_forms_refuse_a_post_without_the_csrf_token_with_or_without_htmx(
    strict_client, focal_point_norway, norway_assessment, first_answer
):
    strict_client.force_login(focal_point_norway)
    report_page(strict_client, norway_assessment)

    plain = strict_client.post(save_url(first_answer), fields(first_answer, evidence="Law."))
    htmx = strict_client.post(
        save_url(first_answer),
        fields(first_answer, evidence="Law."),
        headers={"HX-Request": "true"},
    )
    upload = strict_client.post(
        upload_url(first_answer),
        {f"a{first_answer.pk}-file": SimpleUploadedFile("law.pdf", PDF)},
    )

    assert (plain.status_code, htmx.status_code, upload.status_code) == (403, 403, 403)
    first_answer.refresh_from_db()
    assert (first_answer.evidence, first_answer.version) == ("", 0)
    assert not first_answer.attachments.exists()


def test_the_token_in_a_card_saves_with_or_without_htmx_and_uploads(
    strict_client, focal_point_norway, norway_assessment, first_answer
):
    strict_client.force_login(focal_point_norway)
    report_page(strict_client, norway_assessment)  # every card rendered and kept
    page = report_page(strict_client, norway_assessment)
    card = card_of(page, first_answer)
    [save_token, upload_token] = TOKEN.findall(card)
    assert cards_rendered(page) == 0

    plain = strict_client.post(
        save_url(first_answer),
        {**fields(first_answer, evidence="Law."), "csrfmiddlewaretoken": save_token},
    )
    first_answer.refresh_from_db()
    htmx = strict_client.post(
        save_url(first_answer),
        {**fields(first_answer, evidence="Law of 2020."), "csrfmiddlewaretoken": save_token},
        headers={"HX-Request": "true"},
    )
    upload = strict_client.post(
        upload_url(first_answer),
        {
            f"a{first_answer.pk}-file": SimpleUploadedFile("law.pdf", PDF),
            "csrfmiddlewaretoken": upload_token,
        },
    )

    assert plain.status_code == 302
    assert htmx.status_code == 200 and "Saved" in htmx.content.decode()
    assert upload.status_code == 302
    first_answer.refresh_from_db()
    assert (first_answer.evidence, first_answer.version) == ("Law of 2020.", 2)
    assert first_answer.attachments.get().original_name == "law.pdf"


def test_cards_kept_from_a_colleagues_page_carry_this_sessions_token(
    strict_client, focal_point_norway, editor_norway, norway_assessment, first_answer
):
    strict_client.force_login(focal_point_norway)
    noras_token = TOKEN.findall(
        card_of(report_page(strict_client, norway_assessment), first_answer)
    )[0]
    erik = SignedInClient(enforce_csrf_checks=True)
    erik.force_login(editor_norway)

    page = report_page(erik, norway_assessment)

    assert cards_rendered(page) == 0  # the cards Nora's page rendered
    html = page.content.decode()
    assert "csrf-token-of-the-request" not in html
    assert len(set(TOKEN.findall(html))) == 1  # one token for every form of the page
    eriks_token = TOKEN.findall(card_of(page, first_answer))[0]
    refused = erik.post(
        save_url(first_answer),
        {**fields(first_answer, evidence="Erik's."), "csrfmiddlewaretoken": noras_token},
    )
    accepted = erik.post(
        save_url(first_answer),
        {**fields(first_answer, evidence="Erik's."), "csrfmiddlewaretoken": eriks_token},
    )
    assert (refused.status_code, accepted.status_code) == (403, 302)
