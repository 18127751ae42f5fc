"""The country report: rendered from the frozen snapshot, stored once, verifiable."""

import datetime
import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from assessments.documents.pdf import (
    ASSETS_DIR,
    AssetRefused,
    css_counter_text,
    render_country_report,
    static_asset_fetcher,
)
from assessments.models import AnswerStatus, AssessmentStatus, Submission
from assessments.services.answers import AnswerContent, answer_save, attachment_add
from assessments.services.extensions import extension_grant
from assessments.services.lifecycle import assessment_submit
from assessments.services.reports import render_submission_pdf
from assessments.uploads import check_upload
from tests.queue import run_queued

pytestmark = pytest.mark.django_db

EVIDENCE = "Loi « Ærøskøbing » n° 12.\n\nЗакон о защите.\n\nقانون الحماية\n\n<b>not bold</b>"
ATTACHED = b"%PDF-1.4\n% SECRET-CONTENT-OF-THE-UPLOAD\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fonts_of(pdf: bytes) -> set[str]:
    """Every font the PDF embeds, those of drawings (SVG charts) included."""
    names = set()

    def visit(resources, seen):
        resources = resources.get_object() if resources is not None else {}
        for font in resources.get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            if id(xobject) not in seen and "/Resources" in xobject:
                seen.add(id(xobject))
                visit(xobject["/Resources"], seen)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        visit(page.get("/Resources"), set())
    return names


def titles(outline):
    for item in outline:
        if isinstance(item, list):
            yield from titles(item)
        else:
            yield item.title


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def stored(submission) -> bytes:
    with submission.pdf.open("rb") as file:
        return file.read()


def download(client, url) -> bytes:
    result = client.get(url)
    assert result.status_code == 200, url
    return b"".join(result.streaming_content)


@pytest.fixture
def answered(norway_assessment, focal_point_norway, first_answer):
    answer_save(
        answer=first_answer,
        content=AnswerContent(
            status=AnswerStatus.IMPLEMENTED,
            evidence=EVIDENCE,
            links=["https://example.org/law?a=1&b=<2>"],
        ),
        base_version=0,
        user=focal_point_norway,
    )
    upload = SimpleUploadedFile("national-law.pdf", ATTACHED)
    attachment_add(
        answer=first_answer,
        upload=upload,
        checked_type=check_upload(upload),
        sha256=hashlib.sha256(ATTACHED).hexdigest(),
        user=focal_point_norway,
    )
    return norway_assessment


@pytest.fixture
def submitted(answered, focal_point_norway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(assessment=answered, submitted_by=focal_point_norway)
    submission.refresh_from_db()
    return submission


def test_submitting_stores_the_pdf_with_its_sha256(submitted):
    pdf = stored(submitted)
    assert pdf.startswith(b"%PDF-")
    assert submitted.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert submitted.pdf_rendered_at is not None


def test_the_report_shows_the_state_every_code_its_status_and_the_evidence(submitted):
    pdf = stored(submitted)
    text = text_of(pdf)
    assert "Norway" in text
    for code in ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]:
        assert code in text
    assert "2013-UN-01" not in text
    assert "Implemented" in text
    assert "Not yet answered" in text
    assert "Ærøskøbing" in text
    assert "Закон о защите" in text
    fonts = fonts_of(pdf)
    assert {"Noto-Sans", "Noto-Sans-Bold"} <= fonts, fonts
    assert any("Arabic" in name for name in fonts), fonts  # the shipped font, not tofu
    assert "<b>not bold</b>" in text  # evidence is text, never markup
    assert "https://example.org/law?a=1&b=<2>" in text
    assert "national-law.pdf" in text
    assert hashlib.sha256(ATTACHED).hexdigest() in text.replace("\n", "")
    assert "SECRET-CONTENT-OF-THE-UPLOAD" not in text  # uploads are listed, never rendered
    assert "Page 2 of" in text
    # Cover, summary (one or two pages), contents, then each report from a new page.
    assert 5 <= len(PdfReader(io.BytesIO(pdf)).pages) <= 8


def test_the_report_carries_metadata_bookmarks_and_tags(submitted):
    reader = PdfReader(io.BytesIO(stored(submitted)))
    assert "Norway" in reader.metadata.title
    assert reader.metadata.author == "Norway"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    bookmarks = list(titles(reader.outline))
    assert "2013 · Report 2013" in bookmarks
    assert "2013-MS-01 Implemented" in bookmarks
    assert "2014 · Report 2014" in bookmarks


