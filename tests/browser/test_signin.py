"""Signing in with two steps, the pause after failures, and the inactivity warning."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import current_code
from tests.browser.support import assert_accessible, expect

pytestmark = pytest.mark.browser


def fill_password(page, username, password):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_two_step_sign_in_by_keyboard_and_its_pages_are_accessible(
    browser_session, axe_available, focal_point_norway
):
    phone = TOTPDevice.objects.create(user=focal_point_norway, name="phone", confirmed=True)
    page = browser_session().page
    page.goto(reverse("accounts:login"))
    fill_password(page, "nora", "pw-nora")

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    code = page.get_by_label("Code")
    expect(code).to_be_focused()
    code.fill(current_code(phone))
    code.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    page.goto(reverse("accounts:two_factor"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")


def test_the_sign_in_pause_page_is_accessible(browser_session, axe_available, focal_point_norway):
    page = browser_session().page
    for _ in range(5):
        page.goto(reverse("accounts:login"))
        fill_password(page, "nora", "wrong password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    assert_accessible(page)


def test_the_page_warns_before_the_session_ends_and_stay_signed_in_keeps_it(
    browser_session, axe_available, settings, focal_point_norway
):
    # Warned at half the limit when it is this short; signed out after 8 s.
    settings.SESSION_IDLE_TIMEOUT = 8
    page = browser_session(focal_point_norway).page
    page.goto(reverse("accounts:two_factor"))
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    stay = warning.get_by_role("button", name="Stay signed in")

    expect(warning).to_be_visible()
    expect(stay).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()

    # Not answering: the page says the session has ended, and the server agrees.
    ended = page.get_by_role("alert").filter(has_text="Your session has ended")
    expect(ended).to_be_visible(timeout=15_000)
    assert_accessible(page)
    page.wait_for_timeout(1500)
    page.reload()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))
    expect(page.get_by_text("You were signed out after a period of inactivity.")).to_be_visible()


def test_an_autosave_after_the_session_ended_keeps_the_text_and_says_so(
    browser_session, norway_assessment, focal_point_norway
):
    page = browser_session(focal_point_norway).page
    page.goto(reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]))
    card = page.get_by_role("article", name="2013-MS-01", exact=True)
    evidence = card.get_by_role("textbox", name="Evidence", exact=True)
    Session.objects.all().delete()  # signed out elsewhere, or expired on the server

    evidence.fill("Typed after the session ended")
    evidence.press("Tab")
    expect(page.get_by_role("alert").filter(has_text="Your session has ended")).to_be_visible()
    expect(card.locator(".save-state")).to_contain_text("Not saved")
    expect(evidence).to_have_value("Typed after the session ended")
