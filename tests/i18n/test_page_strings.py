"""Each main page in each translated language shows its own text translated, not only the
shared frame (test_languages.py checks "Skip to main content", which a page whose body is
untranslated would pass).

For every page a string that only that page has (its heading, a caption, a label) is looked
up in the compiled catalogue of the language, must differ from the English msgid, and must
appear in the page's <main> element, which has neither the navigation nor the footer."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from assessments.services.lifecycle import assessment_submit
from catalogue.bidi import without_controls
from catalogue.models import Recommendation, Theme, ThemeLink

# English is the source language; these are the translations in locale/.
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
RIGHT_TO_LEFT = {"ar"}
HTML_TAG = re.compile(r"<html\b[^>]*>")
MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")

THEME_SLUG = "focal-points"
THEME_CODES = ("2013-MS-01", "2014-MS-02")
THEME_REASON = "Both ask for a national focal point."


@dataclass(frozen=True)
class Visit:
    url: str
    user: object = None
    # A password sign-in whose second step (the authenticator code) is still to come.
    password_only: bool = False


@dataclass(frozen=True)
class Case:
    build: Callable  # pytest's `request` -> Visit
    msgid: str
    params: dict = field(default_factory=dict)


# Building the data for a page, from the fixtures of tests/conftest.py and
# tests/assessments/conftest.py (imported by tests/i18n/conftest.py).


def _catalogue(request):
    return request.getfixturevalue("catalogue")


def _theme(request):
    _catalogue(request)
    theme = Theme.objects.create(name="National focal points", slug=THEME_SLUG, position=1)
    for code in THEME_CODES:
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code=code), reason=THEME_REASON
        )
    return theme


def _draft(request):
    """Norway's assessment, a draft its focal point may edit."""
    return request.getfixturevalue("norway_assessment")


def _submitted(request):
    """Norway's assessment submitted, its PDF queued and not rendered."""
    request.getfixturevalue("task_queue")
    assessment = _draft(request)
    assessment_submit(
        assessment=assessment, submitted_by=request.getfixturevalue("focal_point_norway")
    )
    return assessment


def anonymous(name, *args, query=""):
    def build(request):
        _catalogue(request)
        return Visit(reverse(name, args=args) + query)

    return build


def themed(build):
    def with_theme(request):
        _theme(request)
        return build(request)

    return with_theme


def delegate(url, assessment=_draft):
    """`url(assessment)` seen by Norway's focal point."""

    def build(request):
        return Visit(url(assessment(request)), request.getfixturevalue("focal_point_norway"))

    return build


def secretariat(url, assessment=_submitted):
    """`url(assessment)` seen by the secretariat, signed in with its authenticator code."""

    def build(request):
        return Visit(url(assessment(request)), request.getfixturevalue("secretariat"))

    return build


def _code_step(request):
    """The second sign-in step of a secretariat member who has given the password only."""
    _catalogue(request)
    return Visit(
        reverse("accounts:two_factor_verify"),
        request.getfixturevalue("secretariat"),
        password_only=True,
    )


def _history(assessment):
    answer = assessment.answers.get(recommendation__code="2013-MS-01")
    return reverse("assessments:answer_history", args=[assessment.pk, answer.pk])