def cover_of(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_cover_prints_the_cycles_deadline_for_a_state_without_an_extension(submitted):
    assert submitted.snapshot["submission"]["deadline"] == "2099-06-25"
    cover = cover_of(stored(submitted))
    assert "Deadline\n25 June 2099" in cover
    assert "extended" not in cover


def test_the_cover_prints_the_states_own_deadline_frozen_at_submission(
    answered, focal_point_norway, secretariat, django_capture_on_commit_callbacks
):
    grant = {"member_state": answered.member_state, "cycle": answered.cycle}
    extension_grant(
        **grant, until=datetime.date(2099, 7, 31), reason="Elections.", granted_by=secretariat
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission = assessment_submit(assessment=answered, submitted_by=focal_point_norway)
    submission.refresh_from_db()
    # A later extension changes nothing in what was submitted.
    extension_grant(
        **grant, until=datetime.date(2099, 9, 30), reason="More.", granted_by=secretariat
    )

    assert submission.snapshot["submission"]["deadline"] == "2099-07-31"
    assert "Deadline\n31 July 2099 (extended from 25 June 2099)" in cover_of(stored(submission))
    assert "30 September" not in text_of(render_country_report(submission.snapshot))


def test_a_snapshot_frozen_without_the_states_deadline_prints_the_cycles_as_it_did(
    submitted, secretariat
):
    """Format 2 snapshots made before the State's deadline was frozen: whatever extension
    the State has since, their cover prints what it did, from the snapshot alone."""
    assessment = submitted.assessment
    extension_grant(
        member_state=assessment.member_state,
        cycle=assessment.cycle,
        until=datetime.date(2099, 7, 31),
        reason="Elections.",
        granted_by=secretariat,
    )
    snapshot = submitted.snapshot
    del snapshot["submission"]["deadline"]

    cover = cover_of(render_country_report(snapshot))

    assert "Deadline\n25 June 2099" in cover
    assert "31 July" not in cover
    assert "extended" not in cover


def test_the_report_says_how_many_of_the_recommendations_were_answered(submitted):
    text = text_of(stored(submitted))  # one of Norway's five answered

    assert "Answered\n1 of 5 recommendations" in text
    assert "This assessment answers 1 of the 5 recommendations addressed to Member States." in (
        " ".join(text.split())
    )


def test_the_count_of_a_single_recommendation_is_singular(submitted):
    snapshot = submitted.snapshot
    report = snapshot["reports"][0]
    snapshot["reports"] = [{**report, "answers": report["answers"][:1]}]

    text = " ".join(text_of(render_country_report(snapshot)).split())

    assert "Answered 1 of 1 recommendation Deadline" in text
    assert "This assessment answers 1 of the 1 recommendation addressed to Member States." in text


def test_the_stored_pdf_survives_changes_of_answers_and_catalogue(
    client, submitted, focal_point_norway, first_answer
):
    client.force_login(focal_point_norway)
    url = reverse("assessments:submission_pdf", args=[submitted.assessment_id, 1])
    before = download(client, url)
    first_answer.evidence = "Rewritten later."
    first_answer.save()
    recommendation = first_answer.recommendation
    recommendation.text = "A reworded recommendation."
    recommendation.save()

    after = download(client, url)
    assert after == before
    assert "Rewritten later." not in text_of(after)
    assert "A reworded recommendation." not in text_of(after)


def test_each_submission_keeps_its_own_pdf(
    client, submitted, focal_point_norway, first_answer, django_capture_on_commit_callbacks
):
    assessment = submitted.assessment
    assessment.status = AssessmentStatus.RETURNED
    assessment.save()
    first_answer.refresh_from_db()
    first_answer.assessment = assessment
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="not_started", evidence="Second thoughts.", links=[]),
        base_version=first_answer.version,
        user=focal_point_norway,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, submitted_by=focal_point_norway)

    first, second = Submission.objects.filter(assessment=assessment).order_by("number")
    assert first.pdf_sha256 != second.pdf_sha256
    assert "Second thoughts." in text_of(stored(second))
    assert "Second thoughts." not in text_of(stored(first))


def test_a_missing_pdf_is_not_rendered_by_its_download_but_served_once_the_worker_stored_it(
    client, answered, focal_point_norway, task_queue
):
    submission = assessment_submit(assessment=answered, submitted_by=focal_point_norway)
    assert not submission.pdf  # the on-commit queuing never ran in this test
    client.force_login(focal_point_norway)
    url = reverse("assessments:submission_pdf", args=[answered.pk, 1])

    waiting = client.get(url)
    assert waiting.status_code == 202
    assert int(waiting["Retry-After"]) > 0
    assert "The country report is being prepared" in waiting.content.decode()
    submission.refresh_from_db()
    assert submission.pdf_attempts == 0

    render_submission_pdf.enqueue(submission.pk)
    run_queued(task_queue)  # as the worker does
    result = client.get(url)
    assert result["Content-Disposition"] == 'attachment; filename="R2P-NOR-2025-v1.pdf"'
    pdf = b"".join(result.streaming_content)
    submission.refresh_from_db()
    assert submission.pdf_sha256 == hashlib.sha256(pdf).hexdigest()


