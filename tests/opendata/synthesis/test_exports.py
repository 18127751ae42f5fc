"""The CSV and JSON of the figures: fixed column and key names, a BOM for Excel, text
that a spreadsheet shows and never runs; the evidence never in them, however large."""

import csv
import io
import json

import pytest
from django.urls import reverse

from assessments import limits
from assessments.models import Submission
from catalogue.models import Theme
from opendata.synthesis.exports import HEADER

from .support import body

pytestmark = pytest.mark.django_db


def csv_rows(client, url) -> list[dict]:
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_has_one_row_per_figure_under_fixed_names(client, synthesis_cycle, submissions):
    rows = csv_rows(client, reverse("opendata:synthesis_csv", args=["2025"]))
    assert list(rows[0]) == HEADER
    kinds = [row["kind"] for row in rows]
    assert (
        kinds == ["overall"] + ["report"] * 2 + ["theme"] + ["group"] * 5 + ["recommendation"] * 5
    )
    first = next(row for row in rows if row["key"] == "2013-MS-01")
    assert (first["states"], first["implemented"], first["not_answered"]) == ("7", "4", "0")
    # A recommendation is one answer per State: no count of recommendations of its own.
    assert first["recommendations"] == "" and first["total"] == "7"


def test_a_label_that_reads_as_a_formula_is_shown_not_run(client, synthesis_cycle, submissions):
    Theme.objects.filter(slug="prevention").update(name='=HYPERLINK("https://x.example")')
    rows = csv_rows(client, reverse("opendata:synthesis_csv", args=["2025"]))
    theme = next(row for row in rows if row["kind"] == "theme")
    assert theme["label"] == '\'=HYPERLINK("https://x.example")'
    data = json.loads(body(client.get(reverse("opendata:synthesis_json", args=["2025"]))))
    # JSON has types: the text is kept exactly.
    assert data["figures"]["theme"][0]["label"] == '=HYPERLINK("https://x.example")'


def test_the_json_says_what_it_counts_and_withholds(client, synthesis_cycle, submissions):
    response = client.get(reverse("opendata:synthesis_json", args=["2025"]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body(response))
    assert data["cycle"] == {"code": "2025", "name": "2025 debate"}
    assert (data["audience"], data["min_states"]) == ("public", 3)
    assert data["statuses"] == [
        "implemented",
        "partially_implemented",
        "not_started",
        "not_answered",
    ]
    overall = data["figures"]["overall"][0]
    assert overall["counts"] == {
        "implemented": 13,
        "partially_implemented": 12,
        "not_started": 7,
        "not_answered": 3,
    }
    assert (overall["states"], overall["total"], overall["withheld"]) == (7, 35, None)
    assert (overall["recommendations_counted"], overall["recommendations"]) == (5, 5)
    asia = next(item for item in data["figures"]["group"] if item["key"] == "asia_pacific")
    assert asia == {
        "kind": "group",
        "key": "asia_pacific",
        "label": "Asia-Pacific States",
        "title": "",
        "states": None,
        "counts": None,
        "total": None,
        "recommendations_counted": 0,
        "recommendations": 0,
        "withheld": "few_states",
        "note": "fewer than 3 States",
    }


def test_the_largest_evidence_changes_nothing_and_shows_nowhere(
    client, synthesis_cycle, submissions
):
    before = body(client.get(reverse("opendata:synthesis_csv", args=["2025"])))
    submission = submissions["NOR"]
    snapshot = submission.snapshot
    largest = "E" * limits.EVIDENCE_MAX_CHARS
    for report in snapshot["reports"]:
        for answer in report["answers"]:
            answer["evidence"] = largest
    Submission.objects.filter(pk=submission.pk).update(snapshot=snapshot)
    after = client.get(reverse("opendata:synthesis_csv", args=["2025"]))
    assert body(after) == before
    page = client.get(reverse("opendata:synthesis")).content.decode()
    assert "EEEEEEEEEE" not in page and "EVIDENCE-" not in page
