"""Every script of the six languages (and Japanese, Korean, Greek, Latin diacritics)
prints in the country report with the shipped fonts; the report renders in each of the
six languages, Arabic right to left; a character no shipped font has is refused before
anything is frozen; the secretariat downloads a report with its labels in another
language, marked as such (the delegation's own downloads: test_renderings.py)."""

import hashlib
import io
import re
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader

from assessments.documents.pdf import (
    AssetRefused,
    pdf_html,
    render_country_report,
    report_context,
    static_asset_fetcher,
)
from assessments.documents.snapshot import unprintable_parts
from assessments.forms import AnswerForm
from assessments.models import Answer, AnswerStatus, AssessmentStatus, Submission
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import ReportUnprintable, assessment_submit
from r2p_site.fonts import cjk_font_path, printable, unprintable

from .test_pdf import fonts_of, stored, text_of

pytestmark = pytest.mark.django_db

SCRIPTS = {
    "2013-MS-01": "Côte d'Ivoire, Türkiye, São Tomé and Príncipe, Curaçao, Łódź, Đà Nẵng",
    "2013-MS-02": "قانون حماية السكان من الإبادة الجماعية",
    "2013-MS-03": "保护责任国家协调人办公室",
    "2014-MS-01": "Закон о защите населения. Ελληνική Δημοκρατία",
    "2014-MS-02": "保護する責任の国内担当者 대한민국 보호책임 담당관",
}


def normalised(text: str) -> str:
    """Extracted text without the line breaks and spaces that layout adds."""
    return "".join(text.split())


@pytest.fixture
def in_every_script(norway_assessment, focal_point_norway):
    for code, evidence in SCRIPTS.items():
        answer = norway_assessment.answers.get(recommendation__code=code)
        answer_save(
            answer=answer,
            content=AnswerContent(status=AnswerStatus.IMPLEMENTED, evidence=evidence, links=[]),
            base_version=0,
            user=focal_point_norway,
        )
    return norway_assessment


