"""Recommendation codes in Arabic sentences read as written ("2013-MS-04", never
"MS-04-2013"): isolated as left-to-right runs, in messages, lists and pages."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments.documents.snapshot import unprintable_parts
from catalogue.bidi import code_list, ltr_isolated

LRI, PDI = "\u2066", "\u2069"


def test_a_code_is_isolated_in_arabic_only():
    with translation.override("ar"):
        assert ltr_isolated("2013-MS-04") == f"{LRI}2013-MS-04{PDI}"
        assert code_list(["2013-MS-01", "2014-MS-02"]) == (
            f"{LRI}2013-MS-01{PDI}، {LRI}2014-MS-02{PDI}"
        )
    with translation.override("zh-hans"):
        assert code_list(["2013-MS-01", "2014-MS-02"]) == "2013-MS-01、2014-MS-02"
    with translation.override("fr"):
        assert ltr_isolated("2013-MS-04") == "2013-MS-04"


def test_the_submit_refusal_isolates_the_code_but_not_a_file_name():
    answer = {
        "code": "2013-MS-04",
        "text": "Adopt a strategy.",
        "evidence": "\ue001",
        "links": [],
        "attachments": [{"name": "قانون\ue001.pdf"}],
        "updated_by": "focal",
    }
    snapshot = {
        "member_state": {"name": "Norway"},
        "cycle": {"name": "2025 debate"},
        "submission": {"submitted_by": "focal"},
        "reports": [{"year": 2013, "title": "Report", "answers": [answer]}],
    }
    with translation.override("ar"):
        evidence, file = unprintable_parts(snapshot)
    assert f"{LRI}2013-MS-04{PDI}" in evidence
    assert f"{LRI}2013-MS-04{PDI}" in file and f"{LRI}قانون" not in file


@pytest.mark.django_db
def test_the_search_help_writes_its_codes_left_to_right_in_arabic(client, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(reverse("catalogue:recommendation_list"), {"q": "zzyzx"}).content.decode()
    for code in ("2013-MS-04", "2013 MS 4", "MS-04"):
        assert f"{LRI}{code}{PDI}" in page


def test_the_arabic_report_isolates_the_names_it_puts_in_arabic_lines():
    """ "2025 debate" stays as written on the cover of an Arabic report, not "debate 2025"."""
    import json
    from pathlib import Path

    from assessments.documents.pdf import pdf_html, report_context

    data = Path(__file__).parents[1] / "assessments" / "data" / "snapshot_v1.json"
    snapshot = json.loads(data.read_text(encoding="utf-8"))
    with translation.override("ar"):
        html = pdf_html(
            "assessments/pdf/country_report.html", report_context(snapshot, draft=False)
        )
    cycle, state = snapshot["cycle"]["name"], snapshot["member_state"]["name"]
    assert f"\u2068{cycle}{PDI}" in html and f"\u2068{state}{PDI}" in html
    with translation.override("en"):
        html = pdf_html(
            "assessments/pdf/country_report.html", report_context(snapshot, draft=False)
        )
    assert "\u2068" not in html