# (page, how to reach it, a msgid that only that page shows, its placeholders)
CASES = {
    # Public pages.
    "home": Case(anonymous("home"), "Implementing the responsibility to protect"),
    "sign-in": Case(anonymous("accounts:login"), "Forgot your password?"),
    "report-list": Case(
        anonymous("catalogue:report_list"),
        "Reports of the Secretary-General on the responsibility to protect",
    ),
    "report": Case(
        anonymous("catalogue:report_detail", 2013),
        "Report %(number)s · %(year)s",
        {"number": 5, "year": 2013},
    ),
    # The caption of the results table, shown only when something is found.
    "recommendation-search": Case(
        anonymous("catalogue:recommendation_list", query="?q=2013-MS-01"),
        "Recommendations matching the filters",
    ),
    "recommendation-search-no-match": Case(
        anonymous("catalogue:recommendation_list", query="?q=zzyzx"),
        "Nothing matches your search",
    ),
    "recommendation": Case(
        themed(anonymous("catalogue:recommendation_detail", "2013-MS-01")),
        "The same action in other reports:",
    ),
    "theme-list": Case(
        themed(anonymous("catalogue:theme_list")),
        "Many recommendations to Member States recur across the reports. A theme groups "
        "those that ask for the same action, in order across the years.",
    ),
    "theme": Case(
        themed(anonymous("catalogue:theme_detail", THEME_SLUG)),
        "%(year)s report. Why here: %(reason)s",
        {"year": 2013, "reason": THEME_REASON},
    ),
    "verify": Case(
        anonymous("assessments:verify"),
        "Every submitted country report is kept with its SHA-256 fingerprint. Choose the PDF "
        "you received, or paste its fingerprint, to learn whether it is an authentic "
        "submission and which one. The file is only fingerprinted here, never stored.",
    ),
    # A delegation's pages.
    "assessments-home": Case(
        delegate(lambda a: reverse("assessments:home")),
        "Assessments of %(state)s",
        {"state": "Norway"},
    ),
    "assessment-overview": Case(
        delegate(lambda a: a.get_absolute_url()),
        "Self-assessment of %(state)s",
        {"state": "Norway"},
    ),
    "report-answers": Case(
        delegate(lambda a: reverse("assessments:report_answers", args=[a.pk, 2013])),
        "Each answer is saved on its own as you type. Without JavaScript, use the Save "
        "button under each answer.",
    ),
    "theme-answers": Case(
        themed(delegate(lambda a: reverse("assessments:theme_answers", args=[a.pk, THEME_SLUG]))),
        "Answer the whole theme",
    ),
    "answer-history": Case(delegate(_history), "History of %(code)s", {"code": "2013-MS-01"}),
    "submission": Case(
        delegate(lambda a: reverse("assessments:submission_detail", args=[a.pk, 1]), _submitted),
        "%(state)s: submission version %(number)s",
        {"state": "Norway", "number": 1},
    ),
    "submit": Case(
        delegate(lambda a: reverse("assessments:assessment_submit", args=[a.pk])),
        "Submit the assessment",
    ),
    "workbook-upload": Case(
        delegate(lambda a: reverse("assessments:workbook_upload", args=[a.pk])),
        "Upload a workbook",
    ),
    "delegation": Case(
        delegate(lambda a: reverse("delegations:delegation")), "Members of the delegation"
    ),
    "two-factor-settings": Case(
        delegate(lambda a: reverse("accounts:two_factor")),
        "Two-factor sign-in is on: each sign-in asks for your password and a code from your "
        "authenticator app.",
    ),
    "two-factor-code": Case(
        _code_step,
        "Your password is correct. To finish signing in, enter the six-digit code your "
        "authenticator app shows now, or one of your recovery codes.",
    ),
    # The secretariat's desk.
    "admin-assessment-list": Case(
        secretariat(lambda a: reverse("admin:assessments_assessment_changelist")),
        "Download the submitted PDFs as one ZIP",
    ),
    "admin-review": Case(
        secretariat(lambda a: reverse("admin:assessments_assessment_change", args=[a.pk])),
        "Submitted country reports",
    ),
    "admin-overview": Case(
        secretariat(lambda a: reverse("admin:assessments_overview")),
        "Implementation by regional group",
    ),
    "admin-chasing": Case(
        secretariat(lambda a: reverse("admin:assessments_chasing")), "Focal point on record"
    ),
    "admin-cross-state": Case(
        secretariat(
            lambda a: reverse("admin:assessments_cross_state_recommendation", args=["2013-MS-01"])
        ),
        "Across States: %(subject)s",
        {"subject": "2013-MS-01"},
    ),
}

# (page, language) whose string is not translated: real gaps, left for the translators.
# strict: once translated, the test fails until the entry is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def cases():
    for page in CASES:
        for language in LANGUAGES:
            reason = KNOWN_GAPS.get((page, language))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(page, language, id=f"{page}-{language}", marks=marks)


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment as read: tags dropped, entities decoded, isolation
    marks dropped, spaces joined."""
    return SPACE.sub(" ", without_controls(html.unescape(TAG.sub(" ", fragment)))).strip()


def expected_text(msgid: str, params: dict, language: str) -> str:
    with translation.override(language):
        translated = gettext(msgid)
    assert translated != msgid, f"{msgid!r} is not translated into {language}"
    return SPACE.sub(" ", translated % params if params else translated).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "language"), list(cases()))
def test_the_pages_own_text_is_translated(request, page, language):
    case = CASES[page]
    visit = case.build(request)
    client = request.getfixturevalue("client")
    if visit.password_only:
        Client.force_login(client, visit.user)  # without the SignedInClient's second step
    elif visit.user is not None:
        client.force_login(visit.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(visit.url)

    assert response.status_code == 200, f"{visit.url} answered {response.status_code}"
    page_html = response.content.decode()
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    assert HTML_TAG.search(page_html).group() == f'<html lang="{language}" dir="{direction}">'
    expected = expected_text(case.msgid, case.params, language)
    main = MAIN.search(page_html)
    assert main is not None, f"{visit.url} has no <main> element"
    assert expected in visible_text(main.group(1)), (
        f"{page}: {expected!r} ({case.msgid!r} in {language}) is not in the page's main content"
    )
