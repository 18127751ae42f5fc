"""The country report is accessible in each of the six languages: pdfua (the
machine-checkable part of PDF/UA-1) finds nothing, every chart is a figure whose text
says what it shows in the report's language, every table has its rows and every header
cell its scope; its cover prints the State's own deadline and how many recommendations
were answered. The secretariat's overview, which shares the charts, passes pdfua too.

Each language's report is rendered once for the module, from one fully answered
assessment with an extension of its deadline, evidence in several scripts, links and a
file: six renderings in all.
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pdfua
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi, gettext, ngettext
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from assessments.documents.pdf import render_country_report, report_context
from assessments.documents.snapshot import build_snapshot
from assessments.models import AnswerStatus, Cycle
from assessments.services.answers import AnswerContent, answer_save, attachment_add
from assessments.services.extensions import extension_grant
from assessments.services.lifecycle import assessment_start, assessment_submit
from assessments.uploads import check_upload
from catalogue.models import Target
from delegations.models import Member, MemberState

from .conftest import _report

# The module's reports are built in the test database, which pytest-django creates only
# for a session whose tests are marked.
pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CYCLE_DEADLINE = date(2099, 6, 25)
EXTENDED_UNTIL = date(2099, 7, 31)
STATUSES = [
    AnswerStatus.IMPLEMENTED,
    AnswerStatus.PARTIALLY_IMPLEMENTED,
    AnswerStatus.NOT_STARTED,
]
EVIDENCE = [
    "The national action plan of 2021 assigns atrocity prevention to a committee.",
    "قانون حماية السكان من الإبادة الجماعية",
    "保护责任国家协调人办公室",
    "Закон о защите населения. Loi « Ærøskøbing » n° 12.",
]
ATTACHED = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Rendered:
    snapshot: dict
    pdf: bytes
    path: Path


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Rendered]:
    """The country report of one fully answered assessment, in each language."""
    folder = tmp_path_factory.mktemp("country-reports")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media"),
        transaction.atomic(),
    ):
        snapshots = _fully_answered_snapshots()
        transaction.set_rollback(True)  # plain data from here: nothing is kept
    rendered = {}
    for language, snapshot in snapshots.items():
        pdf = render_country_report(snapshot)
        path = folder / f"report-{language}.pdf"
        path.write_bytes(pdf)
        rendered[language] = Rendered(snapshot, pdf, path)
    return rendered


def _fully_answered_snapshots() -> dict[str, dict]:
    """Three reports (nine recommendations to Member States, two to the UN) all answered,
    with a 2099 cycle whose deadline the State had extended; one snapshot per language,
    as a submission in that language would freeze it."""
    ms = Target.objects.create(code="MS", name="Member States", position=1)
    un = Target.objects.create(code="UN", name="United Nations", position=2)
    catalogue = [
        _report(2009, [ms], [4]),
        _report(2013, [ms, un], [3, 2]),
        _report(2014, [ms], [2]),
    ]
    cycle = Cycle.objects.create(code="2099", name="2099 debate", deadline=CYCLE_DEADLINE)
    cycle.reports.set(catalogue)
    state = MemberState.objects.get_or_create(
        iso3="NOR", defaults={"name": "Norway", "regional_group": "western_european_other"}
    )[0]
    user = get_user_model().objects.create_user(username="accessible-focal-point")
    Member.objects.create(user=user, member_state=state, role=Member.Role.FOCAL_POINT)
    secretariat = get_user_model().objects.create_user(username="accessible-secretariat")
    extension_grant(
        member_state=state,
        cycle=cycle,
        until=EXTENDED_UNTIL,
        reason="Elections.",
        granted_by=secretariat,
    )
    assessment = assessment_start(member_state=state, cycle=cycle, started_by=user)
    answers = list(assessment.answers.in_catalogue_order())
    for index, answer in enumerate(answers):
        answer_save(
            answer=answer,
            content=AnswerContent(
                status=STATUSES[index % len(STATUSES)],
                evidence=EVIDENCE[index % len(EVIDENCE)],
                links=[f"https://www.example.org/national-action-plan/{index}"],
            ),
            base_version=0,
            user=user,
        )
    upload = SimpleUploadedFile("national-action-plan.pdf", ATTACHED)
    attachment_add(
        answer=answers[0],
        upload=upload,
        checked_type=check_upload(upload),
        sha256=hashlib.sha256(ATTACHED).hexdigest(),
        user=user,
    )
    snapshots = {}
    for language in LANGUAGES:
        with translation.override(language):
            snapshots[language] = build_snapshot(
                assessment=assessment, submitted_by=user, submitted_at=timezone.now(), number=1
            )
    return snapshots


def role(node: DictionaryObject) -> str:
    return str(node.get("/S", ""))


def children(node: DictionaryObject) -> list[DictionaryObject]:
    """The structure elements under one (not its marked-content ids)."""
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    kids = [kid.get_object() for kid in (kids if isinstance(kids, ArrayObject) else [kids])]
    return [kid for kid in kids if isinstance(kid, DictionaryObject) and "/S" in kid]


def marks_content(node: DictionaryObject) -> bool:
    """Whether an element or one below it holds content of the page (a marked-content id)."""
    kids = node.get("/K")
    if kids is None:
        return False
    kids = kids.get_object()
    kids = kids if isinstance(kids, ArrayObject) else [kids]
    return any(isinstance(kid, int) for kid in kids) or any(
        marks_content(child) for child in children(node)
    )


def elements(pdf: bytes, wanted: str) -> list[DictionaryObject]:
    """Every structure element of a tagged PDF in the role `wanted`, in reading order."""
    found = []

    def visit(node: DictionaryObject) -> None:
        if role(node) == wanted:
            found.append(node)
        for child in children(node):
            visit(child)

    for top in children(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]):
        visit(top)
    return found


def normalised(text: str) -> str:
    """Extracted text without the line breaks and spaces that layout adds."""
    return "".join(text.split())


def extracted_in(expected: str, text: str) -> bool:
    """Whether `expected` is in the extracted `text`. Right to left, a line's words are
    extracted in the order they are drawn, brackets mirrored: each word is looked for on
    its own, without brackets."""
    if not get_language_bidi():
        return normalised(expected) in normalised(text)
    unbracketed = normalised(text).translate(BRACKETS)
    return all(part.translate(BRACKETS) in unbracketed for part in expected.split())


BRACKETS = str.maketrans("", "", "()")


# pdfua 0.1.3 cannot run its empty-heading rule on a heading whose /K is an array, as
# WeasyPrint writes every one (its `as_integer` asks a pikepdf Array for an attribute,
# which raises ValueError rather than AttributeError): the headings are checked below.
PDFUA_CANNOT_RUN = {"UA-14-001"}


def pdfua_findings(path: Path) -> list[str]:
    """What pdfua finds in a PDF, one line each; a rule it could not run counts too,
    since its silence would be no pass (but for PDFUA_CANNOT_RUN)."""
    report = pdfua.validate(str(path))
    return [
        f"{finding.rule_id} {finding.severity.name.lower()} at "
        f"{finding.location.describe()}: {finding.message}"
        for finding in report.findings
    ] + [
        f"{outcome.rule_id} not run: {outcome.skipped_reason}"
        for outcome in report.skipped
        if outcome.rule_id not in PDFUA_CANNOT_RUN
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdfua_finds_nothing_in_the_country_report(reports, language):
    findings = pdfua_findings(reports[language].path)

    assert not findings, "\n".join([f"pdfua, country report in {language}:", *findings])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pdfua_finds_nothing_in_the_overview_either(
    client, secretariat, norway_assessment, focal_point_norway, language, tmp_path
):
    """The secretariat's global overview shares the charts, their legend and the tables."""
    assessment_submit(assessment=norway_assessment, submitted_by=focal_point_norway)
    client.force_login(secretariat)
    url = reverse("admin:assessments_overview_pdf")
    path = tmp_path / "overview.pdf"
    path.write_bytes(client.get(url, headers={"accept-language": language}).content)

    findings = pdfua_findings(path)

    assert not findings, "\n".join([f"pdfua, overview in {language}:", *findings])


