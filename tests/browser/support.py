"""What the browser tests share: where Chromium and axe-core are, signing in, axe checks.

The tests drive Debian's Chromium through Playwright's Python library (never its own
browser download) and inject axe-core from `node_modules/` (`npm ci`, run by
`make setup`). Without them the tests are skipped, except under `CI=true`, where a
missing piece fails them so that CI cannot pass without running them.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.clients import SignedInClient

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # reported by the `browser` fixture: skipped locally, failed in CI
    expect = sync_playwright = None

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
# Required here: without the background-networking flags Chromium hangs on refused
# connections to Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Collects the page's securitypolicyviolation events (the console shows them too, but
# only while a listener is attached); installed before any script of the page runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber + " (" + event.sample + ")"
  );
});
"""


def csp_violations(page) -> list[str]:
    """The violations the page reported since it was loaded (none if it is closed)."""
    if page.is_closed():
        return []
    try:
        found = page.evaluate("() => window.__cspViolations || []")
    except Exception:  # a page that is navigating has no context to evaluate in
        return []
    return [f"{page.url}: {violation}" for violation in found]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require(available: bool, reason: str) -> None:
    """Skip the test when something it needs is missing; fail instead under CI=true."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} CI=true: the browser tests must run in CI.", pytrace=False)
    pytest.skip(reason)


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def wait_until(page, predicate, *, timeout_ms=5000):
    """Let the page run (and route handlers be called) until `predicate()` is true."""
    for _ in range(timeout_ms // 20):
        if predicate():
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"still not true after {timeout_ms} ms: {predicate}")


def sign_in(context, user, base_url: str) -> None:
    """Give the browser context a session of `user`, as if they had signed in (both steps)."""
    client = SignedInClient()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; its WCAG 2 A and AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the debugging protocol: a <script> tag added to the page
        # would be an inline script, which the site's Content-Security-Policy refuses.
        page.evaluate(AXE_JS.read_text())
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)
