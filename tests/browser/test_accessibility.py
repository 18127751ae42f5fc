"""axe-core finds no WCAG 2 A or AA violation on the site's pages."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import AnswerStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit
from assessments.services.review import (
    assessment_return,
    comment_mark_addressed,
    comment_reply_add,
    review_comment_add,
)
from catalogue.models import Recommendation, Theme, ThemeLink
from delegations.services import invitation_create
from tests.browser.support import assert_accessible, expect

pytestmark = pytest.mark.browser


def _answer_some(assessment, user):
    """Answer two recommendations, one with evidence and one without, so pages show both."""
    first, second = assessment.answers.order_by("pk")[:2]
    answer_save(
        answer=first,
        content=AnswerContent(
            status=AnswerStatus.IMPLEMENTED,
            evidence="A national action plan.",
            links=["https://example.org/plan"],
        ),
        base_version=first.version,
        user=user,
    )
    answer_save(
        answer=second,
        content=AnswerContent(status=AnswerStatus.NOT_STARTED, evidence="", links=[]),
        base_version=second.version,
        user=user,
    )
    return first


def _draft(request):
    assessment = request.getfixturevalue("norway_assessment")
    user = request.getfixturevalue("focal_point_norway")
    first = _answer_some(assessment, user)
    return assessment, first, user


def _before_two_factor(request):
    """A focal point at the first sign-in: no authenticator app yet, which the role requires."""
    assessment, first, user = _draft(request)
    TOTPDevice.objects.filter(user=user).delete()
    return assessment, first, user


def _submitted(request):
    assessment, first, user = _draft(request)
    assessment_submit(assessment=assessment, submitted_by=user)
    return assessment, first, user


def _returned(request):
    """Returned by the secretariat with comments on the assessment and on an answer."""
    assessment, first, user = _submitted(request)
    # The services do not check permissions; transactional tests have no Secretariat group.
    reviewer = request.getfixturevalue("django_user_model").objects.create_user("sam")
    review_comment_add(assessment=assessment, text="Cite the law.", user=reviewer, answer=first)
    assessment_return(
        assessment=assessment, user=reviewer, seen_submission=1, text="Please complete 2014."
    )
    return assessment, first, user


def _invitation_link(request):
    """An editor's invitation sent by Norway's focal point, opened without signing in."""
    request.getfixturevalue("catalogue")
    invitation_create(
        email="ola@mfa.no",
        member_state=request.getfixturevalue("norway"),
        role="editor",
        invited_by=request.getfixturevalue("focal_point_norway"),
    )
    token = re.search(r"/accounts/invitation/([\w-]+)/", mail.outbox[-1].body).group(1)
    return reverse("delegations:invitation_accept", args=[token]), None


def _delegation_with_history(request):
    """Norway's delegation page as its focal point sees it: members, an invitation, the log."""
    _invitation_link(request)
    request.getfixturevalue("editor_norway")
    return reverse("delegations:delegation"), request.getfixturevalue("focal_point_norway")


def _theme(codes=("2013-MS-01", "2014-MS-02")) -> Theme:
    theme = Theme.objects.create(
        name="National focal points",
        slug="focal-points",
        description="A focal point for atrocity prevention.",
    )
    for code in codes:
        ThemeLink.objects.create(
            theme=theme, recommendation=Recommendation.objects.get(code=code), reason="Test."
        )
    return theme


def _themed(prepare):
    """A page of `prepare` with a theme linking two recommendations in the catalogue."""

    def with_theme(request):
        request.getfixturevalue("catalogue")
        _theme()
        return prepare(request)

    return with_theme


def _anonymous(url):
    def prepare(request):
        request.getfixturevalue("catalogue")
        return reverse(url[0], args=url[1:]), None

    return prepare


def _signed_in(build, url):
    def prepare(request):
        assessment, first, user = build(request)
        return url(assessment, first), user

    return prepare


