"""Workbooks really saved by LibreOffice Calc upload as they were edited, .xlsx and .ods.

The files are in tests/assessments/data/libreoffice (its README says how they were
made); `libreoffice_assessment` makes again the assessment they were downloaded from, so
that they pass every check of the import as LibreOffice left them.
"""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from assessments.models import AnswerChange, AnswerStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.workbook.layout import META_SHEET
from assessments.workbook.upload import read_workbook
from assessments.workbook.xlsx import read_sheets
from tests.assessments.workbook_files import (
    LIBREOFFICE_ANSWERS,
    LIBREOFFICE_DATA,
    download,
    libreoffice_assessment,
    upload,
)

FORMATS = [".xlsx", ".ods"]
# What tests/assessments/data/libreoffice/libreoffice_edit.py typed, and the rows the
# answers ended in once sorted by code from Z to A with the row of 2013-MS-02 deleted.
EDITED = {
    "2015-MS-04": (
        3,
        {
            "evidence": "Budget line 12 and Decree _x0041_ of 2019.",
            "links": ["https://example.org/budget", "https://example.org/decree"],
        },
    ),
    "2015-MS-03": (4, {"evidence": "TRUE"}),
    "2015-MS-02": (5, {"evidence": "1.50"}),
    "2015-MS-01": (6, {"evidence": "3/4"}),
    "2013-MS-03": (9, {"status": AnswerStatus.IMPLEMENTED, "evidence": "01/03/2019"}),
}


@pytest.fixture
def assessment(cycle, norway, focal_point_norway):
    return libreoffice_assessment(cycle=cycle, member_state=norway, started_by=focal_point_norway)


def saved_by_libreoffice(name: str) -> bytes:
    return (LIBREOFFICE_DATA / name).read_bytes()


def preview(client, assessment):
    return client.get(reverse("assessments:workbook_preview", args=[assessment.pk]))


def contents(assessment) -> dict:
    return {
        answer.recommendation.code: answer.content()
        for answer in assessment.answers.select_related("recommendation")
    }


def as_downloaded(code: str) -> dict:
    status, evidence, links, _version = LIBREOFFICE_ANSWERS[code]
    return {"status": status, "evidence": evidence, "links": links}


def test_the_committed_workbooks_were_downloaded_from_the_assessment_the_tests_make(
    client, focal_point_norway, assessment
):
    # Should the layout or the fingerprints change, this fails first: make the files
    # again (tests/assessments/data/libreoffice/README.md).
    client.force_login(focal_point_norway)

    def meta(data):
        (sheet,) = [sheet for sheet in read_sheets(data) if sheet.title == META_SHEET]
        return [
            (row, {column: cells[column] for column in (1, 2, 3) if column in cells})
            for row, cells in sheet.rows
        ]

    assert meta(saved_by_libreoffice("unchanged.xlsx")) == meta(download(client, assessment))


