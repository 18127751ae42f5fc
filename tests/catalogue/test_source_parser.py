import pytest

from catalogue.source import ParsedReport, ParsedSection, SourceFormatError, parse_source

UL = '<ul style="list-style-type: none">'
HEADER = "Target\tRecommendations/Actions\tRelevant Paragraphs"
# In a snippet built by `report()`, the first table row is on this line.
FIRST_ROW = 6


def report(
    *rows: str,
    heading: str = "1. 2009 Report (A/63/677) “Implementing the responsibility to protect”",
    summary: str = "Focus: The three pillars.",
    header: str = HEADER,
) -> str:
    return "\n".join([heading, "", summary, "", header, *rows]) + "\n"


def only_section(text: str) -> ParsedSection:
    (parsed,) = parse_source(text)
    (section,) = parsed.sections
    return section


def refusal(text: str) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as excinfo:
        parse_source(text)
    return excinfo.value


# Reports: heading, symbol, title, focus


def test_report_heading_gives_number_year_symbol_title_and_focus():
    text = report(f"Member States\t{UL} - Act.\t1")

    assert parse_source(text) == [
        ParsedReport(
            number=1,
            year=2009,
            symbol="A/63/677",
            title="Implementing the responsibility to protect",
            focus="The three pillars.",
            sections=[
                ParsedSection(
                    target_code="MS",
                    target_name="Member States",
                    paragraphs="1",
                    recommendations=["Act."],
                )
            ],
        )
    ]


def test_symbol_written_as_markdown_link_is_unwrapped():
    text = report(
        f"Member States\t{UL} - Act.\t1", heading="8. 2016 Report ([A/70/999-S/2016/620](#)) “T”"
    )

    assert parse_source(text)[0].symbol == "A/70/999-S/2016/620"


def test_title_on_its_own_line_after_the_heading():
    text = "\n".join(
        [
            "1. 2009 Report ([A/63/677](#))",
            "",
            "“Implementing the responsibility to protect”",
            "",
            "Focus: The three pillars.",
            "",
            HEADER,
            f"Member States\t{UL} - Act.\t1",
        ]
    )

    (parsed,) = parse_source(text)

    assert parsed.title == "Implementing the responsibility to protect"
    assert parsed.focus == "The three pillars."


def test_unquoted_title_loses_its_trailing_period():
    text = report(
        f"Member States\t{UL} - Act.\t1",
        heading="5. 2013 Report (A/67/929-S/2013/399) Responsibility to protect: "
        "State responsibility and prevention.",
    )

    assert (
        parse_source(text)[0].title
        == "Responsibility to protect: State responsibility and prevention"
    )


def test_title_in_straight_quotes_is_unquoted():
    text = report(
        f"Member States\t{UL} - Act.\t1",
        heading='10. 2018 Report (A/72/884) "From warning to action"',
    )

    assert parse_source(text)[0].title == "From warning to action"


def test_summary_line_without_focus_prefix_is_the_focus():
    text = report(f"Member States\t{UL} - Act.\t1", summary="Details the efforts of the UN office.")

    assert parse_source(text)[0].focus == "Details the efforts of the UN office."


def test_text_before_the_first_report_is_ignored():
    text = "Mapping Recommendations 2009-2024\n\nMember States are invited to assess.\n\n" + report(
        f"Member States\t{UL} - Act.\t1"
    )

    assert parse_source(text)[0].year == 2009


def test_reports_come_back_in_source_order():
    text = report(f"Member States\t{UL} - Act.\t1") + report(
        f"Member States\t{UL} - Share.\t2", heading="2. 2010 Report (A/64/864) “Early warning”"
    )

    assert [(parsed.number, parsed.year) for parsed in parse_source(text)] == [(1, 2009), (2, 2010)]


# Tables: headers, separators, targets


@pytest.mark.parametrize(
    "header",
    [
        "Target\tRecommendations/Actions\tRelevant Paragraphs",
        "Target\tRecommendations/Actions\tParagraph(s)",
        "Target Audience\tRecommendations/Actions\tRelevant Paragraph(s)",
        "Target Group\tRecommendations/Actions\tRelevant Paragraphs",
    ],
)
def test_every_header_variant_opens_the_table(header):
    assert only_section(report(f"Member States\t{UL} - Act.\t1", header=header)).target_code == "MS"


