"""The Arabic rendering of a country report, read back in reading order: the verification
address and the official PDF's fingerprint on the cover and at the foot of every page
read as written (not "/https://…"), and so do the counts on the cover, and the
recommendations' codes and links.

The text is read back by poppler's `pdftotext`, which puts right-to-left lines in
reading order (pypdf gives the order of drawing). Without it the test is skipped, except
under `CI=true`, where it fails: .ci/run installs poppler-utils.
"""

import io
import shutil
import subprocess
import tempfile

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from pypdf import PdfReader

from assessments.documents.pdf import OfficialReport, render_country_report
from assessments.models import AnswerStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit
from catalogue.bidi import without_controls
from tests.browser.support import require

pytestmark = pytest.mark.django_db

VERIFY_URL = "https://r2p.example.org/assessments/verify/"
SHA256 = "0a1b2c3d4e5f" * 5 + "6789"
LINK = "https://example.org/law/12/"
# Longer than a line of the page: it wraps.
LONG_LINK = "https://example.org/" + "a-long-path-segment/" * 8
# The marks pdftotext puts around the runs of each direction, and the ones the report
# isolates runs with: none of them is read.


def pdf_text(pdf: bytes, page: int) -> list[str]:
    """The lines of one page (from 1), in reading order, without bidirectional marks."""
    require(shutil.which("pdftotext") is not None, "pdftotext not found: install poppler-utils.")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", file.name, "-"],
            capture_output=True,
            check=True,
        )
    text = without_controls(result.stdout.decode())
    return [line.strip() for line in text.splitlines() if line.strip()]


def joined(lines: list[str]) -> str:
    """The lines as one string without spaces: a long address wraps onto a second line."""
    return "".join("".join(lines).split())


@pytest.fixture
def arabic_rendering(norway_assessment, focal_point_norway):
    """Norway's submission in English, rendered with its labels in Arabic."""
    answer = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    answer_save(
        answer=answer,
        content=AnswerContent(
            status=AnswerStatus.IMPLEMENTED,
            evidence="Act no. 12 of 2019.",
            links=[LINK, LONG_LINK],
        ),
        base_version=0,
        user=focal_point_norway,
    )
    with translation.override("en"):
        submission = assessment_submit(
            assessment=norway_assessment, submitted_by=focal_point_norway
        )
    official = OfficialReport(number=1, language="en", sha256=SHA256, verify_url=VERIFY_URL)
    return render_country_report(submission.snapshot, language="ar", translating=official)


def test_the_verification_address_and_fingerprint_read_intact_on_the_cover_and_every_footer(
    arabic_rendering,
):
    pages = len(PdfReader(io.BytesIO(arabic_rendering)).pages)
    assert pages >= 3
    for page in range(1, pages + 1):
        text = joined(pdf_text(arabic_rendering, page))
        # Twice on the cover (its notice, and the foot of the page), once on each page.
        assert text.count(SHA256) >= 1, (page, text)
        assert text.count(VERIFY_URL) >= 1, (page, text)
        assert "/" + VERIFY_URL.removesuffix("/") not in text, (page, text)
    cover = joined(pdf_text(arabic_rendering, 1))
    assert cover.count(VERIFY_URL) == 2 and cover.count(SHA256) == 2


def test_the_arabic_cover_keeps_the_counts_in_reading_order(arabic_rendering):
    cover = pdf_text(arabic_rendering, 1)
    with translation.override("ar"):
        answered = ngettext(
            "%(answered)s of %(total)s recommendation",
            "%(answered)s of %(total)s recommendations",
            5,
        ) % {"answered": 1, "total": 5}
    assert answered != "1 of 5 recommendations"  # read in Arabic
    assert joined([answered]) in joined(cover)


def test_the_arabic_answers_keep_their_codes_and_links_in_reading_order(arabic_rendering):
    pages = len(PdfReader(io.BytesIO(arabic_rendering)).pages)
    text = "\n".join("\n".join(pdf_text(arabic_rendering, page)) for page in range(2, pages + 1))
    assert "2013-MS-01" in text and "MS-01-2013" not in text
    assert LINK in text and "/" + LINK.removesuffix("/") not in text
    # Wrapped onto a second line, read on as written (the list's bullet aside).
    assert LONG_LINK in joined([text]).replace("•", ""), text
