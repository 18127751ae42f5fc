"""The synthesis pages in a browser: no accessibility violation (WCAG 2 A and AA) and
nothing the Content Security Policy refuses (the charts are inline SVG, drawn on the
server), in English, Arabic and Chinese, for the public and for the secretariat."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.opendata.synthesis.conftest import (  # noqa: F401
    author,
    submissions,
    synthesis_catalogue,
    synthesis_cycle,
)

from .support import assert_accessible, expect
from .test_accessibility import in_language

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_the_public_synthesis_is_accessible(
    browser_session,
    axe_available,
    live_server,
    submissions,  # noqa: F811
    language,
):
    page = in_language(browser_session(), language, live_server.url)
    response = page.goto(reverse("opendata:synthesis"))
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    # Each chart is named by its title and the figures of every bar.
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 3
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_secretariats_synthesis_is_accessible(
    browser_session,
    axe_available,
    live_server,
    submissions,  # noqa: F811
    admin_user,
    language,
):
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    page = in_language(browser_session(admin_user), language, live_server.url)
    response = page.goto(reverse("opendata:synthesis_desk"))
    assert response.status == 200
    assert_accessible(page)
