"""On a 390 px wide phone, no page scrolls sideways; on a laptop the menu fits on one line
in every language."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.support import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_pages_fit_a_390_px_screen(
    browser_session, norway_assessment, focal_point_norway, signed_in
):
    page = browser_session(focal_point_norway if signed_in else None).page
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
    browser_session, live_server, norway_assessment, focal_point_norway, language
):
    """Where the menu unfolds (1200 px) and wider, in the longest languages, with a long
    name: no entry wraps, nothing runs past the screen, and the name is never cut (it
    may take a second line rather than be shortened)."""
    focal_point_norway.first_name = "Maria Fernanda Alejandra"
    focal_point_norway.last_name = "Espinosa Garcés de la Torre"
    focal_point_norway.save()
    session = browser_session(focal_point_norway)
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = session.page
    for width in (1200, 1280, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(norway_assessment.get_absolute_url())
        extent = page.evaluate(
            """() => {
                const shown = [...document.querySelectorAll("nav a, nav button, nav select")]
                    .filter((element) => element.offsetParent);
                const boxes = shown.map((element) => element.getBoundingClientRect());
                const entries = shown.filter((element) => !element.matches(".user-menu"))
                    .map((element) => element.getBoundingClientRect());
                const name = document.querySelector(".user-menu");
                return {
                    right: Math.max(...boxes.map((box) => box.right)),
                    tallest: Math.max(...entries.map((box) => box.height)),
                    scroll: document.documentElement.scrollWidth,
                    name: name.querySelector(".user-menu-label").innerText.trim(),
                    nameClipped: name.scrollWidth > name.clientWidth,
                };
            }"""
        )
        assert extent["scroll"] <= width, (language, width, extent)
        assert extent["right"] <= width, (language, width, extent)
        assert extent["tallest"] < 48, (language, width, extent)  # one line each
        assert extent["name"] == "Maria Fernanda Alejandra", (language, width, extent)
        assert not extent["nameClipped"], (language, width, extent)


@pytest.mark.parametrize("width", [1200, 1280, 1366])
def test_the_account_menu_shows_the_name_whole_and_the_full_name_inside(
    browser_session, norway_assessment, focal_point_norway, width
):
    focal_point_norway.first_name, focal_point_norway.last_name = "Nora", "Focal Point"
    focal_point_norway.save()
    page = browser_session(focal_point_norway).page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(norway_assessment.get_absolute_url())

    menu = page.locator(".user-menu")
    assert menu.locator(".user-menu-label").inner_text().strip() == "Nora"
    assert menu.evaluate("(element) => element.scrollWidth <= element.clientWidth")
    menu.click()
    expect(page.get_by_text("Signed in as Nora Focal Point")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "ru"])
def test_the_reports_table_keeps_room_for_the_titles(
    browser_session, live_server, norway_assessment, language
):
    """The addressees' names are long in French and Russian: the title column stays
    readable, and the table still fits a laptop screen."""
    session = browser_session()
    session.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = session.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(reverse("catalogue:report_list"))
    sizes = page.evaluate(
        """() => ({
            title: document.querySelector(".report-title-col").getBoundingClientRect().width,
            table: document.querySelector(".report-table").getBoundingClientRect().width,
            room: document.querySelector(".table-responsive").clientWidth,
        })"""
    )
    assert sizes["title"] >= 250, sizes
    assert sizes["table"] <= sizes["room"], sizes


@pytest.mark.parametrize("width", [390, 1024, 1280])
def test_without_javascript_the_menu_language_and_sign_out_are_within_reach(
    browser, live_server, focal_point_norway, norway_assessment, width
):
    from tests.browser.support import sign_in

    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": width, "height": 800},
    )
    try:
        sign_in(context, focal_point_norway, live_server.url)
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