PAGES = {
    "login": _anonymous(("accounts:login",)),
    "home": _anonymous(("home",)),
    "home-signed-in": _signed_in(_draft, lambda a, r: reverse("home")),
    "catalogue-report-list": _anonymous(("catalogue:report_list",)),
    "catalogue-report": _anonymous(("catalogue:report_detail", 2013)),
    "recommendation-list": _anonymous(("catalogue:recommendation_list",)),
    "search-without-results": lambda request: (
        _anonymous(("catalogue:recommendation_list",))(request)[0] + "?q=zzyzx",
        None,
    ),
    "recommendation": _themed(_anonymous(("catalogue:recommendation_detail", "2013-MS-01"))),
    "theme-list": _themed(_anonymous(("catalogue:theme_list",))),
    "theme": _themed(_anonymous(("catalogue:theme_detail", "focal-points"))),
    "assessment-by-theme": _themed(
        _signed_in(_draft, lambda a, r: a.get_absolute_url() + "?by=theme")
    ),
    "theme-answers": _themed(
        _signed_in(
            _draft,
            lambda a, r: reverse("assessments:theme_answers", args=[a.pk, "focal-points"]),
        )
    ),
    "assessments-home": _signed_in(_draft, lambda a, r: reverse("assessments:home")),
    "assessment-overview": _signed_in(_draft, lambda a, r: a.get_absolute_url()),
    "assessment-report": _signed_in(
        _draft, lambda a, r: reverse("assessments:report_answers", args=[a.pk, 2013])
    ),
    "answer-history": _signed_in(
        _draft, lambda a, r: reverse("assessments:answer_history", args=[a.pk, r.pk])
    ),
    "review-and-submit": _signed_in(
        _draft, lambda a, r: reverse("assessments:assessment_submit", args=[a.pk])
    ),
    "submitted-overview": _signed_in(_submitted, lambda a, r: a.get_absolute_url()),
    "submitted-report": _signed_in(
        _submitted, lambda a, r: reverse("assessments:report_answers", args=[a.pk, 2013])
    ),
    "submission": _signed_in(
        _submitted, lambda a, r: reverse("assessments:submission_detail", args=[a.pk, 1])
    ),
    "returned-overview": _signed_in(_returned, lambda a, r: a.get_absolute_url()),
    "returned-report": _signed_in(
        _returned, lambda a, r: reverse("assessments:report_answers", args=[a.pk, 2013])
    ),
    "verify": _anonymous(("assessments:verify",)),
    "password-reset": _anonymous(("accounts:password_reset",)),
    "password-reset-sent": _anonymous(("accounts:password_reset_done",)),
    "two-factor": _signed_in(_draft, lambda a, r: reverse("accounts:two_factor")),
    "two-factor-set-up": _signed_in(
        _before_two_factor, lambda a, r: reverse("accounts:two_factor_enrol")
    ),
    "invitation-accept": _invitation_link,
    "delegation": _delegation_with_history,
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(request, browser_session, axe_available, name):
    url, user = PAGES[name](request)
    page = browser_session(user).page
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert_accessible(page)


# The main pages again in a right-to-left language and in one with another script.
MAIN_PAGES = [
    "login",
    "home",
    "home-signed-in",
    "catalogue-report-list",
    "catalogue-report",
    "recommendation-list",
    "assessment-overview",
    "assessment-report",
    "review-and-submit",
    "submission",
    "delegation",
    "theme",
    "theme-answers",
    "search-without-results",
]


def in_language(session, language, base_url):
    """The session asks for `language` as the language switcher would have set it."""
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )
    return session.page


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_page_has_no_accessibility_violations_in_arabic_and_chinese(
    request, browser_session, axe_available, live_server, name, language
):
    url, user = PAGES[name](request)
    page = in_language(browser_session(user), language, live_server.url)
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    direction = "rtl" if language == "ar" else "ltr"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert_accessible(page)