@pytest.mark.parametrize(
    "separator", ["--\t---\t--", "---------------\t--\t-----------------------------"]
)
def test_separator_row_of_dashes_closes_the_table(separator):
    text = report(f"Civil Society\t{UL} - Advocate.\t45-47", separator, "")

    assert only_section(text).recommendations == ["Advocate."]


def test_all_six_targets_are_recognised_with_their_codes():
    text = report(
        f"Member States\t{UL} - A.\t1",
        f"Regional and Subregional Organizations\t{UL} - B.\t2",
        f"United Nations\t{UL} - C.\t3",
        f"General Assembly\t{UL} - D.\t4",
        f"Civil Society\t{UL} - E.\t5",
        "International Development Actors (including bilateral donors, multilateral banks, "
        f"private sector)\t{UL} - F.\t6",
    )

    sections = parse_source(text)[0].sections

    assert [section.target_code for section in sections] == ["MS", "RSO", "UN", "GA", "CS", "IDA"]
    assert sections[5].target_name == (
        "International Development Actors "
        "(including bilateral donors, multilateral banks, private sector)"
    )


def test_target_name_split_after_subregional_is_rejoined():
    text = report(
        f"Regional and Subregional\t{UL} - Strengthen early warning. \t37–38, 65, Annex 1–2",
        "",
        f"Organizations\t{UL} - Share best practices. - Cooperate with the UN. \t",
    )

    section = only_section(text)

    assert section.target_code == "RSO"
    assert section.recommendations == [
        "Strengthen early warning.",
        "Share best practices.",
        "Cooperate with the UN.",
    ]
    assert section.paragraphs == "37–38, 65, Annex 1–2"


def test_target_name_split_after_and_carries_the_rest_of_a_cut_bullet():
    text = report(
        "Regional and\t- Strengthen legal frameworks to\t5, 10-12, 19,",
        "",
        f"Subregional Organizations\t<p>operationalize the principle.</p> {UL} - Play a role."
        "\t23, 33",
    )

    section = only_section(text)

    assert section.target_code == "RSO"
    assert section.recommendations == [
        "Strengthen legal frameworks to operationalize the principle.",
        "Play a role.",
    ]
    assert section.paragraphs == "5, 10-12, 19, 23, 33"


# Recommendations: bullets and continuation rows


def test_each_bullet_is_one_recommendation_in_source_order():
    text = report(f"Member States\t{UL} - Accept. - Prevent genocide. - Ratify treaties. \t13")

    assert only_section(text).recommendations == [
        "Accept.",
        "Prevent genocide.",
        "Ratify treaties.",
    ]


def test_bullet_without_list_markup_at_the_start_of_the_cell():
    text = report(
        "Member States\t- Reaffirm commitment.\t2, 8",
        "",
        f"\t{UL} - Integrate gender. \t",
    )

    assert only_section(text).recommendations == ["Reaffirm commitment.", "Integrate gender."]


def test_bullet_cut_by_a_page_break_is_rejoined_from_a_paragraph_tag():
    text = report(
        f"Member States\t{UL} - Ratify treaties. "
        "- Strengthen the rule of law, security sector, human rights \t10–13",
        "",
        f"\t<p>bodies, and early warning capacities.</p> {UL} - Engage in peer review. \t",
    )

    assert only_section(text).recommendations == [
        "Ratify treaties.",
        "Strengthen the rule of law, security sector, human rights bodies, "
        "and early warning capacities.",
        "Engage in peer review.",
    ]


def test_bullet_cut_by_a_page_break_is_rejoined_from_bare_text():
    text = report(
        f"Civil Society\t{UL} - Strengthen local early warning, prevention and protection "
        "\t36, 42, 44, 51-",
        "",
        "\tefforts, including for the victims. - Monitor atrocity risks.\t52, 54, 56",
    )

    section = only_section(text)

    assert section.recommendations == [
        "Strengthen local early warning, prevention and protection efforts, "
        "including for the victims.",
        "Monitor atrocity risks.",
    ]
    assert section.paragraphs == "36, 42, 44, 51-52, 54, 56"


def test_continuation_row_may_carry_only_new_bullets():
    text = report(
        f"Civil Society\t{UL} - Advocate for action. - Hold States accountable. \t45-47",
        "",
        "\t- Promote tolerance at community level.\t",
    )

    assert only_section(text).recommendations == [
        "Advocate for action.",
        "Hold States accountable.",
        "Promote tolerance at community level.",
    ]


