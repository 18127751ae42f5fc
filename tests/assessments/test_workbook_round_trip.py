"""The offline round-trip: download, edit as a ministry would, upload, preview, apply."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl.worksheet.formula import ArrayFormula

from assessments.models import Answer, AnswerChange, AnswerStatus
from assessments.services.answers import AnswerContent, answer_save
from assessments.workbook.xlsx import excel_escape, excel_unescape
from catalogue.models import Recommendation, RecommendationTranslation, ReportTranslation
from tests.assessments.workbook_files import (
    column_of,
    download,
    edit,
    open_book,
    rezip_replacing,
    row_of,
    save,
    upload,
)

PREVIEW = "assessments:workbook_preview"


def data_part(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def preview(client, assessment):
    return client.get(reverse(PREVIEW, args=[assessment.pk]))


def apply(client, assessment, **choices):
    page = preview(client, assessment)
    token = page.context["plan"]["preview"]
    return client.post(
        reverse(PREVIEW, args=[assessment.pk]),
        {
            "preview": token,
            "apply": "",
            **{f"keep-{code}": value for code, value in choices.items()},
        },
    )


def test_the_workbook_opens_ready_to_work_in(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    book = open_book(download(client, norway_assessment))
    sheet = book.worksheets[0]
    assert sheet.title == "Answers"
    assert [sheet.cell(2, column).value for column in range(1, 8)] == [
        "Code",
        "Report",
        "Recommendation",
        "Paragraphs",
        "Status",
        "Evidence",
        "Links (one per line)",
    ]
    codes = [sheet.cell(row, 1).value for row in range(3, sheet.max_row + 1)]
    assert codes == ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]
    assert sheet.freeze_panes == "B3"
    assert sheet.row_dimensions[1].hidden
    assert sheet.protection.sheet
    assert sheet.cell(3, column_of(sheet, "code")).protection.locked
    assert not sheet.cell(3, column_of(sheet, "evidence")).protection.locked
    assert sheet.cell(3, column_of(sheet, "text")).alignment.wrap_text
    assert sheet.column_dimensions["C"].width == 60
    # What is typed in the editable columns stays text: "3/4" is no date.
    for key in ("status", "evidence", "links"):
        letter = sheet.cell(1, column_of(sheet, key)).column_letter
        assert sheet.column_dimensions[letter].number_format == "@"
        assert sheet.cell(3, column_of(sheet, key)).number_format == "@"
    assert sheet.cell(3, column_of(sheet, "code")).number_format == "General"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and "E3:E7" in str(validation.sqref)
    assert book.sheetnames[1] == "Instructions"
    meta = book["r2p_meta"]
    assert meta.sheet_state == "veryHidden" and meta.protection.sheet
    assert [meta["E1"].value, meta["E2"].value, meta["E3"].value] == [
        "Implemented",
        "Partially implemented",
        "Not started",
    ]


def test_a_workbook_in_french_gives_the_official_translations_and_still_round_trips(
    client, focal_point_norway, norway_assessment
):
    recommendation = Recommendation.objects.get(code="2013-MS-01")
    RecommendationTranslation.objects.create(
        recommendation=recommendation, language="fr", text="Adopter une stratégie nationale."
    )
    ReportTranslation.objects.create(
        report=recommendation.section.report, language="fr", title="Rapport de 2013"
    )
    focal_point_norway.language = "fr"
    focal_point_norway.save()
    client.force_login(focal_point_norway)

    data = download(client, norway_assessment)

    sheet = open_book(data).worksheets[0]
    row = row_of(sheet, "2013-MS-01")
    assert sheet.cell(row, column_of(sheet, "text")).value == "Adopter une stratégie nationale."
    assert sheet.cell(row, column_of(sheet, "report")).value == "2013 – Rapport de 2013"
    # Without a translation, the English original.
    other = row_of(sheet, "2013-MS-02")
    english = Recommendation.objects.get(code="2013-MS-02").text
    assert sheet.cell(other, column_of(sheet, "text")).value == english
    edited = edit(data, {"2013-MS-01": {"evidence": "Loi n° 12."}})
    assert upload(client, norway_assessment, edited).status_code == 302
    apply(client, norway_assessment)
    assert norway_assessment.answers.get(recommendation=recommendation).evidence == "Loi n° 12."


def test_a_whole_assessment_round_trips_with_history_from_the_workbook(
    client, focal_point_norway, norway_assessment
):
    client.force_login(focal_point_norway)
    data = download(client, norway_assessment)
    codes = ["2013-MS-01", "2013-MS-02", "2013-MS-03", "2014-MS-01", "2014-MS-02"]
    statuses = ["Implemented", "partially_implemented", "Not started", "IMPLEMENTED", "Implemented"]
    edited = edit(
        data,
        {
            code: {
                "status": status,
                "evidence": f"Ministry of Justice, {code}.",
                "links": f"https://example.org/{code}\nhttps://example.org/law",
            }
            for code, status in zip(codes, statuses, strict=True)
        },
    )
    result = upload(client, norway_assessment, edited, name="NOR answers.xlsx")
    assert result.status_code == 302, result.context and result.context["errors"]
    page = preview(client, norway_assessment)
    assert len(page.context["changes"]) == 5 and not page.context["conflicts"]
    assert "Ministry of Justice, 2013-MS-01." in page.content.decode()
    assert Answer.objects.filter(assessment=norway_assessment, version=0).count() == 5
    result = apply(client, norway_assessment)
    assert result.status_code == 302
    answers = norway_assessment.answers.in_catalogue_order()
    assert [answer.status for answer in answers] == [
        "implemented",
        "partially_implemented",
        "not_started",
        "implemented",
        "implemented",
    ]
    assert answers[0].links == ["https://example.org/2013-MS-01", "https://example.org/law"]
    changes = AnswerChange.objects.filter(answer__assessment=norway_assessment)
    assert changes.count() == 5
    assert set(changes.values_list("kind", "note")) == {
        (AnswerChange.Kind.WORKBOOK, "NOR answers.xlsx")
    }
    # Downloaded again, nothing to change.
    again = download(client, norway_assessment)
    assert upload(client, norway_assessment, again).status_code == 302
    page = preview(client, norway_assessment)
    assert page.context["changes"] == [] and page.context["conflicts"] == []
    assert "No answer would change" in page.content.decode()


def test_rows_are_tall_enough_for_their_wrapped_text(
    client, focal_point_norway, norway_assessment, first_answer
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(
            status="implemented", evidence="A long account of the plan. " * 40, links=[]
        ),
        base_version=0,
        user=focal_point_norway,
    )
    client.force_login(focal_point_norway)
    book = open_book(download(client, norway_assessment))
    sheet = book.worksheets[0]
    # 1,120 characters in a column 70 wide: 17 lines of 15 points at least.
    assert sheet.row_dimensions[row_of(sheet, "2013-MS-01")].height >= 17 * 15
    # A recommendation of one line in a column 60 wide, its code and its report: left
    # to the spreadsheet, which grows it as it is typed in.
    assert sheet.row_dimensions[row_of(sheet, "2013-MS-02")].height is None
    instructions = book["Instructions"]
    assert instructions.column_dimensions["A"].width == 100
    for row in range(1, instructions.max_row + 1):
        cell = instructions.cell(row, 1)
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        lines = -(-len(cell.value or "") // 99)
        height = instructions.row_dimensions[row].height or 15
        assert height >= lines * 15 * (cell.font.size or 11) / 11


def test_text_that_looks_like_an_excel_escape_round_trips_unchanged(
    client, focal_point_norway, norway_assessment
):
    # A spreadsheet reads "_x0041_" as "A" and "_x005F_" as "_", unless escaped; and
    # openpyxl deletes "x005F_" from shared strings, which LibreOffice writes.
    texts = {
        "2013-MS-01": "Decree _x0041_ of 2019",
        "2013-MS-02": "x005F_ and _x005F_",
        "2013-MS-03": "_x0041_x005F_x000B_",
    }
    for code, evidence in texts.items():
        answer = norway_assessment.answers.get(recommendation__code=code)
        answer.assessment = norway_assessment
        answer_save(
            answer=answer,
            content=AnswerContent(status="implemented", evidence=evidence, links=[]),
            base_version=0,
            user=focal_point_norway,
        )
    client.force_login(focal_point_norway)
    data = download(client, norway_assessment)
    # Stored as Excel stores such text, each underscore that starts an escape escaped.
    assert b"Decree _x005F_x0041_ of 2019" in data_part(data)
    assert b"_x005F_x0041_x005F_x005F_x005F_x000B_" in data_part(data)
    assert upload(client, norway_assessment, data).status_code == 302
    assert client.session[f"workbook-plan-{norway_assessment.pk}"]["rows"] == []
    # Typed again by openpyxl, which escapes nothing: read as typed all the same.
    edited = edit(data, {"2014-MS-01": {"evidence": "Decree _x0041_ of 2020"}})
    assert upload(client, norway_assessment, edited).status_code == 302
    apply(client, norway_assessment)
    saved = {a.recommendation.code: a.evidence for a in norway_assessment.answers.with_catalogue()}
    assert saved == {**texts, "2014-MS-01": "Decree _x0041_ of 2020", "2014-MS-02": ""}


@pytest.mark.parametrize(
    "text",
    ["Decree _x0041_ of 2019", "x005F_", "_x005F_", "_x0041_x005F_", "__x0041__", "_x00e9_"],
)
def test_excel_escaping_reads_back_exactly(text):
    assert excel_unescape(excel_escape(text)) == text


def test_what_spreadsheets_escape_is_decoded_and_nothing_else():
    # A control character (dropped afterwards) and an escaped underscore, as Excel and
    # LibreOffice write them; an escape of an ordinary letter is text, as LibreOffice
    # reads it (no spreadsheet writes one, openpyxl leaves typed text as it is).
    assert excel_unescape("Plan_x000B_ of_x000D_ action") == "Plan\x0b of\r action"
    assert excel_unescape("snake_x005F_x005F_case") == "snake_x005F_case"
    assert excel_unescape("Decree _x0041_ of 2019") == "Decree _x0041_ of 2019"


def test_numbers_dates_and_truth_values_typed_in_a_cell_not_formatted_as_text_read_as_typed(
    client, focal_point_norway, norway_assessment
):
    # In a workbook downloaded before the columns were formatted as text, or pasted over.
    client.force_login(focal_point_norway)
    edited = edit(
        download(client, norway_assessment),
        {
            "2013-MS-01": {"evidence": 1.5},
            "2013-MS-02": {"evidence": datetime.datetime(2019, 3, 1)},
            "2013-MS-03": {"evidence": datetime.datetime(2019, 3, 1, 14, 30)},
            "2014-MS-01": {"evidence": True},
            "2014-MS-02": {"evidence": 12.0},
        },
    )
    assert upload(client, norway_assessment, edited).status_code == 302
    plan = client.session[f"workbook-plan-{norway_assessment.pk}"]
    assert {row["code"]: row["content"]["evidence"] for row in plan["rows"]} == {
        "2013-MS-01": "1.5",
        "2013-MS-02": "2019-03-01",
        "2013-MS-03": "2019-03-01 14:30",
        "2014-MS-01": "TRUE",
        "2014-MS-02": "12",
    }


def test_a_formula_is_exported_as_text_and_imported_as_typed(
    client, focal_point_norway, norway_assessment, first_answer
):
    answer_save(
        answer=first_answer,
        content=AnswerContent(status="implemented", evidence="=1+1", links=[]),
        base_version=0,
        user=focal_point_norway,
    )
    client.force_login(focal_point_norway)
    book = open_book(download(client, norway_assessment))
    sheet = book.worksheets[0]
    cell = sheet.cell(row_of(sheet, "2013-MS-01"), column_of(sheet, "evidence"))
    assert cell.data_type == "s" and cell.value == "=1+1" and cell.quotePrefix
    # A ministry types formulas: they are stored as the text typed, never calculated.
    edited = edit(
        download(client, norway_assessment),
        {"2013-MS-02": {"evidence": '=HYPERLINK("http://evil","x")', "status": "=1+1"}},
    )
    assert upload(client, norway_assessment, edited).context["errors"]  # not a status
    edited = edit(
        download(client, norway_assessment),
        {"2013-MS-02": {"evidence": '=HYPERLINK("http://evil","x")'}},
    )
    assert upload(client, norway_assessment, edited).status_code == 302
    apply(client, norway_assessment)
    saved = norway_assessment.answers.get(recommendation__code="2013-MS-02")
    assert saved.evidence == '=HYPERLINK("http://evil","x")'
    assert norway_assessment.answers.get(recommendation__code="2013-MS-01").evidence == "=1+1"


def test_an_array_formula_is_imported_as_typed(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    book = open_book(download(client, norway_assessment))
    sheet = book.worksheets[0]
    cell = sheet.cell(row_of(sheet, "2013-MS-02"), column_of(sheet, "evidence"))
    cell.value = ArrayFormula(cell.coordinate, "=SUM(1,2)")
    assert upload(client, norway_assessment, save(book)).status_code == 302
    (row,) = client.session[f"workbook-plan-{norway_assessment.pk}"]["rows"]
    assert (row["code"], row["content"]["evidence"]) == ("2013-MS-02", "=SUM(1,2)")


def test_control_characters_are_cleaned(client, focal_point_norway, norway_assessment):
    client.force_login(focal_point_norway)
    edited = edit(download(client, norway_assessment), {"2013-MS-01": {"evidence": "CTRLMARK"}})
    # As a spreadsheet writes a pasted vertical tab and a Windows line end.
    edited = rezip_replacing(edited, b"CTRLMARK", b"Plan_x000B_ of&#13;\naction_x0007_")
    assert upload(client, norway_assessment, edited).status_code == 302
    apply(client, norway_assessment)
    saved = norway_assessment.answers.get(recommendation__code="2013-MS-01")
    assert saved.evidence == "Plan of\naction"


@pytest.fixture
def downloaded(client, focal_point_norway, editor_norway, norway_assessment):
    client.force_login(focal_point_norway)
    return download(client, norway_assessment)


def _save_online(assessment, code, user, evidence):
    answer = assessment.answers.get(recommendation__code=code)
    answer.assessment = assessment
    return answer_save(
        answer=answer,
        content=AnswerContent(status="implemented", evidence=evidence, links=[]),
        base_version=answer.version,
        user=user,
    )


def test_a_conflict_shows_both_versions_and_the_choice_is_applied(
    client, focal_point_norway, editor_norway, norway_assessment, downloaded
):
    _save_online(norway_assessment, "2013-MS-01", editor_norway, "Typed online.")
    _save_online(norway_assessment, "2013-MS-02", editor_norway, "Also online.")
    # Saved online after the download but untouched in the workbook: no conflict.
    _save_online(norway_assessment, "2013-MS-03", editor_norway, "Only online.")
    edited = edit(
        downloaded,
        {
            "2013-MS-01": {"evidence": "From the ministry."},
            "2013-MS-02": {"evidence": "From the capital."},
            "2014-MS-01": {"status": "Not started"},
        },
    )
    assert upload(client, norway_assessment, edited).status_code == 302
    page = preview(client, norway_assessment)
    assert [change.code for change in page.context["conflicts"]] == ["2013-MS-01", "2013-MS-02"]
    assert [change.code for change in page.context["changes"]] == ["2014-MS-01"]
    html = page.content.decode()
    assert "Typed online." in html and "From the ministry." in html
    assert 'name="keep-2013-MS-01"' in html
    # Without a choice, nothing is saved.
    token = page.context["plan"]["preview"]
    refused = client.post(reverse(PREVIEW, args=[norway_assessment.pk]), {"preview": token})
    assert refused.status_code == 400
    assert "Choose which version to keep." in refused.content.decode()
    assert norway_assessment.answers.get(recommendation__code="2014-MS-01").status == ""
    result = apply(client, norway_assessment, **{"2013-MS-01": "workbook", "2013-MS-02": "online"})
    assert result.status_code == 302
    answers = {a.recommendation.code: a for a in norway_assessment.answers.with_catalogue()}
    assert answers["2013-MS-01"].evidence == "From the ministry."
    assert answers["2013-MS-02"].evidence == "Also online."
    assert answers["2013-MS-03"].evidence == "Only online."
    assert answers["2014-MS-01"].status == AnswerStatus.NOT_STARTED
    assert answers["2013-MS-01"].changes.first().kind == AnswerChange.Kind.WORKBOOK


def test_an_answer_changed_again_after_the_preview_refuses_the_whole_apply(
    client, focal_point_norway, editor_norway, norway_assessment, downloaded
):
    edited = edit(
        downloaded,
        {"2013-MS-01": {"evidence": "From the ministry."}, "2014-MS-02": {"status": "Implemented"}},
    )
    upload(client, norway_assessment, edited)
    page = preview(client, norway_assessment)
    token = page.context["plan"]["preview"]
    _save_online(norway_assessment, "2013-MS-01", editor_norway, "Meanwhile online.")
    result = client.post(reverse(PREVIEW, args=[norway_assessment.pk]), {"preview": token})
    assert result.status_code == 302 and result.url.endswith("/workbook/preview/")
    answers = {a.recommendation.code: a for a in norway_assessment.answers.with_catalogue()}
    assert answers["2013-MS-01"].evidence == "Meanwhile online."
    assert answers["2014-MS-02"].status == ""  # nothing applied
    assert not AnswerChange.objects.filter(kind=AnswerChange.Kind.WORKBOOK).exists()
    # Looked at again, it is a conflict to decide.
    page = preview(client, norway_assessment)
    assert [change.code for change in page.context["conflicts"]] == ["2013-MS-01"]


def test_a_refusal_while_applying_rolls_every_answer_back(
    client, focal_point_norway, norway_assessment, downloaded, settings, monkeypatch
):
    from assessments import limits

    edited = edit(
        downloaded,
        {"2013-MS-01": {"evidence": "a" * 50}, "2013-MS-02": {"evidence": "b" * 50}},
    )
    upload(client, norway_assessment, edited)
    # The limit shrinks between the preview and the apply: the second save is refused.
    monkeypatch.setattr(limits, "ASSESSMENT_EVIDENCE_MAX_CHARS", 60)
    result = apply(client, norway_assessment)
    assert result.status_code == 302
    assert not norway_assessment.answers.exclude(evidence="").exists()
    page = client.get(result.url)
    assert "Nothing was saved" in page.content.decode()
