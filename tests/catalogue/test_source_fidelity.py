"""The catalogue fixture says exactly what the source document says.

Checked without catalogue.source: the source is read here with a
deliberately simpler method (a report's recommendation cells per target are
concatenated, tags stripped, and the text split on " - "), so a parser bug
cannot hide behind the same bug in the test.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SOURCE = BASE_DIR / "fixtures" / "source" / "r2p-sg-report-recommendations-2009-2024.txt"
FIXTURE = BASE_DIR / "fixtures" / "catalogue.json"

TARGET_CODES = {
    "Member States": "MS",
    "Regional and Subregional Organizations": "RSO",
    "United Nations": "UN",
    "General Assembly": "GA",
    "Civil Society": "CS",
    "International Development Actors (including bilateral donors, multilateral banks, "
    "private sector)": "IDA",
}

# Counted by hand from the source, bullet by bullet.
EXPECTED_COUNTS = {
    2009: {"MS": 12, "RSO": 4, "UN": 9, "GA": 5, "CS": 5},
    2010: {"MS": 2, "RSO": 2, "UN": 5, "CS": 2},
    2011: {"MS": 6, "RSO": 10, "UN": 7, "CS": 4},
    2012: {"MS": 7, "RSO": 4, "UN": 8, "CS": 4},
    2013: {"MS": 10, "RSO": 3, "UN": 3, "CS": 3},
    2014: {"MS": 9, "RSO": 6, "UN": 7, "CS": 6},
    2015: {"MS": 14, "RSO": 6, "UN": 9, "CS": 6},
    2016: {"MS": 12, "RSO": 6, "UN": 8, "CS": 5},
    2017: {"MS": 13, "RSO": 5, "UN": 10, "CS": 5},
    2018: {"MS": 9, "RSO": 5, "UN": 8, "CS": 2},
    2019: {"MS": 9, "RSO": 5, "UN": 8, "CS": 5},
    2020: {"MS": 12, "RSO": 6, "UN": 7, "CS": 7},
    2021: {"MS": 10, "RSO": 8, "UN": 7, "CS": 6},
    2022: {"MS": 10, "RSO": 3, "UN": 5, "CS": 2},
    2023: {"MS": 12, "RSO": 3, "UN": 3, "CS": 5, "IDA": 9},
    2024: {"MS": 6, "RSO": 3, "UN": 12, "CS": 3},
}

EXPECTED_SYMBOLS = {
    2009: "A/63/677",
    2010: "A/64/864",
    2011: "A/65/877-S/2011/393",
    2012: "A/66/874-S/2012/578",
    2013: "A/67/929-S/2013/399",
    2014: "A/68/947-S/2014/449",
    2015: "A/69/981-S/2015/500",
    2016: "A/70/999-S/2016/620",
    2017: "A/71/1016-S/2017/556",
    2018: "A/72/884-S/2018/525",
    2019: "A/73/898-S/2019/463",
    2020: "A/74/964-S/2020/501",
    2021: "A/75/863-S/2021/424",
    2022: "A/76/844-S/2022/428",
    2023: "A/77/910-S/2023/409",
    2024: "A/78/901-S/2024/434",
}

# Recommendations that a page break cuts in two in the source.
EXPECTED_REJOINED_TEXTS = {
    "2011-MS-03": "Strengthen the rule of law, security sector, human rights bodies, "
    "and early warning capacities.",
    "2012-CS-04": "Promote tolerance and counter discrimination and incitement at community level.",
    "2015-MS-04": "Strengthen national resilience: inclusive governance, human rights protection, "
    "judicial reform, countering discrimination and incitement.",
    "2015-UN-04": "Peace operations: enhance civilian protection mandates and resources, "
    "intelligence, rapid deployment, pre-deployment training, threat analysis, casualty tracking.",
    "2016-MS-04": "Establish national focal points for the responsibility to protect and national "
    "architectures to strengthen national inhibitors (professional security sector, judicial "
    "systems, early warning, etc.).",
    "2016-CS-01": "Strengthen local early warning, prevention and protection efforts, including "
    "for the victims.",
    "2018-UN-04": "Ensure peace operations and UN field presences integrate atrocities prevention "
    "goals, including by utilizing the Framework of Analysis.",
    "2019-RSO-01": "Strengthen legal and institutional frameworks to operationalize the "
    "responsibility to protect (e.g., AU, EU initiatives).",
    "2020-MS-01": "Reaffirm commitment to paragraphs 138 and 139 of the 2005 World Summit "
    "Outcome, including by addressing gender aspects of protection.",
    "2021-MS-06": "Address and counter hate speech and incitement based on international human "
    "rights law.",
    "2023-IDA-04": "Invest in governance reforms, social resilience, and inclusive peacebuilding, "
    "as well as other activities to mitigate atrocity risks in the communities being supported.",
}

EXPECTED_PARAGRAPHS = {
    # Two references separated only by a space in the source.
    (2009, "MS"): "13–27, 46–47",
    # Split across a page break, with the target name.
    (2009, "RSO"): "37–38, 65, Annex 1–2",
    (2019, "RSO"): "5, 10-12, 19, 23, 33",
    # A range cut by a page break ("51-" / "52").
    (2016, "CS"): "36, 42, 44, 51-52, 54, 56",
    (2013, "MS"): "5-7, 30-31, 35-42, 44-48, 49-55, 56-64, 71 (a)-(g), 74",
    (2021, "MS"): "16-20, 39-49 (especially paras 48(a)-(f))",
    (2021, "RSO"): "21-27, 29, 33, 39, 48 (d), (e), (g)",
    (2022, "MS"): "33, 50(a)–(h)",
    # The source ends this reference with a dash and nothing continues it.
    (2023, "RSO"): "30, 35-",
    # The source ends these with a sentence period.
    (2024, "RSO"): "4, 5, 30, 42–46, 62, 65",
    (2024, "UN"): "2, 30–37, 39, 41–47, 49–53, 55–59, 61, 63, 65–67, 69–70",
}


def source_tables() -> dict[tuple[int, str], dict[str, list[str]]]:
    """(year, target code) -> the raw recommendation and paragraph cells of its rows."""
    tables: dict[tuple[int, str], dict[str, list[str]]] = defaultdict(
        lambda: {"recommendations": [], "paragraphs": []}
    )
    year = target = None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"\d+\. (\d{4}) Report", line)
        if heading:
            year, target = int(heading[1]), None
            continue
        if "\t" not in line:
            continue
        name, recommendations, paragraphs = (cell.strip() for cell in line.split("\t"))
        if name.startswith("Target") or set(name) == {"-"}:
            continue
        # A row starts a new target when its first cell begins a target name;
        # the rest of a name cut by a page break ("Organizations") does not.
        starting = [full for full in TARGET_CODES if name and full.startswith(name)]
        if starting:
            (full_name,) = starting
            target = TARGET_CODES[full_name]
        tables[(year, target)]["recommendations"].append(recommendations)
        tables[(year, target)]["paragraphs"].append(paragraphs)
    return tables


def source_bullets(cells: list[str]) -> list[str]:
    text = re.sub(r"<[^>]*>", " ", " ".join(cells))
    text = " " + " ".join(text.split())
    before_first, *bullets = text.split(" - ")
    assert before_first == ""
    return [bullet.strip() for bullet in bullets]


@pytest.fixture(scope="module")
def tables():
    return source_tables()


@pytest.fixture(scope="module")
def catalogue() -> dict[str, list[dict]]:
    by_model = defaultdict(list)
    for item in json.loads(FIXTURE.read_text(encoding="utf-8")):
        by_model[item["model"]].append(item["fields"])
    return by_model


@pytest.fixture(scope="module")
def fixture_texts(catalogue) -> dict[tuple[int, str], list[str]]:
    texts = defaultdict(list)
    for fields in sorted(catalogue["catalogue.recommendation"], key=lambda f: f["position"]):
        year, code = fields["section"]
        texts[(year, code)].append(fields["text"])
    return texts


@pytest.fixture(scope="module")
def recommendations(catalogue) -> list[dict]:
    return catalogue["catalogue.recommendation"]


def test_fixture_has_sixteen_reports_from_2009_to_2024_numbered_1_to_16(catalogue):
    reports = catalogue["catalogue.report"]

    assert [(report["number"], report["year"]) for report in reports] == [
        (number, 2008 + number) for number in range(1, 17)
    ]


def test_report_symbols_are_plain_document_symbols(catalogue):
    assert {report["year"]: report["symbol"] for report in catalogue["catalogue.report"]} == (
        EXPECTED_SYMBOLS
    )


def test_report_titles_are_unquoted_and_without_trailing_period(catalogue):
    titles = {report["year"]: report["title"] for report in catalogue["catalogue.report"]}

    assert titles[2009] == "Implementing the responsibility to protect"
    assert titles[2013] == "Responsibility to protect: State responsibility and prevention"
    for title in titles.values():
        assert title
        assert title[0] not in "“\"'" and title[-1] not in "”\"'."


def test_every_report_has_a_focus_without_its_label(catalogue):
    focus = {report["year"]: report["focus"] for report in catalogue["catalogue.report"]}

    assert focus[2021] == (
        "Details the efforts of the UN office dedicated to responsibility to protect and "
        "genocide prevention."
    )
    assert all(text and not text.startswith("Focus") for text in focus.values())


def test_targets_are_the_six_addressees_in_order(catalogue):
    targets = [(t["position"], t["code"], t["name"]) for t in catalogue["catalogue.target"]]

    assert targets == [
        (position, code, name)
        for position, (name, code) in enumerate(TARGET_CODES.items(), start=1)
    ]


def test_source_reading_finds_the_hand_counted_table(tables):
    counted = defaultdict(dict)
    for (year, code), cells in tables.items():
        counted[year][code] = len(source_bullets(cells["recommendations"]))

    assert counted == EXPECTED_COUNTS


def test_fixture_has_the_hand_counted_recommendations_per_report_and_target(fixture_texts):
    counted = defaultdict(dict)
    for (year, code), texts in fixture_texts.items():
        counted[year][code] = len(texts)

    assert counted == EXPECTED_COUNTS


def test_fixture_totals_per_target(recommendations):
    per_target = defaultdict(int)
    for fields in recommendations:
        per_target[fields["section"][1]] += 1

    assert dict(per_target) == {"MS": 153, "RSO": 79, "UN": 116, "GA": 5, "CS": 70, "IDA": 9}
    assert len(recommendations) == 432


def test_every_source_bullet_appears_once_in_order_under_its_report_and_target(
    tables, fixture_texts
):
    from_source = {key: source_bullets(cells["recommendations"]) for key, cells in tables.items()}

    assert fixture_texts == from_source


def test_2023_report_is_the_one_addressing_international_development_actors(catalogue):
    sections = [(s["report"][0], s["target"][0]) for s in catalogue["catalogue.section"]]

    assert [code for year, code in sections if year == 2023] == ["MS", "RSO", "UN", "CS", "IDA"]
    assert [year for year, code in sections if code == "IDA"] == [2023]


def test_only_the_2009_report_addresses_the_general_assembly(catalogue):
    sections = [(s["report"][0], s["target"][0]) for s in catalogue["catalogue.section"]]

    assert [year for year, code in sections if code == "GA"] == [2009]


@pytest.mark.parametrize(("code", "text"), EXPECTED_REJOINED_TEXTS.items())
def test_recommendation_cut_by_a_page_break_is_whole(recommendations, code, text):
    (found,) = [fields["text"] for fields in recommendations if fields["code"] == code]

    assert found == text


def test_recommendation_texts_are_clean(recommendations):
    for fields in recommendations:
        text = fields["text"]
        assert "<" not in text and ">" not in text, fields["code"]
        assert "  " not in text, fields["code"]
        assert text == text.strip(), fields["code"]
        assert text[0].isupper(), fields["code"]
        assert not text.startswith("-") and " - " not in text, fields["code"]


def test_recommendation_codes_follow_year_target_position(recommendations):
    positions = defaultdict(list)
    for fields in recommendations:
        year, target = fields["section"]
        assert fields["code"] == f"{year}-{target}-{fields['position']:02d}"
        positions[(year, target)].append(fields["position"])

    for found in positions.values():
        assert sorted(found) == list(range(1, len(found) + 1))


def test_every_section_has_a_paragraph_reference(catalogue, fixture_texts):
    sections = {
        (section["report"][0], section["target"][0]): section["paragraphs"]
        for section in catalogue["catalogue.section"]
    }

    assert set(sections) == set(fixture_texts)
    assert all(paragraphs.strip() for paragraphs in sections.values())


@pytest.mark.parametrize(("key", "paragraphs"), EXPECTED_PARAGRAPHS.items())
def test_paragraph_reference_is_complete(catalogue, key, paragraphs):
    (found,) = [
        section["paragraphs"]
        for section in catalogue["catalogue.section"]
        if (section["report"][0], section["target"][0]) == key
    ]

    assert found == paragraphs


def test_paragraph_references_keep_every_source_character(catalogue, tables):
    # Only separators may differ: joined spaces, an added comma, a dropped final period.
    def significant(text: str) -> str:
        return re.sub(r"[\s,]", "", text).removesuffix(".")

    for section in catalogue["catalogue.section"]:
        key = (section["report"][0], section["target"][0])
        source_text = "".join(tables[key]["paragraphs"])
        assert significant(section["paragraphs"]) == significant(source_text), key