def test_whitespace_inside_a_bullet_is_collapsed_to_single_spaces():
    text = report(f"Member States\t{UL} -   Act   now,\u00a0together.  \t1")

    assert only_section(text).recommendations == ["Act now, together."]


def test_hyphens_inside_words_do_not_start_a_bullet():
    text = report(f"Member States\t{UL} - Collect gender- and age-specific data. \t1")

    assert only_section(text).recommendations == ["Collect gender- and age-specific data."]


# Relevant paragraphs


def test_references_separated_only_by_a_space_get_a_comma():
    assert (
        only_section(report(f"Member States\t{UL} - Act.\t13–27 46–47")).paragraphs
        == "13–27, 46–47"
    )


@pytest.mark.parametrize(
    "paragraphs",
    [
        "5-7, 30-31, 71 (a)-(g), 74",
        "16-20, 39-49 (especially paras 48(a)-(f))",
        "21-27, 29, 48 (d), (e), (g)",
        "33, 50(a)–(h)",
        "11–12, 31–36, Annex 1–6",
    ],
)
def test_references_keep_the_source_characters(paragraphs):
    assert (
        only_section(report(f"Member States\t{UL} - Act.\t{paragraphs}")).paragraphs == paragraphs
    )


def test_period_after_the_last_reference_is_dropped():
    assert (
        only_section(report(f"Member States\t{UL} - Act.\t4, 5, 62, 65.")).paragraphs
        == "4, 5, 62, 65"
    )


def test_range_cut_by_a_page_break_joins_without_a_space():
    text = report(f"Member States\t{UL} - Act. \t36, 51–", "", "\t- More.\t52, 54")

    assert only_section(text).paragraphs == "36, 51–52, 54"


def test_paragraphs_only_on_the_continuation_row_are_kept():
    text = report(f"Member States\t{UL} - Act. \t", "", "\t- More.\t3, 4")

    assert only_section(text).paragraphs == "3, 4"


# Refusals, each naming the line


def test_error_message_names_the_line():
    error = refusal(report("Martians\t- Act.\t1"))

    assert error.line == FIRST_ROW
    assert str(error).startswith(f"line {FIRST_ROW}: ")


def test_refuses_unknown_target():
    error = refusal(report(f"Member States\t{UL} - Act.\t1", f"Martians\t{UL} - Act.\t1"))

    assert error.line == FIRST_ROW + 1
    assert "unknown target 'Martians'" in str(error)


def test_refuses_target_name_that_is_never_completed():
    error = refusal(report(f"Regional and\t{UL} - Act.\t1", f"United Nations\t{UL} - Act.\t2"))

    assert error.line == FIRST_ROW
    assert "incomplete target name 'Regional and'" in str(error)


def test_refuses_target_name_left_incomplete_at_the_end_of_the_table():
    error = refusal(report(f"Regional and Subregional\t{UL} - Act.\t1"))

    assert error.line == FIRST_ROW
    assert "incomplete target name" in str(error)


def test_refuses_the_same_target_twice_in_one_report():
    error = refusal(report(f"Civil Society\t{UL} - A.\t1", f"Civil Society\t{UL} - B.\t2"))

    assert error.line == FIRST_ROW + 1
    assert "duplicate target 'Civil Society'" in str(error)


def test_refuses_target_without_recommendations():
    error = refusal(report("Member States\t\t1", f"Civil Society\t{UL} - B.\t2"))

    assert error.line == FIRST_ROW
    assert "'Member States' has no recommendations" in str(error)


def test_refuses_target_without_relevant_paragraphs():
    error = refusal(report(f"Member States\t{UL} - A.\t"))

    assert error.line == FIRST_ROW
    assert "no relevant paragraphs" in str(error)


def test_refuses_bullet_text_after_the_table():
    error = refusal(report(f"Member States\t{UL} - A.\t1", "--\t---\t--", "", " - Stray bullet."))

    assert error.line == FIRST_ROW + 3
    assert "text after the table" in str(error)


def test_refuses_bullet_text_before_the_table_header():
    text = "\n".join(["1. 2009 Report (A/63/677) “T”", "Focus: F.", " - Stray bullet.", HEADER])

    error = refusal(text)

    assert error.line == 3
    assert "outside a report table" in str(error)


