"""With the official translations loaded, a page in another language holds no English:
the delegation's assessment, the catalogue, the review desk and the country report show
the State, the cycle, the reports and the recommendations in the reader's language, and
only the evidence the delegation wrote in English stays English.

What counts as English: in Arabic, Chinese and Russian, any word in Latin letters; in
French and Spanish, a word of the English texts (the interface's msgids and the catalogue's
English) that the language's own texts (its catalogue and the translations) never use.
Codes, addresses, document symbols, fingerprints and the names of people are not words
of any language and are taken out first."""

import html
import io
import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale
from pypdf import PdfReader

from assessments.documents.pdf import render_country_report
from assessments.models import CycleTranslation
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit
from catalogue.bidi import without_controls
from catalogue.models import Recommendation, RecommendationTranslation, Report, ReportTranslation
from devtools.translation_check import source_messages

pytestmark = pytest.mark.django_db

EVIDENCE = "Our national action plan was adopted in 2021."

# Per language: the State's name, the cycle's, and a word for the test translations.
LOCAL = {
    "fr": ("Norvège", "Débat de 2025", "Recommandation", "Rapport"),
    "es": ("Noruega", "Debate de 2025", "Recomendación", "Informe"),
    "ru": ("Норвегия", "Прения 2025 года", "Рекомендация", "Доклад"),
    "ar": ("النرويج", "مناقشة عام 2025", "توصية", "تقرير"),
    "zh-hans": ("挪威", "2025年辩论", "建议", "报告"),
}

SCRIPT = re.compile(r"<(script|style|svg)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
# Not words of any language: recommendation codes, addresses, document symbols,
# fingerprints, e-mail addresses, and the abbreviations every language keeps.
NOT_WORDS = re.compile(
    r"\d{4}-[A-Z]{2,3}-\d{2}"
    r"|https?://\S+|/[\w./?=&-]+"
    r"|\b[A-Z]/\d+/\d+(?:-S/\d+/\d+)?"
    r"|\b[0-9a-f]{64}\b"
    r"|\S+@\S+"
    r"|(?<![A-Za-z])(?:PDF|SHA-256|SHA|UTC|R2P|EN|XLSX|CSV|JSON|API|ZIP|ISO|CLDR|HTTPS|NOR)(?![A-Za-z])"
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def visible_text(page: str, *, inside: str) -> str:
    match = re.search(inside, page, re.DOTALL)
    assert match, inside
    text = TAG.sub(" ", SCRIPT.sub(" ", match.group(1)))
    return html.unescape(text)


def english_words(text: str, language: str, people: set[str]) -> list[str]:
    text = NOT_WORDS.sub(" ", without_controls(text).replace(EVIDENCE, " "))
    words = [w for w in LATIN_WORD.findall(text) if w.lower() not in people]
    if language in ("ar", "zh-hans", "ru"):
        return words
    own = own_vocabulary(language)
    english = english_vocabulary()
    return [w for w in words if w.lower() in english and w.lower() not in own]


def _vocabulary(texts) -> set[str]:
    return {w.lower() for text in texts for w in LATIN_WORD.findall(text)}


def english_vocabulary() -> set[str]:
    msgids = [entry.msgid for entry in source_messages()] + [
        entry.msgid_plural for entry in source_messages() if entry.msgid_plural
    ]
    catalogue = [r.title for r in Report.objects.all()] + [
        r.text for r in Recommendation.objects.all()
    ]
    return _vocabulary(msgids + catalogue)


def own_vocabulary(language: str) -> set[str]:
    path = settings.LOCALE_PATHS[0] / to_locale(language) / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    texts = [e.msgstr for e in catalogue] + [
        form for e in catalogue for form in e.msgstr_plural.values()
    ]
    return _vocabulary(texts + list(LOCAL[language]))


@pytest.fixture(params=list(LOCAL))
def language(request):
    return request.param


@pytest.fixture
def translated(language, catalogue, cycle, norway):
    state, cycle_name, word, report_word = LOCAL[language]
    code = language.split("-")[0]
    setattr(norway, f"name_{code}", state)
    norway.save()
    CycleTranslation.objects.create(cycle=cycle, language=language, name=cycle_name)
    for report in Report.objects.all():
        ReportTranslation.objects.create(
            report=report, language=language, title=f"{report_word} {report.year}"
        )
    for number, recommendation in enumerate(Recommendation.objects.all(), start=1):
        RecommendationTranslation.objects.create(
            recommendation=recommendation, language=language, text=f"{word} {number}"
        )
    return language


@pytest.fixture
def submitted(translated, norway_assessment, focal_point_norway):
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    answer_save(
        answer=answer,
        content=AnswerContent(status="implemented", evidence=EVIDENCE, links=[]),
        base_version=answer.version,
        user=focal_point_norway,
    )
    with translation.override(translated):
        return assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)


def people(*users) -> set[str]:
    return {part.lower() for user in users for part in (user.username, *str(user).split())}


def get(client, user, url, language):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_delegations_pages_hold_no_english(
    client, language, submitted, norway_assessment, focal_point_norway
):
    pages = [
        norway_assessment.get_absolute_url(),
        reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]),
        reverse("assessments:submission_detail", args=[norway_assessment.pk, 1]),
    ]
    for url in pages:
        page = get(client, focal_point_norway, url, language)
        text = visible_text(page, inside=r"<main\b[^>]*>(.*)</main>")
        assert english_words(text, language, people(focal_point_norway)) == [], url


def test_the_catalogue_holds_no_english(client, language, translated, focal_point_norway):
    for url in (
        reverse("catalogue:report_list"),
        reverse("catalogue:report_detail", args=[2013]),
        reverse("catalogue:recommendation_detail", args=["2013-MS-01"]),
    ):
        page = get(client, focal_point_norway, url, language)
        text = visible_text(page, inside=r"<main\b[^>]*>(.*)</main>")
        assert english_words(text, language, set()) == [], url


def test_the_review_desk_holds_no_english(
    client, language, submitted, norway_assessment, secretariat, focal_point_norway
):
    url = reverse("admin:assessments_assessment_change", args=[norway_assessment.pk])
    page = get(client, secretariat, url, language)
    text = visible_text(page, inside=r'<div id="content"[^>]*>(.*)<footer id="footer"')
    assert english_words(text, language, people(secretariat, focal_point_norway)) == []


def test_the_country_report_holds_no_english(language, submitted, focal_point_norway):
    pdf = render_country_report(submitted.snapshot)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert english_words(text, language, people(focal_point_norway)) == []
