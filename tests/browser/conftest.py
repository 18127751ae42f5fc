"""Fixtures of the browser tests: one headless Chromium, a fresh context per test.

Playwright and Chromium start with the first browser test and stop after the last one
(package scope; pytest-django runs every live-server test together, after the other
database tests, so that is one Chromium per session). While Playwright's sync API is
alive its event loop counts as running in the main thread, so Django would refuse ORM
calls there (SynchronousOnlyOperation): DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly
that span and restored afterwards.
"""

import os

import pytest

# The assessment fixtures (a small catalogue, an open cycle, Norway's assessment) are
# reused from the assessments tests; importing them makes them available here.
from tests.assessments.conftest import (  # noqa: F401
    catalogue,
    cycle,
    norway_assessment,
)

from .support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_LISTENER,
    chromium_available,
    csp_violations,
    require,
    sign_in,
    sync_playwright,
)


@pytest.fixture(scope="package")
def _playwright():
    require(
        sync_playwright is not None,
        "Playwright for Python is not installed: run `make setup`.",
    )
    require(
        chromium_available(),
        f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
        "(`apt-get install chromium`, as .ci/run does) or set CHROMIUM_PATH.",
    )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class Session:
    """One browser context with its page, and what the page did that tests look at."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(
            base_url=base_url,
            locale="en-GB",
            timezone_id="UTC",
            viewport={"width": 1280, "height": 900},
        )
        self.context.set_default_timeout(10_000)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.dialogs = []  # (type, message) of every dialog, all dismissed
        self.errors = []  # uncaught JavaScript errors
        self.refused = []  # console messages of the Content-Security-Policy
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            self.refused.append(f"{self.page.url}: {message.text}")

    def csp_violations(self) -> list[str]:
        """What the policy blocked, as Chromium's console and the page's events report it."""
        return self.refused + csp_violations(self.page)

    def _dialog(self, dialog):
        self.dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    def close(self):
        self.context.close()


@pytest.fixture
def browser_session(browser, live_server):
    """Open browser sessions; `browser_session(user)` is one signed in as `user`."""
    sessions = []

    def open_session(user=None):
        session = Session(browser, live_server.url)
        if user is not None:
            sign_in(session.context, user, live_server.url)
        sessions.append(session)
        return session

    yield open_session
    refused = [violation for session in sessions for violation in session.csp_violations()]
    for session in sessions:
        session.close()
    errors = [error for session in sessions for error in session.errors]
    assert not errors, f"JavaScript errors in the page: {errors}"
    assert not refused, f"Content-Security-Policy violations: {refused}"


@pytest.fixture
def session(browser_session):
    """An anonymous browser session (context and page)."""
    return browser_session()


@pytest.fixture
def page(session):
    return session.page


@pytest.fixture
def axe_available():
    require(AXE_JS.is_file(), f"axe-core not found at {AXE_JS}: run `make setup` (npm ci).")
