"""Chromium reads out each chart of the overview as what it groups by and its figures."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.support import AXE_JS, AXE_TAGS, describe_violations, expect
from tests.browser.test_accessibility import _submitted

pytestmark = pytest.mark.browser


def test_the_overview_charts_are_images_named_by_their_groups_and_figures(
    request, browser_session, axe_available, admin_user
):
    _submitted(request)  # Norway: one implemented, one not started, three open
    # Transactional tests have no Secretariat group: a superuser with the app it needs.
    TOTPDevice.objects.create(user=admin_user, name="Admin's phone", confirmed=True)
    page = browser_session(admin_user).page

    page.goto(reverse("admin:assessments_overview"))

    expect(
        page.get_by_role(
            "img",
            name="Answers by report 2013, 2 of 3 answered "
            "(1 implemented, 0 partially implemented, 1 not started); "
            "2014, 0 of 2 answered",
        )
    ).to_be_visible()
    expect(
        page.get_by_role(
            "img",
            name="Answers by regional group African States, 0 of 0 answered "
            "(0 implemented, 0 partially implemented, 0 not started)",
        )
    ).to_contain_text("Western European and other States")
    # Only the charts: the stock admin's breadcrumbs fail axe's link contrast on their own.
    page.evaluate(AXE_JS.read_text())
    violations = page.evaluate(
        """async (tags) => (await axe.run("figure.chart", {
          runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
        })).violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: []}))""",
        AXE_TAGS,
    )
    assert not violations, describe_violations(page.url, violations)