def test_downloads_are_for_the_delegation_and_the_secretariat_only(
    client, submitted, focal_point_kenya, secretariat, editor_norway
):
    url = reverse("assessments:submission_pdf", args=[submitted.assessment_id, 1])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(focal_point_kenya)
    assert client.get(url).status_code == 404
    client.force_login(editor_norway)
    assert download(client, url) == stored(submitted)
    client.force_login(secretariat)
    assert download(client, url).startswith(b"%PDF-")
    assert (
        client.get(
            reverse("assessments:submission_pdf", args=[submitted.assessment_id, 2])
        ).status_code
        == 404
    )


def test_the_draft_preview_shows_live_answers_marked_as_draft(
    client, answered, focal_point_norway, focal_point_kenya
):
    url = reverse("assessments:assessment_preview_pdf", args=[answered.pk])
    client.force_login(focal_point_kenya)
    assert client.get(url).status_code == 404
    client.force_login(focal_point_norway)
    result = client.get(url)
    assert result["Content-Disposition"] == 'attachment; filename="R2P-NOR-2025-draft.pdf"'
    text = text_of(b"".join(result.streaming_content))
    assert "DRAFT" in text
    assert "Draft, not submitted" in text
    assert "Ærøskøbing" in text
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/healthz",
        "file:///etc/passwd",
        (ASSETS_DIR / "css" / ".." / ".." / "manage.py").as_uri(),
        "data:text/css,body{}",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(AssetRefused):
        static_asset_fetcher().fetch(url)


def test_the_fetcher_serves_the_projects_own_static_files():
    response = static_asset_fetcher().fetch((ASSETS_DIR / "css" / "country_report.css").as_uri())
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()


def test_a_refused_url_stops_the_rendering():
    html = HTML(string='<img src="file:///etc/passwd">', url_fetcher=static_asset_fetcher())
    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()


def test_page_counter_text_is_valid_css_for_any_translation():
    assert css_counter_text("Page {page} of {pages}") == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert css_counter_text('{page} / {pages} "x"') == (
        'counter(page) " / " counter(pages) " \\"x\\""'
    )


def test_verification_names_the_submission_of_an_authentic_pdf(client, submitted):
    url = reverse("assessments:verify")
    pdf = stored(submitted)
    by_file = client.post(url, {"file": SimpleUploadedFile("report.pdf", pdf)})
    assert "Authentic." in by_file.content.decode()
    assert "version 1 of the country report of Norway" in by_file.content.decode()
    by_hash = client.post(url, {"sha256": submitted.pdf_sha256.upper()})
    assert "Authentic." in by_hash.content.decode()


def test_verification_rejects_a_changed_pdf_and_bad_input(client, submitted):
    url = reverse("assessments:verify")
    changed = stored(submitted) + b"\n"
    result = client.post(url, {"file": SimpleUploadedFile("report.pdf", changed)})
    assert result.status_code == 200
    assert "Not found." in result.content.decode()
    not_hex = client.post(url, {"sha256": "xyz"})
    assert not_hex.status_code == 400
    assert "64 characters" in not_hex.content.decode()
    empty = client.post(url, {})
    assert empty.status_code == 400
    assert "Choose the PDF file or paste its SHA-256" in empty.content.decode()


def test_the_report_is_tagged_with_the_language_it_is_rendered_in(submitted):
    pdf = render_country_report(submitted.snapshot, language="fr", draft=True)
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "fr"


def test_the_report_renders_in_the_language_of_the_submission_by_default(submitted):
    with translation.override("fr"):
        pdf = render_country_report(submitted.snapshot)
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == submitted.snapshot["language"]


def test_a_format_1_snapshot_renders_the_text_it_always_did():
    """Stored before snapshots froze codes instead of labels: its PDF text is unchanged."""
    data = Path(__file__).parent / "data"
    snapshot = json.loads((data / "snapshot_v1.json").read_text(encoding="utf-8"))
    expected = (data / "snapshot_v1.txt").read_text(encoding="utf-8")

    with translation.override("fr"):  # its labels were frozen in English and stay so
        pdf = render_country_report(snapshot)

    assert text_of(pdf) == expected


def test_loading_the_site_does_not_import_weasyprint():
    """Only a rendering imports it: every process start would pay 0.3 s otherwise."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); "
        "from django.urls import resolve; resolve('/'); "
        "import assessments.admin, assessments.services.lifecycle, "
        "assessments.services.reports, assessments.views.documents, "
        "assessments.selectors.exports, r2p_site.urls; "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "r2p_site.settings"},
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
