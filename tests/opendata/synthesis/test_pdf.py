"""The synthesis report in each of the six languages, read back with pdftotext: its
title, its labels and its figures in the language asked for; Arabic right to left."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from assessments.documents.pdf import pdf_html
from opendata.synthesis.documents import render_synthesis_pdf, synthesis_context
from opendata.synthesis.selectors import cycle_synthesis
from tests.assessments.test_pdf import fonts_of

from .support import pdf_text, squeezed

pytestmark = pytest.mark.django_db

TITLE = "Synthesis of the self-assessments"
# Labels already translated in every language: the report shows them as the UN does.
TRANSLATED = {
    "en": ("Implemented", "Western European and other States"),
    "fr": ("Mise en œuvre", "Groupe des États d’Europe occidentale et autres États"),
    "es": ("Aplicada", None),
    "ru": ("Осуществлено", None),
    "zh-hans": ("已执行", None),
    "ar": ("منفذة", None),
}


def rendered(cycle, language: str) -> bytes:
    with translation.override(language):
        synthesis = cycle_synthesis(cycle, "public")
    return render_synthesis_pdf(cycle, synthesis, language=language)


@pytest.mark.parametrize("language", list(TRANSLATED))
def test_the_report_prints_in_each_language(synthesis_cycle, submissions, language):
    pdf = rendered(synthesis_cycle, language)
    assert pdf.startswith(b"%PDF")
    text = squeezed(pdf_text(pdf))
    with translation.override(language):
        title = gettext(TITLE)
        group = gettext("Western European and other States")
        status = gettext("Implemented")
    assert squeezed(title) in text
    implemented, expected_group = TRANSLATED[language]
    assert status == implemented and squeezed(status) in text
    if expected_group:
        assert group == expected_group
    assert squeezed(group) in text
    # The Western European group's figures (7 of its 15 answers implemented) and the
    # whole's (13 of 35), read in their order in Arabic too.
    assert "7(47%)" in text and "13(37%)" in text
    assert "2013-MS-01" in text


def test_the_arabic_report_reads_right_to_left(synthesis_cycle, submissions):
    with translation.override("ar"):
        synthesis = cycle_synthesis(synthesis_cycle, "public")
        html = pdf_html(
            "opendata/synthesis/pdf/synthesis.html", synthesis_context(synthesis_cycle, synthesis)
        )
    assert '<html lang="ar" dir="rtl">' in html
    # The page counter at the foot's left end, as an Arabic page reads.
    assert "@bottom-left" in html and "@bottom-right" not in html
    # The chart's labels in HTML (WeasyPrint draws SVG text letter by letter).
    assert 'class="chart chart-rows"' in html
    text = pdf_text(render_synthesis_pdf(synthesis_cycle, synthesis, language="ar"))
    # A line of an Arabic table reads in its order: the label joined, codes as written.
    assert "منفذة" in text and "2013-MS-01" in text and "10-SM-3102" not in text


def test_the_chinese_report_uses_the_simplified_chinese_face(synthesis_cycle, submissions):
    fonts = fonts_of(rendered(synthesis_cycle, "zh-hans"))
    assert any("CJK" in name for name in fonts), fonts
    assert all(name.startswith("Noto") for name in fonts), fonts
