"""An OpenDocument spreadsheet (.ods, LibreOffice's own format) is read as LibreOffice
wrote it, and refused as an .xlsx would be: macros, a password, a document type
declaration, a value beyond the rows of answers, damage."""

import re
import zipfile
from io import BytesIO

import pytest

from assessments.models import AnswerChange
from tests.assessments.workbook_files import (
    LIBREOFFICE_DATA,
    libreoffice_assessment,
    rezip,
    upload,
)

DAMAGED = "The workbook cannot be read: it may be damaged or incomplete. Download it again."


@pytest.fixture
def assessment(client, cycle, norway, focal_point_norway):
    client.force_login(focal_point_norway)
    return libreoffice_assessment(cycle=cycle, member_state=norway, started_by=focal_point_norway)


@pytest.fixture
def ods() -> bytes:
    """A download saved unchanged by LibreOffice as .ods."""
    return (LIBREOFFICE_DATA / "unchanged.ods").read_bytes()


def content_of(data: bytes) -> bytes:
    return zipfile.ZipFile(BytesIO(data)).read("content.xml")


def with_content(data: bytes, content: bytes) -> bytes:
    return rezip(data, {"content.xml": content})


def errors(client, assessment, data: bytes) -> list[str]:
    result = upload(client, assessment, data, name="answers.ods")
    assert result.status_code == 400
    assert not AnswerChange.objects.exists()
    return [str(error) for error in result.context["errors"]]


def planned(client, assessment, data: bytes) -> dict:
    result = upload(client, assessment, data, name="answers.ods")
    assert result.status_code == 302, result.context and result.context["errors"]
    return {
        row["code"]: row["content"]
        for row in client.session[f"workbook-plan-{assessment.pk}"]["rows"]
    }


BUDGET_CELL = re.compile(
    rb"<table:table-cell[^>]*><text:p>Budget line 12\.</text:p></table:table-cell>"
)


@pytest.mark.parametrize(
    ("cell", "evidence"),
    [
        # A number in a cell not formatted as text: as shown, not as stored.
        (b'office:value-type="float" office:value="1.5"><text:p>1.50</text:p>', "1.50"),
        (b'office:value-type="percentage" office:value="0.5"><text:p>50%</text:p>', "50%"),
        (
            b'office:value-type="date" office:date-value="2019-03-01"><text:p>03/01/19</text:p>',
            "03/01/19",
        ),
        (b'office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p>', "TRUE"),
        # A formula as typed, never calculated.
        (
            b'table:formula="of:=1+1" office:value-type="float" office:value="2">'
            b"<text:p>2</text:p>",
            "=1+1",
        ),
        # Paragraphs are lines; spaces, tabs and line breaks as typed; a note is no text.
        (
            b'office:value-type="string">'
            b"<office:annotation><text:p>A note</text:p></office:annotation>"
            b'<text:p>Law<text:s text:c="2"/>12<text:tab/>of <text:span>2019</text:span></text:p>'
            b'<text:p>See <text:a xlink:href="https://example.org">the law</text:a>'
            b"<text:line-break/>here</text:p>",
            "Law  12\tof 2019\nSee the law\nhere",
        ),
    ],
    ids=["number", "percentage", "date", "boolean", "formula", "text"],
)
def test_a_cell_of_an_ods_reads_as_it_was_shown(client, assessment, ods, cell, evidence):
    content = BUDGET_CELL.sub(
        b"<table:table-cell " + cell + b"</table:table-cell>", content_of(ods)
    )
    assert (
        planned(client, assessment, with_content(ods, content))["2015-MS-04"]["evidence"]
        == evidence
    )


def test_a_value_far_below_the_answers_of_an_ods_is_refused_naming_its_row(client, assessment, ods):
    # LibreOffice repeats the empty rows to the last one; a value put in that last row
    # is row 1,048,576, found without expanding the million rows before it.
    content = content_of(ods)
    answers_end = content.index(b"</table:table>")
    last_row = content.rindex(b"<table:table-row", 0, answers_end)
    content = (
        content[:last_row]
        + b'<table:table-row><table:table-cell office:value-type="string"><text:p>2099-MS-01'
        b"</text:p></table:table-cell></table:table-row>" + content[answers_end:]
    )
    assert errors(client, assessment, with_content(ods, content)) == [
        "sheet “Answers”, row 1048576: The sheet has more than 1000 rows of answers."
    ]


def test_an_ods_with_macros_is_refused(client, assessment, ods):
    with_macros = rezip(ods, add={"Basic/Standard/Module1.xml": b"<script:module/>"})
    assert errors(client, assessment, with_macros) == [
        "The workbook contains macros; save it as a plain workbook (.xlsx or .ods)."
    ]


def test_an_ods_protected_with_a_password_is_refused_as_such(client, assessment, ods):
    manifest = zipfile.ZipFile(BytesIO(ods)).read("META-INF/manifest.xml")
    encrypted = manifest.replace(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml">'
        b"<manifest:encryption-data/></manifest:file-entry>",
    )
    assert encrypted != manifest
    assert errors(client, assessment, rezip(ods, {"META-INF/manifest.xml": encrypted})) == [
        "The workbook is protected with a password, which this site cannot open: save it "
        "again without a password."
    ]


@pytest.mark.parametrize(
    "damage",
    [
        # Entities, as in the "billion laughs": no spreadsheet writes a document type.
        lambda content: content.replace(
            b"?>",
            b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            1,
        ),
        lambda content: content[: len(content) // 2],
        lambda content: content.replace(b'number-rows-repeated="', b'number-rows-repeated="-', 1),
    ],
    ids=["document-type", "cut-short", "bad-repeat"],
)
def test_a_damaged_ods_is_refused(client, assessment, ods, damage):
    assert errors(client, assessment, with_content(ods, damage(content_of(ods)))) == [DAMAGED]