@pytest.fixture
def official(in_every_script, focal_point_norway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(assessment=in_every_script, submitted_by=focal_point_norway)
    submission.refresh_from_db()
    return submission


def test_the_cjk_font_is_installed_and_is_debians_noto_sans_cjk():
    path = cjk_font_path()
    assert path is not None, "pip install -r requirements.txt installs noto-cjk-sans-otc"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == (
        "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"
    )


def test_every_script_of_the_evidence_prints_in_a_shipped_font_and_extracts_exactly(
    official,
):
    pdf = stored(official)
    fonts = fonts_of(pdf)
    assert {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Italic"} <= fonts, fonts
    assert any("Arabic" in name for name in fonts), fonts
    assert any("CJK" in name for name in fonts), fonts
    # Nothing printed in a font the project does not ship (a system fallback).
    assert all(name.startswith("Noto") for name in fonts), fonts
    text = text_of(pdf)
    for code, evidence in SCRIPTS.items():
        # Exactly, in reading order (Arabic too), each on a line of its own.
        assert evidence in text.splitlines(), (code, evidence)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_report_in_each_language_extracts_its_own_labels_and_the_evidence(official, language):
    pdf = render_country_report(official.snapshot, language=language)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == language
    text = normalised(text_of(pdf))
    with translation.override(language):
        labels = [gettext(label) for label in ("Summary", "Contents", "Evidence", "All reports")]
    if language != "en":
        assert not {"Summary", "Contents", "Evidence", "All reports"} & set(labels), labels
    for label in labels:
        assert normalised(label) in text, (language, label)
    for code, evidence in SCRIPTS.items():
        assert normalised(evidence) in text, (language, code)
    # Dates as the language writes them ("25 июня 2099 г.", "2099年6月25日").
    with translation.override(language):
        deadline = date_format(official.assessment.cycle.deadline, "DATE_FORMAT")
        # Right to left, a line's words are extracted in the order they are drawn.
        parts = deadline.split() if translation.get_language_bidi() else [deadline]
    assert all(normalised(part) in text for part in parts), (language, deadline)
    # The chart's labels and bars too: nothing falls back to a font of the machine.
    assert all(name.startswith("Noto") for name in fonts_of(pdf)), fonts_of(pdf)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_chart_draws_its_bars_in_every_language(language):
    """Its geometry is SVG, which reads "70.5" only: never "70,5" as French writes it."""
    from django.template.loader import render_to_string

    from assessments.counts import StatusCounts
    from assessments.documents.charts import stacked_bars

    counts = StatusCounts(label="2013", implemented=1, partially_implemented=2, not_answered=4)
    with translation.override(language):
        chart = stacked_bars([counts], title="Answers by report", name="chart")
        html = render_to_string("assessments/includes/status_chart.svg", {"chart": chart})
        rows = render_to_string("assessments/includes/status_chart_rows.html", {"chart": chart})
    for markup in (html, rows):
        numbers = re.findall(r'\s(?:x|y|width|height)="([^"]*)"', markup)
        assert numbers and all(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", n) for n in numbers), numbers
        assert markup.count("<rect") >= 2 + 4  # two segments and the four legend swatches


def _counter_x(pdf: bytes, language: str) -> tuple[float, float]:
    """Where the page counter starts on the second page, and the page's width."""
    page = PdfReader(io.BytesIO(pdf)).pages[1]
    with translation.override(language):
        first_word = gettext("Page {page} of {pages}").split()[0]
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if first_word in text:
            found.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    return min(found), float(page.mediabox.width)


def test_the_arabic_report_is_right_to_left_with_its_page_boxes_mirrored(official):
    with translation.override("ar"):
        html = pdf_html(
            "assessments/pdf/country_report.html", report_context(official.snapshot, draft=False)
        )
    assert '<html lang="ar" dir="rtl">' in html
    english = render_country_report(official.snapshot, language="en")
    arabic = render_country_report(official.snapshot, language="ar")
    english_x, width = _counter_x(english, "en")
    arabic_x, _width = _counter_x(arabic, "ar")
    assert english_x > width / 2  # the page counter at the bottom right
    assert arabic_x < width / 2  # at the bottom left, mirrored
    assert PdfReader(io.BytesIO(arabic)).trailer["/Root"]["/Lang"] == "ar"


@pytest.mark.parametrize("character", ["\ue000", "\U00010000", "\x85", "\U0001f600"])
def test_a_character_no_shipped_font_has_is_refused_at_submit_and_nothing_changes(
    norway_assessment, focal_point_norway, first_answer, character
):
    Answer.objects.filter(pk=first_answer.pk).update(evidence=f"Law no. 12 {character} of 2019.")

    with pytest.raises(ReportUnprintable) as refused:
        assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)

    [message] = refused.value.messages
    assert "The evidence for 2013-MS-01" in message
    assert f"U+{ord(character):04X}" in message
    norway_assessment.refresh_from_db()
    assert norway_assessment.status == AssessmentStatus.DRAFT
    assert not Submission.objects.exists()


def test_the_submit_page_names_the_characters_and_submits_nothing(
    client, norway_assessment, focal_point_norway, first_answer
):
    Answer.objects.filter(pk=first_answer.pk).update(evidence="Private \ue000 glyph")
    client.force_login(focal_point_norway)
    result = client.post(
        reverse("assessments:assessment_submit", args=[norway_assessment.pk]),
        {"confirm": "on"},
        follow=True,
    )
    page = result.content.decode()
    assert "The evidence for 2013-MS-01 contains characters the report cannot print" in page
    assert "U+E000" in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize("field", ["evidence", "links"])
def test_the_answer_form_refuses_unprintable_characters_and_the_answer_stays(
    client, focal_point_norway, first_answer, field
):
    value = "Loi \U00010000" if field == "evidence" else "https://example.org/\ue000"
    data = {"status": "implemented", "evidence": "", "links": "", "version": 0, field: value}
    form = AnswerForm(data)
    assert not form.is_valid()
    assert "U+" in form.errors[field][0]

    client.force_login(focal_point_norway)
    prefix = f"r{first_answer.pk}-"
    result = client.post(
        reverse("assessments:answer_save", args=[first_answer.assessment_id, first_answer.pk]),
        {prefix + key: v for key, v in data.items()},
    )
    assert result.status_code == 400
    assert "cannot print" in result.content.decode()
    first_answer.refresh_from_db()
    assert first_answer.version == 0
    assert first_answer.evidence == ""


def test_text_in_every_script_passes_the_form(first_answer):
    for evidence in SCRIPTS.values():
        form = AnswerForm(
            {"status": "implemented", "evidence": evidence, "links": "", "version": 0}
        )
        assert form.is_valid(), form.errors


def test_invisible_shaping_characters_are_printable_and_controls_are_not():
    assert unprintable("می\u200cخواهم \u200f ok\n\ttab 葛\U000e0100") == []
    assert unprintable("bell\x07 next\x85 private\ue000") == ["\x07", "\x85", "\ue000"]
    assert unprintable("tab\there\r\n bell\x07 delete\x7f") == ["\x07", "\x7f"]  # ASCII only


def test_checking_a_full_assessment_of_long_evidence_is_fast():
    printable()  # loaded once per process
    pool = "".join(SCRIPTS.values()) + " \n"
    texts = [(pool * (10_000 // len(pool) + 1))[:10_000] for _ in range(153)]
    started = time.perf_counter()
    assert not any(unprintable(text) for text in texts)
    # The bar is well under 100 ms (docs/benchmarks.md); generous here for busy CI.
    assert time.perf_counter() - started < 1.0


# The secretariat's download of a report in another language.


def translated_url(submission, language="fr"):
    url = reverse(
        "assessments:submission_translated_pdf", args=[submission.assessment_id, submission.number]
    )
    return f"{url}?language={language}"


def test_the_secretariat_downloads_the_report_with_its_labels_in_another_language(
    client, official, secretariat
):
    client.force_login(secretariat)
    result = client.get(translated_url(official, "fr"))
    assert result.status_code == 200
    assert result["Content-Disposition"] == 'attachment; filename="R2P-NOR-2025-v1-fr.pdf"'
    pdf = b"".join(result.streaming_content)
    assert pdf != stored(official)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    with translation.override("fr"):
        english = gettext("English")
        note = gettext(
            "A translation of the interface labels of submission %(number)s, not the "
            "official report, which is in %(language)s. SHA-256 of the official PDF: "
            "%(sha256)s. Verify it at %(url)s"
        )
    pages = [normalised(page.extract_text()) for page in reader.pages]
    # The notice in French, up to the number of the submission it translates.
    note = normalised(note.split("%(number)s")[0] + "1")
    # On the cover, and in the footer of every page.
    assert all(note in text for text in pages), pages[0]
    assert all(official.pdf_sha256 in text for text in pages)
    assert all(normalised(settings.SITE_URL + "/") in text for text in pages)
    assert normalised(english) in pages[0]
    assert normalised(SCRIPTS["2013-MS-03"]) in normalised(text_of(pdf))  # the same snapshot
    official.refresh_from_db()
    assert hashlib.sha256(stored(official)).hexdigest() == official.pdf_sha256
    # The translation is no submission: the verification page says where to look.
    verified = client.post(
        reverse("assessments:verify"), {"file": SimpleUploadedFile("fr.pdf", pdf)}
    ).content.decode()
    assert "Not found." in verified
    assert "a translation of a report" in verified
    assert Submission.objects.count() == 1  # nothing stored


def test_the_official_language_leads_to_the_official_pdf(client, official, secretariat):
    client.force_login(secretariat)
    result = client.get(translated_url(official, official.snapshot["language"]))
    assert result.status_code == 302
    assert result["Location"] == reverse(
        "assessments:submission_pdf", args=[official.assessment_id, 1]
    )


def test_a_language_not_offered_is_refused_with_a_message(client, official, secretariat):
    client.force_login(secretariat)
    result = client.get(translated_url(official, "de"), follow=True)
    assert "Choose one of the languages offered." in result.content.decode()


def test_the_review_page_offers_the_languages_with_a_labelled_control(
    client, official, secretariat
):
    client.force_login(secretariat)
    page = client.get(
        reverse("admin:assessments_assessment_change", args=[official.assessment_id])
    ).content.decode()
    assert 'for="translation-1"' in page and 'id="translation-1"' in page
    assert 'value="ar"' in page and 'value="zh-hans"' in page


@pytest.mark.parametrize(
    ("official_language", "reader", "offered_first"),
    [
        ("en", "fr", "fr"),  # the reader's language
        ("en", "en", "ar"),  # the report is in the reader's: the first other one
        ("ar", "ar", "zh-hans"),  # ...even when the report is in the first language offered
        ("ar", "en", "en"),
    ],
)
def test_the_language_picker_offers_the_readers_language_unless_the_report_is_in_it(
    client, official, secretariat, official_language, reader, offered_first
):
    snapshot = {**official.snapshot, "language": official_language}
    Submission.objects.filter(pk=official.pk).update(snapshot=snapshot)
    client.force_login(secretariat)

    page = reverse("admin:assessments_assessment_change", args=[official.assessment_id])
    html = client.get(page, headers={"accept-language": reader}).content.decode()
    select = re.search(r'<select id="translation-1".*?</select>', html, re.DOTALL)
    selected = re.findall(r'<option value="([^"]+)"[^>]* selected>', select.group())
    assert selected == [offered_first], selected


def test_the_stored_official_pdf_is_rendered_in_the_language_of_the_submission(
    in_every_script, focal_point_norway, django_capture_on_commit_callbacks
):
    with translation.override("ar"), django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(assessment=in_every_script, submitted_by=focal_point_norway)
    submission.refresh_from_db()
    assert submission.snapshot["language"] == "ar"
    # The worker's task renders it outside any request, in whatever language is active.
    assert PdfReader(io.BytesIO(stored(submission))).trailer["/Root"]["/Lang"] == "ar"


def test_a_translation_waits_for_the_official_pdf_whose_fingerprint_it_names(
    client, in_every_script, focal_point_norway, secretariat, task_queue
):
    submission = assessment_submit(assessment=in_every_script, submitted_by=focal_point_norway)
    assert not submission.pdf  # the on-commit rendering never ran in this test
    client.force_login(secretariat)
    result = client.get(translated_url(submission, "fr"))
    assert result.status_code == 202
    assert "being prepared" in result.content.decode()


def test_the_review_page_offers_the_translated_download(client, official, secretariat):
    client.force_login(secretariat)
    page = client.get(
        reverse("admin:assessments_assessment_change", args=[official.assessment_id])
    ).content.decode()
    assert 'for="translation-1"' in page
    assert (
        reverse("assessments:submission_translated_pdf", args=[official.assessment_id, 1]) in page
    )


def test_the_refusal_names_each_place_of_the_snapshot_that_cannot_be_printed():
    answer = {
        "code": "2013-MS-04",
        "text": "Adopt a strategy.",
        "evidence": "Fine.",
        "links": ["https://example.org/\ue001"],
        "attachments": [{"name": "law\U00010000.pdf"}],
        "updated_by": "focal",
    }
    snapshot = {
        "member_state": {"name": "Norway"},
        "cycle": {"name": "2025 debate"},
        "submission": {"submitted_by": "focal"},
        "reports": [{"year": 2013, "title": "Report", "answers": [answer]}],
    }
    assert unprintable_parts(snapshot) == [
        "The list of evidence links for 2013-MS-04 contains characters the report cannot "
        "print: U+E001.",
        "The name of the file “law\U00010000.pdf” attached to 2013-MS-04 contains characters "
        "the report cannot print: U+10000.",
    ]


def test_the_fetcher_serves_the_cjk_font_and_nothing_else_beside_it():
    font = cjk_font_path()
    fetcher = static_asset_fetcher()
    assert fetcher.fetch(font.as_uri()).read(4) == b"ttcf"
    with pytest.raises(AssetRefused):
        fetcher.fetch((font.parent / "__init__.py").as_uri())