def test_form_errors_are_accessible(
    browser_session, axe_available, norway_assessment, focal_point_norway, editor_norway
):
    """Pages showing errors: a refused sign-in, an unconfirmed submission, a bad link, a
    conflict with a colleague's save."""
    page = browser_session().page
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    assert_accessible(page)

    page = browser_session(focal_point_norway).page
    page.goto(reverse("assessments:assessment_submit", args=[norway_assessment.pk]))
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_text("Tick the box to confirm the submission.")).to_be_visible()
    assert_accessible(page)

    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    links = card.get_by_role("textbox", name="Evidence links", exact=True)
    links.fill("not a web address")
    links.press("Tab")
    expect(card.locator(".save-state")).to_contain_text("Not saved")
    assert_accessible(page)

    # A colleague saves the next answer after the page was loaded.
    other = norway_assessment.answers.get(recommendation__code="2013-MS-02")
    answer_save(
        answer=other,
        content=AnswerContent(status=AnswerStatus.IMPLEMENTED, evidence="Erik's.", links=[]),
        base_version=other.version,
        user=editor_norway,
    )
    card = page.get_by_role("article", name="2013-MS-02", exact=True)
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    evidence.fill("Nora's.")
    evidence.press("Tab")
    expect(card.get_by_role("alert")).to_contain_text("Erik's.")
    assert_accessible(page)


ADMIN_PAGES = {
    "index": lambda a: reverse("admin:index"),
    "assessments": lambda a: reverse("admin:assessments_assessment_changelist"),
    "review": lambda a: reverse("admin:assessments_assessment_change", args=[a.pk]),
    # A submission's page as the secretariat sees it: with the choice of a language.
    "submission": lambda a: reverse("assessments:submission_detail", args=[a.pk, 1]),
    "overview": lambda a: reverse("admin:assessments_overview"),
    "chasing": lambda a: reverse("admin:assessments_chasing"),
    "extension": lambda a: reverse("admin:assessments_extension_add"),
    "submissions": lambda a: reverse("admin:assessments_submission_changelist"),
    "delegation-members": lambda a: reverse("admin:delegations_member_add"),
    "cycle": lambda a: reverse("admin:assessments_cycle_change", args=[a.cycle.pk]),
    "across-states-recommendation": lambda a: reverse(
        "admin:assessments_cross_state_recommendation", args=["2013-MS-01"]
    ),
    "across-states-theme": lambda a: reverse(
        "admin:assessments_cross_state_theme", args=[_theme().slug]
    ),
}


@pytest.mark.parametrize(
    ("name", "language"),
    [(name, "en") for name in ADMIN_PAGES]
    + [(name, language) for name in ("index", "review") for language in ("ar", "zh-hans")],
)
def test_secretariat_desk_page_has_no_accessibility_violations(
    request, browser_session, axe_available, admin_user, live_server, name, language
):
    """The secretariat works in the admin: it is held to the same bar as the site, the
    desk's main pages in Arabic and Chinese too.

    A superuser sees every link of it (live-server tests empty the migrations' groups).
    """
    assessment, _first, _user = _submitted(request)
    url = ADMIN_PAGES[name](assessment)
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    page = in_language(browser_session(admin_user), language, live_server.url)
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert page.url.endswith(url), f"{url} led to {page.url}"
    assert_accessible(page)


def test_the_review_of_a_resubmission_and_its_confirmation_are_accessible(
    request, browser_session, axe_available, admin_user
):
    """What changed, a reply and an addressed comment, a filter, and the confirmation step."""
    assessment, first, user = _returned(request)
    comment = assessment.review_comments.get(answer=first)
    comment_reply_add(comment=comment, user=user, text="Law 12/2021 is cited now.")
    comment_mark_addressed(comment=comment, user=user)
    first.refresh_from_db()
    answer_save(
        answer=first,
        content=AnswerContent(
            status=AnswerStatus.PARTIALLY_IMPLEMENTED, evidence="Law 12/2021.", links=[]
        ),
        base_version=first.version,
        user=user,
    )
    assessment_submit(assessment=assessment, submitted_by=user)
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    page = browser_session(admin_user).page

    page.goto(url)
    expect(page.get_by_role("heading", name="1 answer changed since version 1")).to_be_visible()
    assert_accessible(page)
    page.goto(url + "?show=changed")
    expect(page.get_by_text("Changed (1)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Accept version 2").click()
    expect(page.get_by_text("The assessment becomes final")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm: accept version 2").click()
    expect(page.get_by_text("The assessment is accepted.")).to_be_visible()