def test_the_committed_workbooks_are_libreoffices_own():
    for name in ("unchanged.xlsx", "edited.xlsx"):
        archive = zipfile.ZipFile(io.BytesIO(saved_by_libreoffice(name)))
        assert b"<Application>LibreOffice" in archive.read("docProps/app.xml")
    # After a row is deleted, LibreOffice writes the empty row 1,048,576 and a size to
    # match; and in an .ods, the empty rows and cells after the last as huge repeats.
    sheet = zipfile.ZipFile(io.BytesIO(saved_by_libreoffice("edited.xlsx"))).read(
        "xl/worksheets/sheet1.xml"
    )
    assert b'<dimension ref="A1:H1048576"/>' in sheet and b'<row r="1048576"' in sheet
    for name in ("unchanged.ods", "edited.ods"):
        archive = zipfile.ZipFile(io.BytesIO(saved_by_libreoffice(name)))
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = archive.read("content.xml")
        assert max(map(int, re.findall(rb'number-rows-repeated="(\d+)"', content))) > 1_000_000
        assert b'number-columns-repeated="16' in content


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_download_saved_unchanged_in_libreoffice_uploads_as_no_change(
    client, focal_point_norway, assessment, suffix
):
    # Whatever the evidence holds: "_x0041_", "x005F_", "_x005F_", a formula, "1.50",
    # several lines.
    name = "unchanged" + suffix
    plan = read_workbook(data=saved_by_libreoffice(name), filename=name, assessment=assessment)
    assert plan["rows"] == []
    client.force_login(focal_point_norway)
    assert upload(client, assessment, saved_by_libreoffice(name), name=name).status_code == 302
    page = preview(client, assessment)
    assert page.context["changes"] == [] and page.context["conflicts"] == []


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_workbook_edited_in_libreoffice_previews_exactly_the_edits_made(
    client, focal_point_norway, assessment, suffix
):
    # A column inserted, a date, a fraction, 1.50 and TRUE typed into Evidence, the rows
    # sorted, a row deleted.
    client.force_login(focal_point_norway)
    name = "edited" + suffix
    result = upload(client, assessment, saved_by_libreoffice(name), name=name)
    assert result.status_code == 302, result.context and result.context["errors"]

    page = preview(client, assessment)
    assert page.context["conflicts"] == []
    changes = {change.code: change for change in page.context["changes"]}
    assert {code: change.row for code, change in changes.items()} == {
        code: row for code, (row, _edits) in EDITED.items()
    }
    for code, (_row, edits) in EDITED.items():
        assert changes[code].workbook == {**as_downloaded(code), **edits}
        assert changes[code].online == as_downloaded(code)
    html = page.content.decode()
    assert "Budget line 12 and Decree _x0041_ of 2019." in html and "01/03/2019" in html

    token = page.context["plan"]["preview"]
    url = reverse("assessments:workbook_preview", args=[assessment.pk])
    assert client.post(url, {"preview": token, "apply": ""}).status_code == 302
    assert contents(assessment) == {
        code: {**as_downloaded(code), **EDITED.get(code, (0, {}))[1]}
        for code in LIBREOFFICE_ANSWERS
    }
    assert AnswerChange.objects.filter(kind=AnswerChange.Kind.WORKBOOK, note=name).count() == 5


@pytest.mark.parametrize("suffix", FORMATS)
def test_an_answer_saved_online_since_is_a_conflict_in_a_libreoffice_workbook(
    client, focal_point_norway, assessment, suffix
):
    answer = assessment.answers.get(recommendation__code="2015-MS-01")
    answer.assessment = assessment
    answer_save(
        answer=answer,
        content=AnswerContent(status="implemented", evidence="Typed online.", links=[]),
        base_version=answer.version,
        user=focal_point_norway,
    )
    client.force_login(focal_point_norway)
    name = "edited" + suffix
    assert upload(client, assessment, saved_by_libreoffice(name), name=name).status_code == 302
    page = preview(client, assessment)
    (conflict,) = page.context["conflicts"]
    assert (conflict.code, conflict.online["evidence"], conflict.workbook["evidence"]) == (
        "2015-MS-01",
        "Typed online.",
        "3/4",
    )
    assert len(page.context["changes"]) == 4


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_libreoffice_workbook_uploaded_to_another_assessment_names_both_once(
    client, focal_point_norway, norway_assessment, suffix
):
    # Norway's assessment of the same cycle, but not the one the workbook was downloaded
    # from (as on another copy of the site): named by number, the State and cycle once.
    client.force_login(focal_point_norway)
    result = upload(client, norway_assessment, saved_by_libreoffice("edited" + suffix))
    assert result.status_code == 400
    assert [str(error) for error in result.context["errors"]] == [
        "sheet “r2p_meta”, row 2, column “B”: This workbook belongs to another assessment "
        f"of Norway for cycle 2025 (number 4242) than the one it was uploaded to (number "
        f"{norway_assessment.pk}), perhaps on another copy of this site: download this "
        "assessment's workbook and copy your answers into it."
    ]
    assert not AnswerChange.objects.exists()