def test_the_chart_of_the_english_report_reads_out_every_bar(reports):
    [figure] = elements(reports["en"].pdf, "/Figure")

    assert str(figure["/Alt"]) == (
        "Answers by report: "
        "2009, 4 of 4 answered (2 implemented, 1 partially implemented, 1 not started); "
        "2013, 3 of 3 answered (1 implemented, 1 partially implemented, 1 not started); "
        "2014, 2 of 2 answered (0 implemented, 1 partially implemented, 1 not started); "
        "All reports, 9 of 9 answered (3 implemented, 3 partially implemented, 3 not started)"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chart_figure_says_what_it_shows_in_the_reports_language(reports, language):
    rendered = reports[language]
    figures = [str(node["/Alt"]) for node in elements(rendered.pdf, "/Figure")]

    with translation.override(language):
        chart = report_context(rendered.snapshot, draft=False)["chart"]
        title, everything = gettext("Answers by report"), gettext("All reports")
        rtl = get_language_bidi()
    if rtl:
        # Arabic's chart is a table, its labels HTML (WeasyPrint's SVG text cannot join
        # Arabic letters): each bar is a figure of its own, which gives its figures.
        assert figures == [bar["description"] for bar in chart["bars"]]
        labels = ["2009", "2013", "2014", everything]
        assert all(text.startswith(label) for text, label in zip(figures, labels, strict=True))
    else:
        # One drawing, named by what it groups by and the figures of every bar.
        assert figures == [chart["alt"]]
        assert figures[0].startswith(title)
        assert all(label in figures[0] for label in ["2009", "2013", "2014", everything])
    if language != "en":
        assert not any("answered" in text for text in figures), figures


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_table_has_rows_and_every_header_cell_its_scope(reports, language):
    tables = elements(reports[language].pdf, "/Table")

    # The summary's two tables, and in Arabic the chart's; none inside another.
    assert len(tables) == (3 if language == "ar" else 2)
    for table in tables:
        assert not any(role(child) == "/Table" for child in children(table))
        groups = [child for child in children(table) if role(child) in ("/THead", "/TBody")]
        rows = [(role(group), row) for group in groups for row in children(group)]
        assert rows and all(role(row) == "/TR" for _group, row in rows)
        headers = [
            (group, cell) for group, row in rows for cell in children(row) if role(cell) == "/TH"
        ]
        # Column headers in the head, row headers in the body, as the templates say.
        assert headers
        for group, cell in headers:
            expected = "/Column" if group == "/THead" else "/Row"
            assert cell["/A"].get("/Scope") == expected, (group, cell)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_heading_is_empty(reports, language):
    """pdfua's UA-14-001, which it cannot run on these files (PDFUA_CANNOT_RUN)."""
    headings = [
        heading
        for level in range(1, 7)
        for heading in elements(reports[language].pdf, f"/H{level}")
    ]

    # The State's name; summary and contents; each report; each answer; and more.
    assert len(headings) >= 1 + 2 + 3 + 9
    assert all(marks_content(heading) for heading in headings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cover_prints_the_extended_deadline_and_how_many_were_answered(reports, language):
    cover = PdfReader(io.BytesIO(reports[language].pdf)).pages[0].extract_text()

    with translation.override(language):
        deadline = gettext("%(deadline)s (extended from %(cycle_deadline)s)") % {
            "deadline": date_format(EXTENDED_UNTIL, "DATE_FORMAT"),
            "cycle_deadline": date_format(CYCLE_DEADLINE, "DATE_FORMAT"),
        }
        answered = ngettext(
            "%(answered)s of %(total)s recommendation",
            "%(answered)s of %(total)s recommendations",
            9,
        ) % {"answered": 9, "total": 9}
        assert extracted_in(deadline, cover), (language, deadline, cover)
        assert extracted_in(answered, cover), (language, answered, cover)
