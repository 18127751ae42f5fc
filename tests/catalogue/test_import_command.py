import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from catalogue.models import Recommendation, Report, Section, Target

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"
SOURCE = (
    Path(settings.BASE_DIR) / "fixtures" / "source" / "r2p-sg-report-recommendations-2009-2024.txt"
)
# The 2010 report's Civil Society row.
CIVIL_SOCIETY_2010_LINE = 34


def import_catalogue(*args: str) -> str:
    out = StringIO()
    call_command("import_catalogue", *args, stdout=out)
    return out.getvalue()


def catalogue_rows() -> dict[str, list[tuple]]:
    """Every catalogue row by natural key, so two databases can be compared."""
    return {
        "targets": list(Target.objects.values_list("code", "name", "position")),
        "reports": list(Report.objects.values_list("year", "number", "symbol", "title", "focus")),
        "sections": list(Section.objects.values_list("report__year", "target__code", "paragraphs")),
        "recommendations": list(
            Recommendation.objects.values_list(
                "section__report__year", "section__target__code", "position", "code", "text"
            )
        ),
    }


def catalogue_pks() -> list[tuple]:
    return list(Recommendation.objects.order_by("pk").values_list("pk", "code", "section_id"))


@pytest.fixture
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def imported():
    import_catalogue()


def write_source(tmp_path: Path, text: str) -> str:
    path = tmp_path / "source.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_into_empty_database_creates_what_the_fixture_holds():
    fixture_counts = {}
    for item in json.loads(FIXTURE.read_text(encoding="utf-8")):
        fixture_counts[item["model"]] = fixture_counts.get(item["model"], 0) + 1

    output = import_catalogue()

    assert (
        {
            "catalogue.target": Target.objects.count(),
            "catalogue.report": Report.objects.count(),
            "catalogue.section": Section.objects.count(),
            "catalogue.recommendation": Recommendation.objects.count(),
        }
        == fixture_counts
        == {
            "catalogue.target": 6,
            "catalogue.report": 16,
            "catalogue.section": 66,
            "catalogue.recommendation": 432,
        }
    )
    assert "Recommendations: 432 created, 0 updated, 0 unchanged." in output


def test_importing_twice_changes_nothing(imported):
    before_rows, before_pks = catalogue_rows(), catalogue_pks()

    output = import_catalogue()

    assert catalogue_rows() == before_rows
    assert catalogue_pks() == before_pks
    assert "Recommendations: 0 created, 0 updated, 432 unchanged." in output
    assert "Nothing changed." in output


def test_loading_the_fixture_gives_the_same_catalogue_as_importing():
    with transaction.atomic():
        import_catalogue()
        imported = catalogue_rows()
        transaction.set_rollback(True)
    assert not Target.objects.exists()

    call_command("loaddata", "catalogue", verbosity=0)

    assert catalogue_rows() == imported


def test_importing_over_the_loaded_fixture_changes_nothing():
    call_command("loaddata", "catalogue", verbosity=0)

    assert "Nothing changed." in import_catalogue()


def test_fixture_option_writes_the_committed_fixture_byte_for_byte(tmp_path):
    written = tmp_path / "catalogue.json"

    import_catalogue("--fixture", str(written))

    assert written.read_bytes() == FIXTURE.read_bytes()


def test_malformed_source_is_refused_naming_the_line_and_changes_nothing(
    imported, tmp_path, source_text
):
    lines = source_text.split("\n")
    assert lines[CIVIL_SOCIETY_2010_LINE - 1].startswith("Civil Society\t")
    lines[CIVIL_SOCIETY_2010_LINE - 1] = "Civil Societies" + lines[CIVIL_SOCIETY_2010_LINE - 1][13:]
    before_rows, before_pks = catalogue_rows(), catalogue_pks()

    with pytest.raises(CommandError, match=r"line 34: unknown target 'Civil Societies'"):
        import_catalogue(write_source(tmp_path, "\n".join(lines)))

    assert catalogue_rows() == before_rows
    assert catalogue_pks() == before_pks


def test_malformed_source_creates_nothing_in_an_empty_database(tmp_path, source_text):
    broken = source_text.replace("Organizations\t", "Organisations\t", 1)

    with pytest.raises(CommandError, match=r"line 17: incomplete target name"):
        import_catalogue(write_source(tmp_path, broken))

    assert not Target.objects.exists()
    assert not Report.objects.exists()


def test_recommendation_removed_from_the_source_is_refused(imported, tmp_path, source_text):
    broken = source_text.replace(" - Cooperate closely with the United Nations.", "", 1)
    before_rows = catalogue_rows()

    with pytest.raises(CommandError, match=r"no longer contains .*2009-RSO-04"):
        import_catalogue(write_source(tmp_path, broken))

    assert catalogue_rows() == before_rows


def test_recommendation_inserted_before_existing_ones_is_refused(imported, tmp_path, source_text):
    broken = source_text.replace(
        " - Cooperate closely with the United Nations.",
        " - A new idea. - Cooperate closely with the United Nations.",
        1,
    )
    before_rows = catalogue_rows()

    with pytest.raises(CommandError, match=r"moves existing recommendations .*2009-RSO-05"):
        import_catalogue(write_source(tmp_path, broken))

    assert catalogue_rows() == before_rows


def test_corrected_text_updates_the_recommendation_in_place(imported, tmp_path, source_text):
    original = Recommendation.objects.get(code="2009-RSO-04")
    corrected = source_text.replace(
        "Cooperate closely with the United Nations.", "Cooperate closely with the UN.", 1
    )

    output = import_catalogue(write_source(tmp_path, corrected))

    updated = Recommendation.objects.get(code="2009-RSO-04")
    assert (updated.pk, updated.text) == (original.pk, "Cooperate closely with the UN.")
    assert "Recommendations: 0 created, 1 updated, 431 unchanged." in output


def test_recommendation_added_at_the_end_of_a_section_gets_the_next_code(
    imported, tmp_path, source_text
):
    extended = source_text.replace(
        " - Cooperate closely with the United Nations.",
        " - Cooperate closely with the United Nations. - Meet once a year.",
        1,
    )

    import_catalogue(write_source(tmp_path, extended))

    assert Recommendation.objects.get(code="2009-RSO-05").text == "Meet once a year."
    assert Recommendation.objects.count() == 433


def test_reports_not_in_the_source_are_left_alone(imported):
    report = Report.objects.create(number=17, year=2025, symbol="A/79/900", title="Later report")
    section = Section.objects.create(
        report=report, target=Target.objects.get(code="MS"), paragraphs="1"
    )
    Recommendation.objects.create(section=section, position=1, code="2025-MS-01", text="Act.")

    assert "Nothing changed." in import_catalogue()
    assert Recommendation.objects.filter(code="2025-MS-01").exists()


def test_missing_source_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_catalogue(str(tmp_path / "missing.txt"))


def test_clash_with_an_unrelated_report_is_a_clear_error_and_changes_nothing():
    Report.objects.create(number=1, year=2030, symbol="A/85/1", title="Numbered first by mistake")

    with pytest.raises(CommandError, match=r"report 2009 cannot be saved"):
        import_catalogue()

    assert list(Report.objects.values_list("year", flat=True)) == [2030]
    assert not Target.objects.exists()
