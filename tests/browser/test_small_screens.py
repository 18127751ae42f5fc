"""On a 390 px wide phone, no page scrolls sideways; on a laptop the menu fits on one line
in every language."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_pages_fit_a_390_px_screen(
    browser_session, norway_assessment, delegate_norway, signed_in
):
    page = browser_session(delegate_norway if signed_in else None).page
    page.set_viewport_size({"width": 390, "height": 844})
    urls = [reverse("home"), reverse("catalogue:report_list"), reverse("assessments:verify")]
    if signed_in:
        urls += [
            norway_assessment.get_absolute_url(),
            reverse("assessments:report_answers", args=[norway_assessment.pk, 2013]),
        ]
    for url in urls:
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_unfolded_menu_fits_on_one_line_in_every_language(
    browser_session, live_server, norway_assessment, delegate_norway, language
):
    """Where the menu unfolds (1200 px) and wider, in the longest languages, with a long
    name: nothing wraps and nothing runs past the screen."""
    delegate_norway.first_name = "Maria Fernanda Alejandra"
    delegate_norway.last_name = "Espinosa Garcés de la Torre"
    delegate_norway.save()
    session = browser_session(delegate_norway)
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = session.page
    for width in (1200, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(norway_assessment.get_absolute_url())
        extent = page.evaluate(
            """() => {
                const boxes = [...document.querySelectorAll("nav a, nav button, nav select")]
                    .filter((element) => element.offsetParent)
                    .map((element) => element.getBoundingClientRect());
                return {
                    right: Math.max(...boxes.map((box) => box.right)),
                    tallest: Math.max(...boxes.map((box) => box.height)),
                    scroll: document.documentElement.scrollWidth,
                };
            }"""
        )
        assert extent["scroll"] <= width, (language, width, extent)
        assert extent["right"] <= width, (language, width, extent)
        assert extent["tallest"] < 48, (language, width, extent)  # one line each


@pytest.mark.parametrize("width", [390, 1024, 1280])
def test_without_javascript_the_menu_language_and_sign_out_are_within_reach(
    browser, live_server, delegate_norway, norway_assessment, width
):
    from tests.browser.support import sign_in

    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": width, "height": 800},
    )
    try:
        sign_in(context, delegate_norway, live_server.url)
        page = context.new_page()
        page.goto(norway_assessment.get_absolute_url())
        for control in (
            page.get_by_role("link", name="Reports", exact=True),
            page.get_by_label("Language"),
            page.get_by_role("button", name="Sign out"),
        ):
            assert control.is_visible(), control
        page.get_by_label("Language").select_option("fr")
        page.get_by_role("button", name="Change language").click()
        assert page.locator("html").get_attribute("lang") == "fr"
        width_used = page.evaluate("() => document.documentElement.scrollWidth")
        assert width_used <= width
    finally:
        context.close()