def test_refuses_bullet_text_before_the_first_report():
    error = refusal(" - Stray bullet.\n" + report(f"Member States\t{UL} - A.\t1"))

    assert error.line == 1
    assert "outside a report table" in str(error)


def test_refuses_table_row_before_the_header():
    text = "\n".join(["1. 2009 Report (A/63/677) “T”", "Focus: F.", f"Member States\t{UL} - A.\t1"])

    error = refusal(text)

    assert error.line == 3
    assert "before the table header" in str(error)


def test_refuses_report_without_table():
    text = "1. 2009 Report (A/63/677) “T”\n\nFocus: F.\n\n" + report(
        f"Member States\t{UL} - A.\t1", heading="2. 2010 Report (A/64/864) “U”"
    )

    error = refusal(text)

    assert error.line == 1
    assert "2009 report has no recommendations table" in str(error)


def test_refuses_report_without_table_at_the_end_of_the_source():
    error = refusal(report(f"Member States\t{UL} - A.\t1") + "2. 2010 Report (A/64/864) “U”\n")

    assert error.line == FIRST_ROW + 1
    assert "2010 report has no recommendations table" in str(error)


def test_refuses_duplicate_year():
    text = report(f"Member States\t{UL} - A.\t1") + report(
        f"Member States\t{UL} - B.\t2", heading="2. 2009 Report (A/64/864) “U”"
    )

    error = refusal(text)

    assert error.line == FIRST_ROW + 1
    assert "duplicate report year 2009" in str(error)


def test_refuses_unbalanced_paragraph_tag():
    error = refusal(report(f"Member States\t{UL} - A. \t1", "\t<p>rest of it. - B.\t"))

    assert error.line == FIRST_ROW + 1
    assert "unbalanced or unexpected HTML" in str(error)


def test_refuses_unexpected_html():
    error = refusal(report(f"Member States\t{UL} - A <b>bold</b>.\t1"))

    assert error.line == FIRST_ROW
    assert "unbalanced or unexpected HTML" in str(error)


def test_refuses_continuation_text_with_no_bullet_to_continue():
    error = refusal(report(f"Member States\t<p>orphan text.</p> {UL} - A.\t1"))

    assert error.line == FIRST_ROW
    assert "without a recommendation bullet to continue" in str(error)


def test_refuses_continuation_row_before_the_first_target():
    error = refusal(report(f"\t{UL} - A.\t1"))

    assert error.line == FIRST_ROW
    assert "before the first target" in str(error)


def test_refuses_empty_bullet():
    error = refusal(report(f"Member States\t{UL} - A. - - B.\t1"))

    assert error.line == FIRST_ROW
    assert "empty recommendation bullet" in str(error)


def test_refuses_row_with_wrong_number_of_cells():
    error = refusal(report(f"Member States\t{UL} - A.\t1\textra"))

    assert error.line == FIRST_ROW
    assert "3 tab-separated cells, found 4" in str(error)


def test_refuses_line_without_cells_inside_the_table():
    error = refusal(report(f"Member States\t{UL} - A.\t1", "Some loose prose."))

    assert error.line == FIRST_ROW + 1
    assert "found 1" in str(error)


def test_refuses_malformed_report_heading():
    error = refusal(report(f"Member States\t{UL} - A.\t1", heading="1. 2009 Report A/63/677 “T”"))

    assert error.line == 1
    assert "malformed report heading" in str(error)


def test_refuses_malformed_symbol():
    error = refusal(
        report(f"Member States\t{UL} - A.\t1", heading="1. 2009 Report (see below) “T”")
    )

    assert error.line == 1
    assert "malformed document symbol" in str(error)


def test_refuses_title_with_unbalanced_quotes():
    error = refusal(report(f"Member States\t{UL} - A.\t1", heading="1. 2009 Report (A/63/677) “T"))

    assert error.line == 1
    assert "unbalanced quotes" in str(error)


def test_refuses_second_summary_line():
    text = "\n".join(["1. 2009 Report (A/63/677) “T”", "Focus: F.", "Another line.", HEADER])

    error = refusal(text)

    assert error.line == 3
    assert "unexpected text before the table" in str(error)


def test_refuses_source_without_reports():
    error = refusal("Just a preamble.\n")

    assert error.line == 2
    assert "no report found" in str(error)
