"""Chromium enforces the Content-Security-Policy and blocks nothing on the site's pages."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.test_accessibility import PAGES, _submitted

pytestmark = pytest.mark.browser


def visit(session, url):
    response = session.page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    # Not a page it was sent to instead (sign-in, two-factor enrolment).
    assert session.page.url.endswith(url), f"{url} led to {session.page.url}"
    assert response.header_value("Content-Security-Policy")
    session.page.wait_for_load_state("load")


@pytest.mark.parametrize("name", PAGES)
def test_the_page_runs_under_the_policy_without_a_violation(request, browser_session, name):
    url, user = PAGES[name](request)
    session = browser_session(user)
    visit(session, url)
    assert not session.csp_violations()


def test_the_admin_runs_under_the_policy_without_a_violation(request, browser_session, admin_user):
    assessment, _first, _user = _submitted(request)
    # Staff pass a second sign-in step; without a device they would only see enrolment.
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    session = browser_session(admin_user)
    for url in (
        reverse("admin:index"),
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        reverse("admin:assessments_overview"),
        reverse("admin:assessments_chasing"),
        reverse("admin:assessments_extension_add"),
        # A list without any action (deletion is off), and a form with date widgets.
        reverse("admin:delegations_memberstate_changelist"),
        reverse("admin:assessments_cycle_change", args=[assessment.cycle.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:catalogue_report_change", args=[assessment.cycle.reports.first().pk]),
    ):
        visit(session, url)
        assert not session.csp_violations(), url


def test_a_violation_would_be_noticed(session):
    """The check above is not blind: an inline style set from a script is refused."""
    session.page.goto(reverse("home"))
    session.page.evaluate("() => document.body.setAttribute('style', 'color: red')")
    session.page.wait_for_timeout(100)
    assert session.refused, "Chromium's console message"
    assert session.csp_violations()[len(session.refused) :], "the securitypolicyviolation event"
    session.refused.clear()
    session.page.evaluate("() => { window.__cspViolations = []; }")
