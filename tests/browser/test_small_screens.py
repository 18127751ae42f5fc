"""On a 390 px wide phone, no page scrolls sideways."""

import pytest
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
